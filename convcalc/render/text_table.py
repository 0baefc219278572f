"""A rich renderable for tables of many short text cells: the layer table (issue 14).

rich's Table lays out any renderable in any cell, so it measures and renders every cell on its
own (a Padding around a Text: measured, wrapped, justified, cropped and shaped into segments),
about 90 µs a cell: 170 ms for ResNet-50's 200 rows of 8 cells. Here every cell is a string and
one column folds, so a column's width is its longest string and a table line is one string,
built once. ResNet-50's table printed into a string at 160 columns, as measured (loaded machine,
best of 40): rich's Table 90-140 ms; the same Table with Text cells and fixed widths (nothing to
measure) 63-80 ms; one rich Table row holding one multi-line Text per column 30-43 ms (and it
cannot fold a cell without misaligning the others); this 3.5 ms (4.5-7 ms at 80 columns, where
rich's Text folds half the layer texts).

The layout is rich's Table's (padding, justification, the widths and the fold of a too-wide
table, the title and caption: tests/test_text_table.py holds the two to the same text), and
rich still does the drawing: its Box gives the rules (and their ASCII or Windows substitutes),
its Text wraps the title, the caption and every cell that does not fit on one line, its
Console styles, crops, and records for --svg/--html.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text

from ..records import Record

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console, ConsoleOptions, RenderResult


class TextColumn(Record):  # records, not dataclasses: a third of a millisecond less start-up
    """A column's header and footer, and how its cells sit: right-justified or not, never wrapped
    (cut short with "…" at worst), except in the table's one column with ``fold_min_width``,
    which folds its text when the table is too wide."""

    header: str
    footer: str = ""
    right: bool = False
    fold_min_width: int | None = None


class TextRow(Record):
    """A row's cells (fewer than the columns: the rest are blank; a cell may hold several
    lines, none ending in a space), and the rich style of its cells (its rules stay plain)."""

    cells: tuple[str, ...]
    style: str | None = None


def longest_line(text: str) -> int:
    return max(map(cell_len, text.split("\n"))) if "\n" in text else cell_len(text)


def shrink_evenly(widths: list[int], excess: int) -> list[int]:
    """Take ``excess`` cells from the non-empty columns in equal shares, rounded as rich's
    Table does when even the folded table is too wide."""
    sharing = sum(1 for width in widths if width)
    shrunk = []
    for width in widths:
        if width and sharing:
            share = min(width, round(excess / sharing))
            excess -= share
            sharing -= 1
            width -= share
        shrunk.append(width)
    return shrunk


class TextTable:
    """The table as rich renders it: title, box, header, rows, footer, caption; its widths are
    decided at render time, so it fits the console (or the part of it) it is printed into."""

    def __init__(self, columns: list[TextColumn], rows: list[TextRow], box: Box, padding: int,
                 title: str | None = None, caption: str | None = None):
        self.columns, self.rows, self.box, self.padding = columns, rows, box, padding
        self.title, self.caption = title, caption
        self.header = TextRow(tuple(column.header for column in columns), "table.header")
        self.footer = TextRow(tuple(column.footer for column in columns), "table.footer")
        self.longest = [0] * len(columns)  # each column's longest line, its width before any fold
        for row in (self.header, self.footer, *rows):
            for index, cell in enumerate(row.cells):
                self.longest[index] = max(self.longest[index], longest_line(cell))
        [self.fold] = [index for index, column in enumerate(columns) if column.fold_min_width is not None]

    def widths(self, available: int) -> list[int]:
        """Each column's width with its padding, as rich's Table decides it: as wide as its longest
        line; when the table is wider than ``available``, the folding column gives up the excess
        (down to its minimum, or wholly: then it is not shown), then every column an equal share
        (cut with "…")."""
        pads = 2 * self.padding
        widths = [max(min(longest + pads, available), 0) or 1 for longest in self.longest]  # rich: empty is 1 wide
        minimum = self.columns[self.fold].fold_min_width + pads
        widths[self.fold] = max(widths[self.fold], minimum)
        excess = sum(widths) - available
        if excess > 0:
            widths[self.fold] -= min(excess, widths[self.fold])
            if sum(widths) > available:
                widths = shrink_evenly(widths, sum(widths) - available)
            # rich then measures each column again within its new width (an empty one drops to 0),
            # the folding column keeping its minimum unless it went wholly.
            fold_shown = widths[self.fold] > 0
            widths = [min(longest + pads, width) for longest, width in zip(self.longest, widths)]
            if fold_shown:
                widths[self.fold] = max(widths[self.fold], minimum)
        return widths

    def cell_lines(self, console: Console, index: int, cell: str, width: int,
                   wrapped: dict[tuple[int, str], list[str]]) -> list[str]:
        """A cell's lines, each ``width`` wide with the padding; rich's Text wraps or cuts the
        text that does not fit on one line, as in rich's Table, once for each text in ``wrapped``:
        a network's repeated blocks fold the same layer texts again and again."""
        column, inner, pad = self.columns[index], width - 2 * self.padding, " " * self.padding
        length = cell_len(cell)
        if length <= inner and "\n" not in cell:
            gap = " " * (inner - length)
            return [pad + (gap + cell if column.right else cell + gap) + pad]
        if inner < 1:
            return [" " * width]
        if (index, cell) not in wrapped:
            folds = index == self.fold
            lines = Text(cell).wrap(console, inner, justify="right" if column.right else "left",
                                    overflow="fold" if folds else "ellipsis", no_wrap=not folds)
            wrapped[index, cell] = [pad + line.plain + pad for line in lines]
        return wrapped[index, cell]

    def row_segments(self, console: Console, row: TextRow, widths: list[int], rules: tuple[str, str, str],
                     wrapped: dict[tuple[int, str], list[str]], bottom: bool = False) -> RenderResult:
        """A row's lines; its cells shorter than the row are blank below, or above when ``bottom``
        (the header, which sits on its rule as in rich's Table)."""
        left, divider, right = rules
        cells = row.cells + ("",) * (len(widths) - len(row.cells))
        blocks = [self.cell_lines(console, index, cell, width, wrapped)
                  for index, (cell, width) in enumerate(zip(cells, widths))]
        height = max(map(len, blocks))
        blanks = [[" " * width] * (height - len(block)) for block, width in zip(blocks, widths)]
        blocks = [blank + block if bottom else block + blank for block, blank in zip(blocks, blanks)]
        style = console.get_style(row.style) if row.style else None
        blank_rules = not (left + divider + right).strip()
        for texts in zip(*blocks):
            if blank_rules:  # the narrow box: a styled space shows as a space, so the line is one segment
                yield Segment(left + divider.join(texts) + right, style)
            else:
                # A segment a cell: rich measures each segment it prints, character by character when
                # it holds a tick or a warning sign, and caches the short ones, which repeat from row
                # to row (measured: faster than one segment a line). Drawn rules keep their own look:
                # only the cells take the row's style, as in rich's Table.
                yield Segment(left)
                for text, rule in zip(texts, [divider] * (len(texts) - 1) + [right]):
                    if style:
                        yield Segment(text, style)
                        yield Segment(rule)
                    else:
                        yield Segment(text + rule)
            yield Segment.line()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        box = self.box.substitute(options, safe=console.safe_box)
        rules = len(self.columns) + 1  # the edges and the dividers
        widths = self.widths(options.max_width - rules)
        table_options = options.update(width=sum(widths) + rules, height=None)
        wrapped: dict[tuple[int, str], list[str]] = {}
        if self.title:
            yield from console.render(Text(self.title, style="table.title"), table_options.update(justify="center"))
        yield Segment(box.get_top(widths) + "\n")
        yield from self.row_segments(console, self.header, widths, (box.head_left, box.head_vertical, box.head_right),
                                     wrapped, bottom=True)
        yield Segment(box.get_row(widths, "head") + "\n")
        for row in self.rows:
            yield from self.row_segments(console, row, widths, (box.mid_left, box.mid_vertical, box.mid_right),
                                         wrapped)
        yield Segment(box.get_row(widths, "foot") + "\n")
        yield from self.row_segments(console, self.footer, widths, (box.foot_left, box.foot_vertical, box.foot_right),
                                     wrapped)
        yield Segment(box.get_bottom(widths) + "\n")
        if self.caption:
            yield from console.render(Text(self.caption, style="table.caption"), table_options.update(justify="left"))
