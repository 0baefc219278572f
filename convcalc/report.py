"""What convcalc says about a spec, computed once for every front end.

The CLI's commands and the Python API (api.py) both build a Report here and hand it to the
renderers (render/*). A Report holds the engine's Analysis and adds what is not one layer's
arithmetic: the note about an assumed or ambiguous input, the counting convention's totals
(checked on every layer first), the whole-network fit search and its notes, and the --json
document (``to_dict``). Its ``layers`` and ``total`` are frozen views built from the same JSON
rows, so the Python face and the JSON face cannot disagree. No I/O and no printing here.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from .engine import MAX_LAYERS, Analysis, Settings, analyse
from .errors import SpecError
from .sources import input_tensor, load_document
from .syntax import Document
from .tensor import format_dims
from .units import plain, short_fraction

if TYPE_CHECKING:
    from .render.table import ComputeColumn
    from .views import Layer, Total

# The convention names, known without importing the conventions module.
CONVENTION_NAMES = ("torchvision", "torchinfo", "ptflops", "torch")


class Options:
    """How to analyse a spec: the options every analysing command shares (one object on the
    CLI's commands; keyword arguments of the API). A plain class, as Report and Comparison:
    a dataclass costs start-up time to create."""

    __slots__ = ("input", "layout", "batch", "dtype", "strict", "explain", "max_layers", "convention")

    def __init__(self, input: str | None = None, layout: str = "chw", batch: int = 1, dtype: str = "float32",
                 strict: bool = False, explain: bool = False, max_layers: int = MAX_LAYERS,
                 convention: str = "torchvision"):
        self.input = input  # --input in ``layout`` order; None: the file's input line, else the default
        self.layout = layout
        self.batch = batch
        self.dtype = dtype
        self.strict = strict
        self.explain = explain
        self.max_layers = max_layers
        self.convention = convention

    def replace(self, **changes) -> "Options":
        return Options(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})

    def settings(self) -> Settings:
        return Settings(batch=self.batch, dtype=self.dtype, strict=self.strict, explain=self.explain,
                        max_layers=self.max_layers)


class Report:
    """One analysed spec: what every output format and the Python API show.

    ``layers``, ``total`` and ``to_dict()`` are the ``--json`` document; in a terminal the
    report shows as convcalc's table (``repr``, or rich's console), in Jupyter as an HTML table.
    """

    def __init__(self, document: Document, analysis: Analysis, options: Options, input_note: str | None = None):
        self.document = document  # the parsed spec (internal: renderers and the exporter read it)
        self.analysis = analysis  # the engine's rows (internal)
        self.options = options
        self.input_note = input_note  # said when the input was assumed or may be in the other layout
        self._checked: dict = {}  # conventions already checked on every layer

    @property
    def layout(self) -> str:
        return self.options.layout

    @property
    def convention(self) -> str:
        return self.options.convention

    @property
    def input(self) -> tuple[int, ...]:
        """The input shape, in the layout's order."""
        return self.analysis.input.dims(self.layout)

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        """The top-level rows (blocks hold theirs), as in ``--json`` ``layers``."""
        from .render.json_out import row_json
        from .views import Layer

        return tuple(Layer.from_dict(row_json(row, self.layout)) for row in self.analysis.rows)

    @cached_property
    def total(self) -> Total:
        """The totals, as in ``--json`` ``total``."""
        from .render.json_out import total_json
        from .views import Total

        return Total.from_dict(total_json(self.analysis, self.layout))

    @cached_property
    def fit(self) -> tuple[tuple[str, ...], dict | None]:
        """When a layer misfits: notes naming the nearest inputs at which every layer fits, and
        those inputs (``--json`` ``fitting_inputs``); else no notes and None."""
        analysis, layout = self.analysis, self.layout
        if not analysis.total.non_integer:
            return (), None
        from .fixes import fitting_inputs

        fit = fitting_inputs(self.document, analysis, self.options.max_layers)
        found = {"below": list(fit.below.dims(layout)) if fit.below else None,
                 "above": list(fit.above.dims(layout)) if fit.above else None}
        sizes = [format_dims(t.dims(layout)) for t in (fit.below, fit.above) if t is not None]
        if not fit.span:
            return ("too many layers to search for an input at which every layer fits evenly",), found
        if not sizes:
            return (f"no input within {fit.span} of this one makes every layer fit evenly",), found
        return (f"every layer fits evenly at input {' or '.join(sizes)}",), found

    @property
    def notes(self) -> tuple[str, ...]:
        """The input note and the whole-network fit notes (``--json`` ``notes``)."""
        return ((self.input_note,) if self.input_note else ()) + self.fit[0]

    def counter(self, name: str | None = None):
        """The convention's per-row counter, checked on every layer first: a layer whose count
        the tool's rules cannot state is an error at that layer, never a silent guess."""
        return self.counted(name)[0]

    def counted(self, name: str | None = None) -> tuple:
        """(the convention, the network's operations under it by cause), every layer checked."""
        from .conventions import CONVENTIONS, UnsupportedByConvention, by_cause

        name = name or self.convention
        if name not in self._checked:
            convention = CONVENTIONS[name]
            try:
                self._checked[name] = convention, by_cause(self.analysis, convention)
            except UnsupportedByConvention as reason:
                raise SpecError(f"--convention {name}: {reason}", self.document.source, reason.row.pos,
                                self.document.label) from None
        return self._checked[name]

    def convention_summary(self, name: str | None = None) -> dict:
        """The total under a counting convention, by cause (``--json`` ``convention``)."""
        name = name or self.convention
        convention, causes = self.counted(name)
        causes = dict(causes)  # the caller's own: a report answers to_dict() anew each time
        total = sum(causes.values())
        return {"name": name, "matches": convention.matches, "unit": convention.unit, "rule": convention.rule,
                "total": total, "flops": total if convention.native_flops else 2 * total, "by_cause": causes}

    def conventions(self) -> list[dict]:
        """``convcalc conventions``: every convention's summary, or why it cannot count this network."""
        rows = []
        for name in CONVENTION_NAMES:
            try:
                rows.append(self.convention_summary(name))
            except SpecError as error:
                rows.append({"name": name, "unsupported": error.message})
        return rows

    def compute_column(self, flops: bool = False) -> ComputeColumn:
        """The table's compute column under the report's convention (FLOPs with ``flops``)."""
        from .render.table import DEFAULT_COMPUTE, ComputeColumn

        name = self.convention
        if name == "torchvision" and not flops:
            return DEFAULT_COMPUTE
        from .conventions import row_total

        convention = self.counter(name)
        factor = 2 if flops and not convention.native_flops else 1
        unit = "FLOPs" if flops or convention.native_flops else convention.unit
        note = (f"{unit} as {convention.matches} counts them: {convention.rule}"
                + (" (x2 for FLOPs)" if factor == 2 else ""))
        return ComputeColumn(f"{unit} ({name})" if name != "torchvision" else unit, note,
                             lambda row: factor * row_total(row, convention))

    def to_dict(self) -> dict:
        """The ``convcalc --json`` document, as Python values (a new dict on every call)."""
        from .render.json_out import json_document

        return json_document(self)

    def torch_module(self) -> str:
        """``convcalc export``: a self-contained Python module defining the network in PyTorch."""
        from .export import export_torch

        document = self.document
        title = document.label or " ".join(document.source.split())
        return export_torch(self.analysis, title, document.source, document.label)

    def __repr__(self) -> str:
        from .render.table import table_text

        return table_text(self)

    def _repr_html_(self) -> str:
        from .render.table import table_html

        return table_html(self)

    def __rich_console__(self, console, options):
        from .render.table import table_parts

        yield from table_parts(self, narrow=options.max_width < 110)


