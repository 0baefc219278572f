"""``convcalc compare``: two designs' totals side by side, with exact ratios."""

from __future__ import annotations

import json
from fractions import Fraction

from ..engine import Analysis
from ..tensor import format_dims
from ..units import plain, short_fraction
from .json_out import SCHEMA_VERSION

# A reduced ratio is shown when both its terms are at most this (25 : 18, not 1601 : 1154).
READABLE_TERM = 1000


def metrics(analysis: Analysis, layout: str) -> list[tuple[str, object]]:
    total = analysis.total
    return [
        ("input", format_dims(analysis.input.dims(layout))),
        ("output", format_dims(total.output.dims(layout))),
        ("receptive field", "x".join(short_fraction(v) for v in total.field.size)),
        ("params", total.params),
        ("buffers", total.buffers),
        ("MACs", total.macs),
        ("memory (bytes)", total.memory_bytes),
        ("non-integer layers", total.non_integer),
    ]


def ratio(a, b) -> tuple[str, str]:
    """``A : B`` (with the reduced form when it reads better) and B/A."""
    if not isinstance(a, int) or not isinstance(b, int):
        return "", ""
    if a == 0 and b == 0:
        return "", ""
    if a == 0 or b == 0:
        return f"{a:,} : {b:,}", ""
    reduced = Fraction(a, b)
    text = f"{a:,} : {b:,}"
    if reduced.numerator != a and reduced.numerator <= READABLE_TERM and reduced.denominator <= READABLE_TERM:
        text += f" (= {reduced.numerator} : {reduced.denominator})"
    return text, f"{b / a:.3g}x"


def render_compare(name_a: str, name_b: str, a: Analysis, b: Analysis, layout: str, color: bool = True) -> None:
    from rich.table import Table
    from rich.text import Text

    from .table import make_console

    # Text, not markup: the names are the user's specs, where `[relu]*2` is not a style.
    table = Table(title=Text("A = " + name_a + "\nB = " + name_b), title_justify="left")
    for column, justify in (("", "left"), ("A", "right"), ("B", "right"), ("A : B", "right"), ("B/A", "right")):
        table.add_column(column, justify=justify)
    for (label, left), (_, right) in zip(metrics(a, layout), metrics(b, layout)):
        both, factor = ratio(left, right)
        shown = [f"{v:,}" if isinstance(v, int) else str(v) for v in (left, right)]
        table.add_row(label, *shown, both, factor)
    console = make_console(color)
    if not console.is_terminal:
        console.width = 160
    console.print(Text("MACs = multiply-adds (torchvision convention)"), table)


def render_compare_json(name_a: str, name_b: str, a: Analysis, b: Analysis, layout: str) -> str:
    rows = {}
    for (label, left), (_, right) in zip(metrics(a, layout), metrics(b, layout)):
        entry = {"a": left, "b": right}
        if isinstance(left, int) and isinstance(right, int) and left:
            entry["b_over_a"] = plain(Fraction(right, left)) if Fraction(right, left).denominator == 1 \
                else float(Fraction(right, left))
        rows[label.split(" (")[0].replace(" ", "_").replace("-", "_").lower()] = entry
    return json.dumps({"schema_version": SCHEMA_VERSION, "a": name_a, "b": name_b, "totals": rows}, indent=2)
