"""The rich table for terminals: one row per layer, a totals row, then the warnings."""

from __future__ import annotations

import io
import os
import shutil
import sys
from typing import TYPE_CHECKING, Callable

from .. import counts
from ..engine import DTYPE_BYTES, Analysis, Field, Row
from ..records import Record
from ..tensor import dims_label, format_dims
from ..units import human_bytes, human_count, short_fraction
from .flat import head_text

if TYPE_CHECKING:  # the report module imports the renderers
    from ..report import Report

CAPTION = ("{compute}. Params exclude BN running stats (buffers). Memory = output activations x batch x {bytes} B "
           "({dtype}). RF = receptive field size / jump in input pixels.")


class ComputeColumn(Record):  # not a dataclass: a third of a millisecond less start-up
    """What the compute column shows: its header, a note for the caption, and each row's count."""

    header: str
    note: str
    count: Callable[[Row], int]


DEFAULT_COMPUTE = ComputeColumn(
    "MACs", "MACs = multiply-adds of conv/linear (no bias; torchvision convention), FLOPs = 2 x MACs",
    lambda row: row.macs)


def axes_text(values) -> str:
    texts = [short_fraction(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def field_text(field: Field) -> str:
    if not field.size:
        return "-"
    return f"{axes_text(field.size)}/{axes_text(field.jump)}"


BLOCK_TEXT_WIDTH = 60


def layer_text(row: Row) -> str:
    """The layer as written; a computed 'same' padding is shown beside it; long blocks cut short."""
    if row.is_block and len(row.text) > BLOCK_TEXT_WIDTH:
        return row.text[: BLOCK_TEXT_WIDTH - 3] + "..."
    if row.padding is None or "psame" not in row.text.lower():
        return row.text
    if hasattr(row.layer, "torch_note"):  # tconv psame: the PyTorch padding and output padding
        return f"{row.text} {row.layer.torch_note()}"
    pads = [f"{lo}" if lo == hi else f"{lo}+{hi}" for lo, hi in row.padding]
    return f"{row.text} (p{pads[0] if len(set(pads)) == 1 else 'x'.join(pads)})"


def output_text(row: Row, layout: str) -> str:
    """The output shape; under hwc a global pooling output also in Keras's shape: 1x1x2048 (2048)."""
    dims = row.output.dims(layout)
    keras = counts.keras_shape(dims, layout)
    return format_dims(dims) + (f" ({format_dims(keras)})" if keras else "")


def memory_measure(analysis: Analysis, memory: str) -> Callable[[Row], int]:
    """A row's activation bytes under the memory convention (counts.MEMORY_MODES)."""
    if memory == "outputs":
        return lambda row: row.memory_bytes
    per_value = analysis.batch * DTYPE_BYTES[analysis.dtype] * (2 if memory == "training" else 1)
    return lambda row: counts.stored_activations(row) * per_value


def memory_caption(caption: str, memory: str) -> str:
    if memory == "outputs":
        return caption
    return caption.replace("Memory = output activations", f"Memory ({memory}) = {counts.MEMORY_MODES[memory]}; "
                                                          f"activations")


def counts_lines(analysis: Analysis, memory: str) -> list[str]:
    """Activations, weights vs biases, model size, Keras's totals and the memory convention shown, exact."""
    total = counts.totals(analysis)
    keras = total["keras"]
    return [f"Activations: {total['activations']:,} elements per sample ({total['stored_activations']:,} stored as "
            f"new tensors; ReLU, dropout in place). Weights {total['weights']:,} + biases {total['biases']:,}.",
            f"Model size: {analysis.total.params:,} x {DTYPE_BYTES[analysis.dtype]} B = {total['params_bytes']:,} "
            f"bytes ({analysis.dtype}). Keras: {keras['total_params']:,} total = {keras['trainable_params']:,} "
            f"trainable + {keras['non_trainable_params']:,} non-trainable.",
            f"Memory shown: {memory} = {counts.MEMORY_MODES[memory]}: {total['memory'][memory]:,} bytes "
            f"(--memory outputs, stored, training)."]


def misfit_text(row: Row) -> str:
    """The unrounded output size that did not come out whole (54.25); for a block, how many misfit."""
    if row.is_block:
        return f"{sum(leaf.fit != 'exact' for leaf in row.leaves())} inside"
    exact = [v for v in row.exact_output or () if v.denominator != 1]
    return short_fraction(exact[0]) if exact else "non-integer"


def glyphs() -> tuple[str, str, str, str]:
    """A tick, a warning sign and the branch guides (first row, later rows) where the terminal
    can print them, else ASCII."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✓⚠├│".encode(encoding)
        return "✓", "⚠", "├ ", "│ "
    except (UnicodeEncodeError, LookupError):
        return "ok", "!", "+ ", "| "


def tree_rows(rows, depth: int | None, guide: str = "", branch_guides: tuple[str, str] = ("├ ", "│ ")):
    """Rows in display order with their tree guides; blocks deeper than ``depth`` stay folded.

    A repeat's or named block's rows are indented; each branch of a res or cat
    starts with "├" and continues with "│", so branches read apart.
    """
    for row in rows:
        yield row, guide
        if not row.is_block or (depth is not None and depth <= 1):
            continue
        inner = None if depth is None else depth - 1
        yield from tree_rows(row.children, inner, guide + "  ", branch_guides)
        for branch in row.branches:
            for number, (child, child_guide) in enumerate(tree_rows(branch, inner, "", branch_guides)):
                yield child, guide + branch_guides[number > 0] + child_guide


def make_console(color: bool, **options):
    """A rich console; without colour it writes no escape codes at all (rich's own no_color
    keeps bold and dim), and NO_COLOR wins over FORCE_COLOR."""
    from rich.console import Console

    class PipedConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 when the reader goes away; the CLI exits 0 there, as for JSON.
            raise BrokenPipeError

    if glyphs()[0] == "ok":
        # Beyond the glyphs chosen here, rich writes "…" where a narrow column cuts text, and the
        # user's own text may not be ASCII: shown as "?" on such an output, never a crash.
        sys.stdout.reconfigure(errors="replace")
    plain = not color or bool(os.environ.get("NO_COLOR"))
    return PipedConsole(highlight=False, **options, **({"color_system": None} if plain else {}))


# A longer table shows its first and last rows (so DenseNet-201 and ResNet-152 still show whole), and
# says how many it left out. Set for issue 10's 2 s bound when rich's Table took about a millisecond
# a row; the table now takes tens of microseconds a row (text_table.py).
TABLE_ROWS = 1000
TABLE_WARNINGS = 40


def capped(items: list, limit: int, noun: str) -> list:
    """The first and last limit/2 items, with (None, "N <noun> not shown") between them."""
    if len(items) <= limit:
        return items
    half = limit // 2
    return [*items[:half], (None, f"{len(items) - 2 * half:,} {noun} not shown"), *items[-half:]]


BAR_CELLS = 10
BAR_MEASURES = {"params": lambda row: row.params, "memory": lambda row: row.memory_bytes}


def share_bar(part: int, whole: int, unicode: bool = True) -> str:
    """A row's share of the whole as a 10-cell bar (eighths of a cell) and a percentage."""
    share = part / whole if whole else 0.0
    eighths = round(share * BAR_CELLS * 8)
    if unicode:
        bar = "\u2588" * (eighths // 8) + ("" if eighths % 8 == 0 else "\u258f\u258e\u258d\u258c\u258b\u258a\u2589"[eighths % 8 - 1])
    else:
        bar = "#" * round(share * BAR_CELLS)
    return f"{bar:<{BAR_CELLS}} {share:>4.0%}"


def save_html_with_diagram(console, path: str, analysis: Analysis, layout: str, depth: int | None) -> None:
    """The table's HTML page with the network's diagram above the table."""
    from .draw import html_with_diagram, render_diagram

    html = html_with_diagram(console.export_html(clear=False), render_diagram(analysis, layout, depth).svg)
    with open(path, "w", encoding="utf-8") as out:
        out.write(html)


def table_parts(report: Report, narrow: bool, depth: int | None = None, notes: bool = True,
                warnings: bool = True, compute: ComputeColumn | None = None, bars: str | None = None,
                memory: str = "outputs") -> list:
    """The table, the exact totals line, then the notes and the warnings, as rich renderables.
    Without ``notes`` (-q) only the result: no caption, no counts line."""
    from rich import box
    from rich.text import Text

    from .text_table import TextColumn, TextRow, TextTable

    analysis, layout = report.analysis, report.layout
    compute = compute or report.compute_column()
    tick, warn, *branch_guides = glyphs()
    total = analysis.total
    # Training-only rows (aux) show their compute, but it is not in the inference total.
    total_compute = sum(compute.count(row) for row in analysis.rows if not row.training_only)
    memory_of = memory_measure(analysis, memory)
    # Numbers never wrap; on a narrow terminal the layer text folds instead.
    columns = [
        TextColumn("#", right=True),
        TextColumn("Layer", "Total", fold_min_width=10),
        TextColumn("Output", format_dims(total.output.dims(layout))),
        TextColumn("RF", field_text(total.field), right=True),
        TextColumn("Params", human_count(total.params), right=True),
        TextColumn(compute.header, human_count(total_compute), right=True),
        TextColumn("Memory" if memory == "outputs" else f"Memory ({memory})",
                   human_bytes(counts.memory(analysis, memory)), right=True),
        TextColumn("Fit", f"{warn} {total.non_integer}" if total.non_integer else tick),
    ]
    measure = BAR_MEASURES.get(bars, compute.count) if bars else None
    if measure:
        columns.append(TextColumn(f"Share of {bars}", "100%"))
        whole = sum(measure(row) for row in analysis.rows)
    rows = []
    for row, guide in capped(list(tree_rows(analysis.rows, depth, branch_guides=tuple(branch_guides))), TABLE_ROWS,
                             "rows"):
        if row is None:
            rows.append(TextRow(("", f"... {guide} (--json or --format csv lists every row)"), "dim"))
            continue
        rows.append(TextRow(
            (row.index, guide + layer_text(row) + head_text(row, layout), output_text(row, layout),
             ("whole " if counts.whole_input(row) else "") + field_text(row.field),
             human_count(row.params), human_count(compute.count(row)), human_bytes(memory_of(row)),
             tick if row.fit == "exact" else (warn if narrow else f"{warn} {misfit_text(row)}"),
             *([share_bar(measure(row), whole, tick != "ok")] if measure else [])),
            "bold yellow" if row.fit != "exact" and not row.is_block else
            ("bold" if row.is_block else ("dim" if row.training_only else None)),
        ))
        if row.explanation:
            rows.append(TextRow(("", "\n".join(guide + "  " + line for line in row.explanation)), "dim"))
    table = TextTable(
        columns, rows, box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, padding=0 if narrow else 1,
        title=f"input {format_dims(analysis.input.dims(layout))} ({dims_label(analysis.input.rank, layout)}),"
              f" batch {analysis.batch}, {analysis.dtype}",
        caption=memory_caption(CAPTION.format(compute=compute.note, bytes=DTYPE_BYTES[analysis.dtype],
                                              dtype=analysis.dtype), memory) if notes else None,
    )
    parts = [table, Text(f"Total: {total.params:,} params ({total.buffers:,} buffer values), {total_compute:,} "
                         f"{compute.header}, {total.memory_bytes:,} bytes of activations")]
    if notes:
        parts += [Text(line, style="dim") for line in counts_lines(analysis, memory)]
    parts += [Text(f"note: {note}", style="dim") for note in (report.notes if notes else ())]
    if notes:
        parts += [Text(f"note: layer {row.index} '{row.text}': {note}", style="dim")
                  for row, _ in tree_rows(analysis.rows, None) for note in row.notes]
    if notes and any(row.training_only for row in analysis.leaves()):
        parts.append(Text("note: aux(...) heads run in training only: their params are in the total, their "
                          f"{compute.header} and memory are not", style="dim"))
    listed = [(row, warning) for row, _ in tree_rows(analysis.rows, None) if warnings for warning in row.warnings]
    for row, warning in capped(listed, TABLE_WARNINGS, "warnings"):
        if row is None:
            parts.append(Text(f"... {warning} (--json lists every one)", style="dim"))
            continue
        parts.append(Text(f"{warn} layer {row.index} '{row.text}': {warning}", style="yellow"))
    return parts


def render_table(report: Report, depth: int | None = None, svg_file: str | None = None,
                 html_file: str | None = None, notes: bool = True, warnings: bool = True, color: bool = True,
                 compute: ComputeColumn | None = None, bars: str | None = None, memory: str = "outputs") -> None:
    # Piped output is not folded to 80 columns unless COLUMNS asks for it.
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
    # Colour follows rich's rules (none when stdout is not a terminal), and make_console's.
    console = make_console(color, width=width, record=bool(svg_file or html_file))
    for part in table_parts(report, console.width < 110, depth, notes, warnings, compute, bars, memory):
        console.print(part)
    pictures = ((svg_file, lambda path: console.save_svg(path, title="convcalc", clear=False)),
                (html_file, lambda path: save_html_with_diagram(console, path, report.analysis, report.layout, depth)))
    for path, save in pictures:
        try:
            if path:
                save(path)
        except OSError as error:
            # A full disk shows only on closing the file, where the error does not name it.
            raise OSError(error.errno, error.strerror, path) from None


def captured(parts: list, width: int, html: bool = False) -> str:
    """Renderables printed into a string: plain text at ``width``, or an HTML page with the styles."""
    console = make_console(html, file=io.StringIO(), width=width, record=html, force_terminal=html)
    for part in parts:
        console.print(part)
    if not html:
        return console.file.getvalue()
    return console.export_html(inline_styles=True, code_format=HTML_FORMAT)


# Jupyter's output area is about this many characters wide.
HTML_WIDTH = 130
# A fragment, not a page: Jupyter places it in its output area.
HTML_FORMAT = ('<pre style="font-family: Menlo, \'DejaVu Sans Mono\', consolas, \'Courier New\', monospace; '
               'line-height: 1.2">{code}</pre>')


def table_text(report: Report) -> str:
    """The table as plain text at the terminal's width: repr() of a report."""
    width = shutil.get_terminal_size().columns
    return captured(table_parts(report, width < 110), width)


def table_html(report: Report) -> str:
    """The table as HTML with its colours: a report in Jupyter."""
    return captured(table_parts(report, False), HTML_WIDTH, html=True)
