"""``convcalc explain``: one block of formulas per layer, in the user's numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import Row
from ..tensor import Tensor, format_dims
from ..units import human_bytes

if TYPE_CHECKING:  # the report module imports the renderers
    from ..report import Report


def render_walkthrough(report: Report) -> str:
    analysis, layout = report.analysis, report.layout
    lines = [f"Input {format_dims(analysis.input.dims(layout))}"
             f" ({'H x W x C' if layout == 'hwc' else 'C x H x W'}); RF = receptive field in input pixels."]
    lines += [f"note: {note}" for note in report.notes]
    walk(analysis.rows, analysis.input, layout, lines, "")
    total = analysis.total
    lines += ["", f"Total: {total.params:,} params, {total.buffers:,} buffer values, {total.macs:,} MACs "
                  f"(FLOPs = 2 x MACs = {2 * total.macs:,}), {human_bytes(total.memory_bytes)} of activations, "
                  f"output {format_dims(total.output.dims(layout))}"]
    return "\n".join(lines)


def walk(rows: tuple[Row, ...], tensor: Tensor, layout: str, lines: list[str], indent: str) -> Tensor:
    """Append each row's block; returns the tensor after the rows."""
    for row in rows:
        lines += ["", f"{indent}Layer {row.index}: {row.text}   "
                      f"{format_dims(tensor.dims(layout))} -> {format_dims(row.output.dims(layout))}"]
        lines += [f"{indent}  {line}" for line in row.explanation]
        lines += [f"{indent}  ! {warning}" for warning in row.warnings]
        walk(row.children, tensor, layout, lines, indent + "    ")
        for number, branch in enumerate(row.branches, 1):
            if branch:
                lines += ["", f"{indent}    branch {number} of {row.text}:"]
                walk(branch, tensor, layout, lines, indent + "    ")
        tensor = row.output
    return tensor