def build_report(spec: str | None, options: Options, file: str | None = None) -> Report:
    """Load the spec (a string, a .cnn path, a shipped name, "-" for stdin, or ``file``), read the
    input and analyse; any problem is a SpecError."""
    document = load_document(spec, file)
    start = input_tensor(document, options.input, options.layout)
    return Report(document, analyse(document, start.tensor, options.settings()), options, start.note)


class Comparison:
    """``convcalc compare``: two designs' totals side by side, with the ratios B : A."""

    def __init__(self, a_name: str, b_name: str, a: Report, b: Report):
        self.a_name, self.b_name, self.a, self.b = a_name, b_name, a, b

    def metrics(self) -> list[tuple[str, object, object]]:
        """(label, A's value, B's value) for every compared total."""
        return [(label, left, right) for (label, left), (_, right) in zip(metrics(self.a), metrics(self.b))]

    def to_dict(self) -> dict:
        """The ``convcalc compare --json`` document, as Python values."""
        from .render.json_out import SCHEMA_VERSION

        rows = {}
        for label, left, right in self.metrics():
            entry = {"a": left, "b": right}
            if isinstance(left, int) and isinstance(right, int) and left:
                quotient = Fraction(right, left)
                entry["b_over_a"] = plain(quotient) if quotient.denominator == 1 else float(quotient)
            rows[label.split(" (")[0].replace(" ", "_").replace("-", "_").lower()] = entry
        return {"schema_version": SCHEMA_VERSION, "a": self.a_name, "b": self.b_name, "totals": rows}

    def __repr__(self) -> str:
        from .render.compare import compare_text

        return compare_text(self)

    def _repr_html_(self) -> str:
        from .render.compare import compare_html

        return compare_html(self)

    def __rich_console__(self, console, options):
        from .render.compare import compare_parts

        yield from compare_parts(self)


def metrics(report: Report) -> list[tuple[str, object]]:
    total, layout = report.analysis.total, report.layout
    return [
        ("input", format_dims(report.analysis.input.dims(layout))),
        ("output", format_dims(total.output.dims(layout))),
        ("receptive field", "x".join(short_fraction(v) for v in total.field.size)),
        ("params", total.params),
        ("buffers", total.buffers),
        ("MACs", total.macs),
        ("memory (bytes)", total.memory_bytes),
        ("non-integer layers", total.non_integer),
    ]

