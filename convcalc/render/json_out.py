"""``--json``: one document with stable keys (documented in the README)."""

from __future__ import annotations

import json

from .. import __version__
from ..engine import Analysis, Field, Row
from ..units import plain

CONVENTIONS = {
    "macs": "multiply-adds of conv and linear layers only; bias, norms, activations and pooling count 0 "
            "(torchvision's convention)",
    "flops": "2 x macs",
    "params": "trainable parameters: weights, biases, norm scale/shift",
    "buffers": "non-trainable stored values: BatchNorm running mean and variance",
    "memory_bytes": "output activations x batch x bytes per value",
}


def field_json(field: Field) -> dict:
    return {
        "size": [plain(v) for v in field.size],
        "jump": [plain(v) for v in field.jump],
        "start": [plain(v) for v in field.start],
        "effective_padding": [plain(v) for v in field.effective_padding()],
    }


def row_json(row: Row, layout: str) -> dict:
    """A layer's numbers; a block's also nest its rows (``children`` or ``branches``)."""
    document = {
        "index": row.index,
        "layer": row.text,
        "kind": row.kind,
        "output": list(row.output.dims(layout)),
        "params": row.params,
        "buffers": row.buffers,
        "macs": row.macs,
        "flops": 2 * row.macs,
        "memory_bytes": row.memory_bytes,
        "receptive_field": field_json(row.field),
        "padding": [list(p) for p in row.padding] if row.padding is not None else None,
        "fit": row.fit,
        "exact_output": [plain(v) for v in row.exact_output] if row.exact_output else None,
        "warnings": list(row.warnings),
    }
    if row.explanation:
        document["explain"] = list(row.explanation)
    if row.children:
        document["children"] = [row_json(child, layout) for child in row.children]
    if row.branches:
        document["branches"] = [[row_json(r, layout) for r in branch] for branch in row.branches]
    return document


def render_json(analysis: Analysis, layout: str, notes: list[str], fitting: dict | None = None) -> str:
    total = analysis.total
    document = {
        "convcalc": __version__,
        "input": list(analysis.input.dims(layout)),
        "layout": layout,
        "batch": analysis.batch,
        "dtype": analysis.dtype,
        "conventions": CONVENTIONS,
        "notes": notes,
        "layers": [row_json(row, layout) for row in analysis.rows],
        "total": {
            "params": total.params,
            "trainable_params": total.params,
            "buffers": total.buffers,
            "macs": total.macs,
            "flops": 2 * total.macs,
            "memory_bytes": total.memory_bytes,
            "output": list(total.output.dims(layout)),
            "receptive_field": field_json(total.field),
            "non_integer_layers": total.non_integer,
        },
    }
    if fitting is not None:
        # Nearest inputs (below, above) at which every layer fits evenly; null if none is near.
        document["fitting_inputs"] = fitting
    return json.dumps(document, indent=2)
