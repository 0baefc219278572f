"""`convcalc draw --field LAYER`: one output unit's receptive field over the input grid.

The first output unit (top-left) is drawn, since its field is the one that reaches into the
padding: its window runs from start - (size-1)/2 to start + (size-1)/2 in input pixel centres
(Araujo et al. 2019), and the part of it outside the input is the shaded padding. The next unit
along each axis is outlined, a jump further on. For a block with branches (res, cat, ...) each
path's field is drawn in its own colour and style, so that misaligned paths show.
"""

from __future__ import annotations

from fractions import Fraction

from ..engine import Analysis, Field, Row
from ..tensor import format_dims
from ..units import short_fraction
from .draw import DEFS, LABEL_SIZE, LINE, MARGIN, Canvas, page, short, wrap_text

PATH_STYLES = [("#c0392b", ""), ("#1f5fa8", "6 3"), ("#2e8b57", "2 2"), ("#8e44ad", "8 2 2 2")]
SIDE = 420  # the longest side of the drawn grid, in px


class UnknownLayer(LookupError):
    pass


def rows_with_fields(rows, before: Field):
    """Every row with the field at its input, blocks before their contents."""
    for row in rows:
        yield row, before
        if row.children:
            yield from rows_with_fields(row.children, before)
        for branch in row.branches:
            yield from rows_with_fields(branch, before)
        before = row.field


def find_row(analysis: Analysis, index: str) -> tuple[Row, Field]:
    pairs = list(rows_with_fields(analysis.rows, Field.of_input(analysis.input)))
    for row, before in pairs:
        if row.index == index.strip():
            return row, before
    first, last = analysis.rows[0].index, analysis.rows[-1].index
    raise UnknownLayer(f"no layer '{index}' in this network: --field takes a row number as the table and JSON "
                       f"number them ({first} to {last} at the top level, 4.2.1 inside blocks)")


def paths_of(row: Row, before: Field) -> list[tuple[str, Field]]:
    if not row.branches:
        return [(f"layer {row.index}", row.field)]
    return [(f"path {n} ({layer_count(branch)})", branch[-1].field if branch else before)
            for n, branch in enumerate(row.branches, 1)]


def layer_count(branch) -> str:
    count = sum(1 for row in branch for _ in row.leaves())
    return "identity" if not count else f"{count} layer{'s' if count > 1 else ''}"


def axis_values(field: Field, rank: int):
    """(size, jump, start) for the drawn y and x axes: the last two spatial axes (1-D: x only)."""
    values = list(zip(field.size, field.jump, field.start))
    if rank == 1:
        return (1, 1, 0), values[-1]
    return values[-2], values[-1]


