"""Report formats with one line per row and exact numbers: GitHub markdown and CSV."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ..engine import Row
from ..tensor import format_dims
from ..units import short_fraction

if TYPE_CHECKING:  # the report module imports the renderers
    from ..report import Report

CSV_COLUMNS = ("index", "depth", "layer", "kind", "output", "params", "buffers", "macs", "flops", "memory_bytes",
               "rf_size", "rf_jump", "fit", "head_output", "training_only")


def rows_in_order(rows, depth: int = 0):
    """Every row, blocks before their contents, with its nesting depth."""
    for row in rows:
        yield row, depth
        yield from rows_in_order(row.contents(), depth + 1)


def head_text(row: Row, layout: str) -> str:
    """Beside a side/aux row: its head's output (the row's own is the main path's), and whether it
    runs in training only."""
    if row.head_output is None:
        return ""
    return f" -> {format_dims(row.head_output.dims(layout))}" + (" [training only]" if row.training_only else "")


def axes(values) -> str:
    return "x".join(short_fraction(v) for v in values)


def render_markdown(report: Report) -> str:
    analysis, layout = report.analysis, report.layout
    lines = ["| # | Layer | Output | RF (size/jump) | Params | MACs | Memory (bytes) | Fit |",
             "|---:|---|---|---:|---:|---:|---:|---|"]
    for row, depth in rows_in_order(analysis.rows):
        text = "&nbsp;&nbsp;" * depth + "`" + row.text.replace("|", "\\|") + "`" + head_text(row, layout)
        lines.append(f"| {row.index} | {text} | {format_dims(row.output.dims(layout))} | "
                     f"{axes(row.field.size)}/{axes(row.field.jump)} | {row.params:,} | {row.macs:,} | "
                     f"{row.memory_bytes:,} | {row.fit} |")
    total = analysis.total
    lines.append(f"| | **Total** | {format_dims(total.output.dims(layout))} | "
                 f"{axes(total.field.size)}/{axes(total.field.jump)} | {total.params:,} | {total.macs:,} | "
                 f"{total.memory_bytes:,} | {total.non_integer} non-integer |")
    return "\n".join(lines) + "\n"


def csv_row(row: Row, depth: int, layout: str) -> list:
    return [row.index, depth, row.text, row.kind, format_dims(row.output.dims(layout)), row.params, row.buffers,
            row.macs, 2 * row.macs, row.memory_bytes, axes(row.field.size), axes(row.field.jump), row.fit,
            format_dims(row.head_output.dims(layout)) if row.head_output is not None else "",
            "true" if row.training_only else "false"]


def render_csv(report: Report) -> str:
    import csv  # here, not at the top: the table imports this module for head_text

    analysis, layout = report.analysis, report.layout
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row, depth in rows_in_order(analysis.rows):
        writer.writerow(csv_row(row, depth, layout))
    return out.getvalue()
