"""The layer table's renderer (render/text_table.py) against rich's own Table, the layout it
stands in for (issue 14): the same cells, box and padding must print the same text at any
width, folded, cut short or in ASCII; styled rows keep their rules plain."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from convcalc.render.text_table import TextColumn, TextRow, TextTable

# Layer-like text (words, tree guides, an accent, a wide character) and number-like text; no cell
# of the layer table ends in a space (rich's Table strips it from right-justified cells).
WORDS = st.text(alphabet="abcx0123456789(),.  ├│é数", min_size=0, max_size=40).map(str.rstrip)
NUMBERS = st.text(alphabet="0123456789.KMGiB ", min_size=0, max_size=9).map(str.strip)


def rich_table(columns: list[TextColumn], rows: list[TextRow], table_box, padding: int, title, caption) -> Table:
    """The layer table as rich's Table built it before issue 14."""
    narrow = padding == 0
    table = Table(box=table_box, pad_edge=not narrow, padding=(0, padding), collapse_padding=narrow,
                  title=title, caption=caption, caption_justify="left", show_footer=True)
    for column in columns:
        folds = column.fold_min_width is not None
        table.add_column(column.header, footer=column.footer, justify="right" if column.right else "left",
                         no_wrap=not folds, overflow="fold" if folds else "ellipsis", min_width=column.fold_min_width)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row.cells), style=row.style)
    return table


def printed(renderable, width: int, encoding: str = "utf-8", color: bool = False) -> str:
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
    console = Console(file=out, width=width, color_system="standard" if color else None, force_terminal=color,
                      highlight=False)
    console.print(renderable)
    out.flush()
    return out.buffer.getvalue().decode(encoding)


@st.composite
def tables(draw):
    count = draw(st.integers(2, 5))
    fold = draw(st.integers(0, count - 1))
    columns = [TextColumn(draw(WORDS), draw(NUMBERS), right=draw(st.booleans()),
                          fold_min_width=draw(st.integers(1, 12)) if index == fold else None) for index in range(count)]
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        cells = [draw(WORDS if index == fold else NUMBERS) for index in range(draw(st.integers(1, len(columns))))]
        if draw(st.booleans()) and fold < len(cells):  # an explanation under a row: several lines
            cells[fold] += "\n" + draw(WORDS)
        rows.append(TextRow(tuple(cells), draw(st.sampled_from([None, "bold", "bold yellow", "dim"]))))
    return columns, rows


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(1, 130), st.sampled_from([(box.HEAVY_HEAD, 1), (box.SIMPLE_HEAD, 0)]),
       st.sampled_from(["utf-8", "ascii"]), st.sampled_from([None, "input 3x224x224, batch 1"]),
       st.sampled_from([None, "MACs = multiply-adds of conv/linear. RF = receptive field size / jump."]))
def test_same_text_as_rich_table(table, width, table_box_and_padding, encoding, title, caption):
    columns, rows = table
    table_box, padding = table_box_and_padding
    ours = TextTable(columns, rows, table_box, padding, title, caption)
    assert printed(ours, width, encoding) == printed(rich_table(columns, rows, table_box, padding, title, caption),
                                                     width, encoding)


def test_styled_rows_keep_their_rules_plain():
    columns = [TextColumn("#", right=True), TextColumn("Layer", "Total", fold_min_width=10)]
    table = TextTable(columns, [TextRow(("1", "conv11s4"), "bold yellow")], box.HEAVY_HEAD, 1)
    row = next(line for line in printed(table, 80, color=True).splitlines() if "conv11s4" in line)
    assert row.startswith("│\x1b[1;33m") and "\x1b[0m│\x1b[1;33m" in row and row.endswith("\x1b[0m│")