def fraction_text(values) -> str:
    texts = [short_fraction(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)


def render_field_svg(analysis: Analysis, index: str, layout: str = "chw") -> str:
    row, before = find_row(analysis, index)
    spatial = analysis.input.spatial
    if not spatial:
        raise UnknownLayer("the input has no spatial axes: there is no receptive field to draw")
    rank = len(spatial)
    n_y = spatial[-2] if rank > 1 else 1
    n_x = spatial[-1]
    paths = paths_of(row, before)
    # Extent in input pixel coordinates (pixel i spans i-0.5 .. i+0.5).
    lo_y, hi_y, lo_x, hi_x = Fraction(-1, 2), Fraction(n_y) - Fraction(1, 2), Fraction(-1, 2), Fraction(n_x) - Fraction(1, 2)
    windows = []
    for name, field in paths:
        (sy, jy, st_y), (sx, jx, st_x) = axis_values(field, rank)
        box = (st_y - Fraction(sy - 1) / 2 - Fraction(1, 2), st_y + Fraction(sy - 1) / 2 + Fraction(1, 2),
               st_x - Fraction(sx - 1) / 2 - Fraction(1, 2), st_x + Fraction(sx - 1) / 2 + Fraction(1, 2))
        windows.append((name, field, box, (jy, jx)))
        lo_y, hi_y = min(lo_y, box[0]), max(hi_y, box[1] + (jy if n_y > 1 else 0))
        lo_x, hi_x = min(lo_x, box[2]), max(hi_x, box[3] + jx)
    scale = min(SIDE / float(hi_x - lo_x), SIDE / float(hi_y - lo_y), 24.0)
    canvas = Canvas()
    title = f"Receptive field of layer {row.index} '{short(row.text, 40)}' \u2192 {format_dims(row.output.dims(layout))}"
    canvas.text(MARGIN, MARGIN + 12, title, 13, "title", anchor="start", weight="bold")
    top = MARGIN + 30

    def px(y, x):
        return MARGIN + (float(x - lo_x)) * scale, top + (float(y - lo_y)) * scale

    # The input, its grid (where cells are big enough to see), the padding part of each field.
    x0, y0 = px(Fraction(-1, 2), Fraction(-1, 2))
    x1, y1 = px(Fraction(n_y) - Fraction(1, 2), Fraction(n_x) - Fraction(1, 2))
    canvas.add(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" fill="#eef3fb" '
               f'stroke="#333" class="input-grid"/>')
    step = max(1, -(-max(n_x, n_y) // 64))
    if scale * step >= 3:
        lines = [f'M{x0 + i * scale:.1f},{y0:.1f}V{y1:.1f}' for i in range(step, n_x, step)]
        lines += [f'M{x0:.1f},{y0 + i * scale:.1f}H{x1:.1f}' for i in range(step, n_y, step)]
        canvas.add(f'<path d="{"".join(lines)}" stroke="#c5d3e8" stroke-width="0.5" fill="none" class="grid"/>')
    for _, _, (a, b, c, d), _ in windows:
        for (ya, yb, xa, xb) in outside_parts((a, b, c, d), (Fraction(-1, 2), Fraction(n_y) - Fraction(1, 2),
                                                              Fraction(-1, 2), Fraction(n_x) - Fraction(1, 2))):
            (px0, py0), (px1, py1) = px(ya, xa), px(yb, xb)
            canvas.add(f'<rect x="{px0:.1f}" y="{py0:.1f}" width="{px1 - px0:.1f}" height="{py1 - py0:.1f}" '
                       f'fill="url(#padding)" stroke="none" class="padding"/>')
    for n, (name, field, (a, b, c, d), (jy, jx)) in enumerate(windows):
        colour, dash = PATH_STYLES[n % len(PATH_STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        (px0, py0), (px1, py1) = px(a, c), px(b, d)
        canvas.add(f'<rect x="{px0:.1f}" y="{py0:.1f}" width="{px1 - px0:.1f}" height="{py1 - py0:.1f}" fill="none" '
                   f'stroke="{colour}" stroke-width="2"{dashes} class="field" data-path="{n + 1}"/>')
        if n == 0:  # the next unit along x, one jump on: the stride in input pixels
            (qx0, qy0), (qx1, qy1) = px(a, c + jx), px(b, d + jx)
            canvas.add(f'<rect x="{qx0:.1f}" y="{qy0:.1f}" width="{qx1 - qx0:.1f}" height="{qy1 - qy0:.1f}" '
                       f'fill="none" stroke="{colour}" stroke-width="0.8" stroke-dasharray="3 3" opacity="0.7" '
                       f'class="next-field"/>')
        (sy, _, st_y), (sx, _, st_x) = axis_values(field, rank)
        cx, cy = px(st_y, st_x)
        canvas.add(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}" class="centre"/>')
    bottom = top + float(hi_y - lo_y) * scale + 10
    width = max(MARGIN * 2 + float(hi_x - lo_x) * scale, 560)
    lines = [f"input {format_dims(analysis.input.dims(layout))}; the first output unit's field (solid), "
             "its centre (dot), the next unit one jump on (dotted); shaded: padding."]
    for name, field in paths:
        lines.append(f"{name}: size {fraction_text(field.size)}, jump {fraction_text(field.jump)}, "
                     f"start {fraction_text(field.start)}, effective padding {fraction_text(field.effective_padding())}")
    lines += [f"note: {warning}" for warning in row.warnings if "aligned" in warning]
    y = bottom
    for n, line in enumerate(lines):
        colour = PATH_STYLES[(n - 1) % len(PATH_STYLES)][0] if 0 < n <= len(paths) else "#222"
        for part in wrap_text(line, LABEL_SIZE, width - 2 * MARGIN):
            y += LABEL_SIZE * LINE
            canvas.add(f'<text x="{MARGIN}" y="{y - 3:.1f}" font-size="{LABEL_SIZE}" fill="{colour}" '
                       f'class="field-note">{escape_text(part)}</text>')
    return page(canvas, width, y + MARGIN)


def escape_text(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def outside_parts(window, area):
    """The parts of window (y0, y1, x0, x1) outside area: up to four strips."""
    wy0, wy1, wx0, wx1 = window
    ay0, ay1, ax0, ax1 = area
    parts = []
    if wy0 < ay0:
        parts.append((wy0, min(ay0, wy1), wx0, wx1))
    if wy1 > ay1:
        parts.append((max(ay1, wy0), wy1, wx0, wx1))
    my0, my1 = max(wy0, ay0), min(wy1, ay1)
    if my0 < my1:
        if wx0 < ax0:
            parts.append((my0, my1, wx0, min(ax0, wx1)))
        if wx1 > ax1:
            parts.append((my0, my1, max(ax1, wx0), wx1))
    return parts


__all__ = ["render_field_svg", "UnknownLayer", "DEFS"]
