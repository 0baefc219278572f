"""``convcalc compare``: two designs' totals side by side, with exact ratios."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report module imports the renderers
    from ..report import Comparison


# A reduced ratio is shown when both its terms are at most this (25 : 18, not 1601 : 1154).
READABLE_TERM = 1000


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


def compare_parts(comparison: Comparison) -> list:
    """The note on what MACs are, and the table, as rich renderables."""
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: the names are the user's specs, where `[relu]*2` is not a style.
    table = Table(title=Text("A = " + comparison.a_name + "\nB = " + comparison.b_name), title_justify="left")
    for column, justify in (("", "left"), ("A", "right"), ("B", "right"), ("A : B", "right"), ("B/A", "right")):
        table.add_column(column, justify=justify)
    for label, left, right in comparison.metrics():
        both, factor = ratio(left, right)
        shown = [f"{v:,}" if isinstance(v, int) else str(v) for v in (left, right)]
        table.add_row(label, *shown, both, factor)
    return [Text("MACs = multiply-adds (torchvision convention)"), table]


def render_compare(comparison: Comparison, color: bool = True) -> None:
    from .table import make_console

    console = make_console(color)
    if not console.is_terminal:
        console.width = 160
    console.print(*compare_parts(comparison))


def compare_text(comparison: Comparison) -> str:
    """repr() of a comparison: the table as plain text."""
    from .table import captured

    return captured(compare_parts(comparison), shutil.get_terminal_size().columns)


def compare_html(comparison: Comparison) -> str:
    from .table import HTML_WIDTH, captured

    return captured(compare_parts(comparison), HTML_WIDTH, html=True)


def render_compare_json(comparison: Comparison) -> str:
    return json.dumps(comparison.to_dict(), indent=2)
