"""``--json``: one document with stable keys (documented in the README)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from .. import __version__, counts
from ..constructs import CONSTRUCTS
from ..engine import Analysis, Field, Row
from ..gc_pause import gc_paused
from ..units import plain

if TYPE_CHECKING:
    from ..report import Report

CONVENTIONS = {
    "macs": "multiply-adds of conv and linear layers only; bias, norms, activations and pooling count 0 "
            "(torchvision's convention)",
    "flops": "2 x macs",
    "params": "trainable parameters: weights, biases, norm scale/shift",
    "buffers": "non-trainable stored values: BatchNorm running mean and variance",
    "memory_bytes": "output activations x batch x bytes per value",
    "activations": "output elements per sample (cs231n's activation count)",
    "weights": "parameters that are not biases (kernels, fc matrices, norm scale)",
    "biases": "bias vectors and norm shifts",
    "params_bytes": "params x bytes per value at --dtype (the model's size)",
    "memory": "activation bytes: outputs = every layer's output; stored = layers that store a new tensor "
              "(ReLU, dropout in place); training = stored + gradients (2 x stored)",
    "keras": "Keras model.summary(): trainable = params, non-trainable = BatchNorm moving mean/variance (buffers)",
}


# Raised when a key is removed or changes meaning; adding keys keeps the version.
SCHEMA_VERSION = 1


def numbers(values) -> list:
    """Exact numbers for JSON (``plain``), whole ones passed straight through: most are."""
    return [v if type(v) is int else plain(v) for v in values]


def field_json(field: Field, known: dict | None = None) -> dict:
    """The field's numbers; ``known`` (id(field) -> them) spares working them out again for the
    rows that share a field (a norm or an activation keeps its input's): each row still gets
    lists of its own."""
    values = known.get(id(field)) if known is not None else None
    if values is None:
        values = (numbers(field.size), numbers(field.jump), numbers(field.start),
                  numbers(field.effective_padding()))
        if known is not None:
            known[id(field)] = values
    size, jump, start, padding = values
    return {"size": size[:], "jump": jump[:], "start": start[:], "effective_padding": padding[:],
            "effective_stride": jump[:]}


def row_json(row: Row, layout: str, fields: dict | None = None) -> dict:
    """A layer's numbers; a block's also nest its rows (``children`` or ``branches``).

    Built from the leaves up: a block's stored activations and biases are the sums over the rows
    it holds (as counts.py defines them: sums over its layers), read from their documents, so
    that a network nested five deep costs one pass, not one per level. ``fields``: field_json's
    ``known``, for one document's rows (they live as long as it is built, and so do their ids)."""
    children = [row_json(child, layout, fields) for child in row.children]
    branches = [[row_json(r, layout, fields) for r in branch] for branch in row.branches]
    activations = counts.activations(row)
    if children or branches:
        inner = children + [document for branch in branches for document in branch]
        stored = sum(document["stored_activations"] for document in inner)
        biases = sum(document["biases"] for document in inner)
    else:
        stored, biases = counts.layer_stored(row, activations), counts.layer_biases(row)
    document = {
        "index": row.index,
        "layer": row.text,
        "kind": row.kind,
        "read_as": row.read_as,
        "output": list(row.output.dims(layout)),
        "params": row.params,
        "buffers": row.buffers,
        "macs": row.macs,
        "flops": 2 * row.macs,
        "memory_bytes": row.memory_bytes,
        "receptive_field": field_json(row.field, fields),
        "padding": [list(p) for p in row.padding] if row.padding is not None else None,
        "fit": row.fit,
        "exact_output": numbers(row.exact_output) if row.exact_output else None,
        "warnings": list(row.warnings),
    }
    if row.notes:
        document["notes"] = list(row.notes)
    if row.training_only:
        document["training_only"] = True
    if row.head_output is not None:
        document["head_output"] = list(row.head_output.dims(layout))
    # The numbers courses ask for (counts.py): element counts, weights vs biases.
    document["activations"] = activations
    document["stored_activations"] = stored
    document["weights"] = row.params - biases  # counts.weights
    document["biases"] = biases
    document["whole_input"] = counts.whole_input(row)
    keras = counts.keras_shape(document["output"], layout)
    if keras is not None:
        document["keras_output"] = list(keras)
    if row.explanation:
        document["explain"] = list(row.explanation)
    if children:
        document["children"] = children
    if branches:
        document["branches"] = branches
    return document


def total_json(analysis: Analysis, layout: str) -> dict:
    total = analysis.total
    return {
        "params": total.params,
        "trainable_params": total.params,
        "buffers": total.buffers,
        "macs": total.macs,
        "flops": 2 * total.macs,
        "memory_bytes": total.memory_bytes,
        "output": list(total.output.dims(layout)),
        "receptive_field": field_json(total.field),
        "non_integer_layers": total.non_integer,
        **counts.totals(analysis),
    }


def json_document(report: Report) -> dict:
    """The --json document of a report (report.to_dict())."""
    # A tree of new dicts and lists, without cycles, as the rows are (gc_pause.py): collections
    # run while 5,000 rows are built found nothing and took 40% of the time.
    with gc_paused():
        return document_of(report)


def document_of(report: Report) -> dict:
    analysis, layout = report.analysis, report.layout
    fields: dict = {}
    document = {
        "schema_version": SCHEMA_VERSION,
        "convcalc": __version__,
        "input": list(analysis.input.dims(layout)),
        "layout": layout,
        "batch": analysis.batch,
        "dtype": analysis.dtype,
        "conventions": CONVENTIONS,
        "notes": list(report.notes),
        "layers": [row_json(row, layout, fields) for row in analysis.rows],
        # The extra outputs: side(...) and aux(...) heads, in forward order.
        "outputs": [{"index": row.index, "layer": row.text, "kind": row.kind,
                     "output": list(row.head_output.dims(layout)), "training_only": row.training_only}
                    for row in analysis.heads()],
        "total": total_json(analysis, layout),
        # The chosen counting convention's total (--convention); "macs"/"flops" above stay torchvision's.
        "convention": report.convention_summary(),
    }
    fitting = report.fit[1]
    if fitting is not None:
        # Nearest inputs (below, above) at which every layer fits evenly; null if none is near.
        document["fitting_inputs"] = fitting
    return document


def render_json(report: Report) -> str:
    # Indented for a person at a terminal; compact (and several times faster: the C
    # encoder only runs without indent) for the scripts that read a pipe.
    return json.dumps(json_document(report), indent=2 if sys.stdout.isatty() else None)


def json_schema() -> str:
    """JSON Schema (draft 2020-12) of the ``--json`` document."""
    number = {"type": "number"}
    integer = {"type": "integer", "minimum": 0}
    per_axis = {"type": "array", "items": number}
    shape = {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1}
    field = {"type": "object", "required": ["size", "jump", "start", "effective_padding", "effective_stride"],
             "properties": {"size": per_axis, "jump": per_axis, "start": per_axis, "effective_padding": per_axis,
                            "effective_stride": per_axis}}
    layer = {
        "type": "object",
        "required": ["index", "layer", "kind", "read_as", "output", "params", "buffers", "macs", "flops",
                     "memory_bytes", "receptive_field", "padding", "fit", "exact_output", "warnings"],
        "properties": {
            "index": {"type": "string", "description": "1, 2, ...; 3.2 inside a repeat or block; 4.2.1 in a "
                                                      "res/cat branch"},
            "layer": {"type": "string", "description": "the layer as written (block parameters filled in)"},
            "kind": {"type": "string", "description": f"layer kind (conv, pool, ...) or {', '.join(CONSTRUCTS)}"},
            "read_as": {"type": ["string", "null"],
                        "description": "how the item was read, every value spelled out (conv k3 s1 p1 d1 g1 -> 64 "
                                       "filters, bias); null for a block (repeat, res, cat, named block)"},
            "output": shape,
            "params": integer, "buffers": integer, "macs": integer, "flops": integer, "memory_bytes": integer,
            "receptive_field": field,
            "padding": {"type": ["array", "null"], "items": {"type": "array", "items": integer}},
            "fit": {"enum": ["exact", "non-integer"]},
            "exact_output": {"type": ["array", "null"], "items": number},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "notes": {"type": "array", "items": {"type": "string"},
                      "description": "remarks that are not warnings (a mul gate that sees the whole input)"},
            "training_only": {"const": True,
                              "description": "present on an aux(...) row and every row inside it: run in training "
                                             "only; its params count, its macs and memory_bytes are not in total"},
            "head_output": {**shape, "description": "a side(...) or aux(...) row: its head's output (the row's "
                                                    "output is the main path, which continues from its input)"},
            "activations": integer, "stored_activations": integer, "weights": integer, "biases": integer,
            "whole_input": {"type": "boolean", "description": "fc / global pooling: the field is the whole input"},
            "keras_output": {"type": "array", "items": integer,
                             "description": "Keras's shape where it differs (global pooling under hwc: (C,))"},
            "explain": {"type": "array", "items": {"type": "string"}},
            "children": {"type": "array", "items": {"$ref": "#/$defs/layer"}},
            "branches": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/$defs/layer"}}},
        },
    }
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "convcalc --json output",
        "type": "object",
        "required": ["schema_version", "convcalc", "input", "layout", "batch", "dtype", "conventions", "notes",
                     "layers", "outputs", "total", "convention"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "convcalc": {"type": "string"},
            "input": shape,
            "layout": {"enum": ["chw", "hwc"]},
            "batch": {"type": "integer", "minimum": 1},
            "dtype": {"type": "string"},
            "conventions": {"type": "object", "additionalProperties": {"type": "string"}},
            "notes": {"type": "array", "items": {"type": "string"}},
            "layers": {"type": "array", "items": {"$ref": "#/$defs/layer"}},
            "outputs": {"type": "array", "description": "the extra outputs of side(...) and aux(...) heads",
                        "items": {"type": "object", "required": ["index", "layer", "kind", "output", "training_only"],
                                  "properties": {"index": {"type": "string"}, "layer": {"type": "string"},
                                                 "kind": {"enum": ["side", "aux"]}, "output": shape,
                                                 "training_only": {"type": "boolean"}}}},
            "total": {
                "type": "object",
                "required": ["params", "trainable_params", "buffers", "macs", "flops", "memory_bytes", "output",
                             "receptive_field", "non_integer_layers"],
                "properties": {"params": integer, "trainable_params": integer, "buffers": integer, "macs": integer,
                               "flops": integer, "memory_bytes": integer, "output": shape,
                               "receptive_field": field, "non_integer_layers": integer,
                               "activations": integer, "stored_activations": integer, "weights": integer,
                               "biases": integer, "params_bytes": integer,
                               "memory": {"type": "object", "additionalProperties": integer},
                               "keras": {"type": "object", "additionalProperties": integer}},
            },
            "convention": {"type": "object", "required": ["name", "matches", "unit", "rule", "total", "flops",
                                                          "by_cause"],
                           "properties": {"total": integer, "flops": integer,
                                          "by_cause": {"type": "object", "additionalProperties": integer}}},
            "fitting_inputs": {"type": "object", "properties": {
                "below": {"type": ["array", "null"], "items": integer},
                "above": {"type": ["array", "null"], "items": integer}}},
        },
        "$defs": {"layer": layer},
    }
    return json.dumps(schema, indent=2)
