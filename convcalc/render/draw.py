"""`convcalc draw`: the network as an SVG diagram, written directly (no drawing library).

Feature maps are boxes whose size follows the tensor on a compressed scale: height ~ sqrt(H),
depth (3-D style) ~ sqrt(W), width ~ log2(C), so that 3x224x224 and 2048x7x7 both read. Layers
that keep the shape and compute nothing (norms, activations, dropout) are listed under the box
before them (after an open block: in its frame's title). Blocks are framed: a block with branches (res, cat and any other branch construct)
shows its branches stacked between a fork and a merge node; a repeat or named block shows its
rows in a frame; a block folded by --depth is one hatched box (``x N`` for a repeat).

Layout is compositional: every node knows its width and its extent above and below the line its
arrows run on, so that nothing overlaps by construction; the top-level row wraps onto new lines.
Only this module and render/field_picture.py are imported by `draw`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from ..engine import Analysis, Row
from ..tensor import format_dims
from ..units import human_count

FONT = "Helvetica, Arial, sans-serif"
LABEL_SIZE = 11
EXTRA_SIZE = 9
TITLE_SIZE = 10
# An upper bound of the average advance of a character in Helvetica/Arial, as a fraction of the
# font size (digits are 0.556, most lower-case letters 0.5 to 0.56): text is never wider.
CHAR_WIDTH = 0.6
LINE = 1.3
GAP = 20  # between the columns of a row (room for an arrow)
PAD = 8  # inside a frame
MARGIN = 16  # around the canvas
MAX_WIDTH = 1100  # the top-level row wraps beyond this (prints at a page's width)
LINE_GAP = 26  # between wrapped lines (room for the connector)
DEFAULT_3D_BOXES = 14  # the 3-D style by default for networks drawn in at most this many boxes

# Colour by kind of layer, with lightness far apart (and patterns) so that greyscale prints read.
CATEGORIES = {
    "input": ("input", "#e8e8e8", None),
    "conv": ("convolution", "#4f86c6", None),
    "pool": ("pooling / resize", "#f6c85f", "dots"),
    "fc": ("fully connected", "#5a2d82", None),
    "block": ("folded block", "#b9dcb0", "hatch"),
    "other": ("other", "#a3a3a3", None),
}


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def sqrt_scale(n: int, unit: float) -> float:
    return 4 + unit * math.sqrt(min(n, 10**6))


def log_scale(n: int) -> float:
    return 6 + 5 * math.log2(max(min(n, 2**40), 1))


class Canvas:
    """Collects SVG elements; the extent of everything drawn, for the viewBox."""

    def __init__(self):
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x: float, y: float, text: str, size: float, css: str, anchor: str = "middle",
             weight: str | None = None) -> None:
        bold = f' font-weight="{weight}"' if weight else ""
        self.add(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" class="{css}"{bold}>'
                 f"{escape(text)}</text>")

    def line(self, points, arrow: bool = True, css: str = "flow") -> None:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        head = ' marker-end="url(#arrow)"' if arrow else ""
        self.add(f'<polyline points="{coords}" class="{css}" fill="none" stroke="#333" stroke-width="1.2"{head}/>')


# ---------------------------------------------------------------- nodes


class Node:
    width: float = 0
    top: float = 0  # above the arrow line (negative)
    bottom: float = 0  # below it
    entry: float = 0  # where an incoming arrow ends, from the node's left
    exit: float = 0  # where an outgoing arrow starts

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        raise NotImplementedError

    def boxes(self) -> int:
        return 0


@dataclass
class Box(Node):
    """One feature map (or one folded block): a cuboid or a rectangle, labels under it."""

    index: str
    label: str
    shape: str
    category: str
    size: tuple  # (channels, H, W) or (features,) for a flat vector
    style: str
    extra: str = ""
    repeats: int = 1

    def __post_init__(self):
        self.geometry()
        lines = [(self.label, LABEL_SIZE), (self.shape, LABEL_SIZE)] + ([(self.extra, EXTRA_SIZE)] if self.extra else [])
        self.lines = lines
        text_w = max(text_width(t, s) for t, s in lines)
        self.width = max(self.geo_w, text_w) + 4
        self.entry = (self.width - self.geo_w) / 2
        self.exit = self.entry + self.geo_w
        self.top = -self.geo_up
        self.bottom = self.geo_down + 6 + sum(s * LINE for _, s in lines)

    def geometry(self) -> None:
        flat = len(self.size) == 1
        if flat:  # a vector: a bar, taller for more features
            self.face_w, self.face_h, self.depth = 10, 8 + 9 * math.log2(max(min(self.size[0], 2**20), 2)), 0
        else:
            channels, h, w = self.size
            unit = 6 if self.style == "3d" else 4
            self.face_w, self.face_h = log_scale(channels), sqrt_scale(h, unit)
            self.depth = sqrt_scale(w, unit) * 0.45 if self.style == "3d" else 0
        if self.style == "3d" and flat:
            self.depth = 6
        stack = 2 * 4 if self.repeats > 1 else 0  # shadow copies behind a folded repeat
        self.geo_w = self.face_w + self.depth + stack
        self.geo_up = self.face_h / 2 + self.depth + stack
        self.geo_down = self.face_h / 2

    def boxes(self) -> int:
        return 1

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        name, colour, pattern = CATEGORIES.get(self.category, CATEGORIES["other"])
        fill = f"url(#{pattern})" if pattern else colour
        canvas.add(f'<g class="box" data-index="{escape(self.index)}" data-shape="{escape(self.shape)}" '
                   f'data-kind="{self.category}">')
        left = x + self.entry
        copies = 3 if self.repeats > 1 else 1
        for copy in reversed(range(copies)):
            dx, dy = 4 * copy, -4 * copy
            self.cuboid(canvas, left + dx, y + dy, fill, colour, back=copy > 0)
        base = y + self.geo_down + 6
        for text, size in self.lines:
            base += size * LINE
            css = {LABEL_SIZE: "label", EXTRA_SIZE: "extra"}[size] if text != self.shape else "shape"
            canvas.text(x + self.width / 2, base - size * 0.3, text, size, css,
                        weight="bold" if css == "shape" else None)
        canvas.add("</g>")

    def cuboid(self, canvas: Canvas, left: float, y: float, fill: str, colour: str, back: bool) -> None:
        w, h, d = self.face_w, self.face_h, self.depth
        top = y - h / 2
        stroke = 'stroke="#222" stroke-width="0.8"'
        if d:
            side = shade(colour, 0.75)
            lid = shade(colour, 1.15)
            canvas.add(f'<polygon points="{left:.1f},{top:.1f} {left + d:.1f},{top - d:.1f} {left + w + d:.1f},{top - d:.1f} '
                       f'{left + w:.1f},{top:.1f}" fill="{lid}" {stroke}/>')
            canvas.add(f'<polygon points="{left + w:.1f},{top:.1f} {left + w + d:.1f},{top - d:.1f} '
                       f'{left + w + d:.1f},{top + h - d:.1f} {left + w:.1f},{top + h:.1f}" fill="{side}" {stroke}/>')
        opacity = ' opacity="0.9"' if back else ""
        canvas.add(f'<rect x="{left:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" {stroke}'
                   f'{opacity}/>')


def shade(colour: str, factor: float) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{max(0, min(255, round(c * factor if factor < 1 else c + (255 - c) * (factor - 1)))):02x}"
                         for c in (r, g, b))


class Seq(Node):
    """Nodes left to right, joined by arrows."""

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self.width = sum(n.width for n in nodes) + GAP * max(len(nodes) - 1, 0)
        self.top = min((n.top for n in nodes), default=0)
        self.bottom = max((n.bottom for n in nodes), default=0)
        self.entry = nodes[0].entry if nodes else 0
        self.exit = self.width - nodes[-1].width + nodes[-1].exit if nodes else 0

    def boxes(self) -> int:
        return sum(n.boxes() for n in self.nodes)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        previous = None
        for node in self.nodes:
            if previous is not None:
                canvas.line([(previous, y), (x + node.entry, y)])
            node.draw(canvas, x, y)
            previous = x + node.exit
            x += node.width + GAP


class Frame(Node):
    """A repeat or named block shown open: its rows in a frame, its name on top."""

    def __init__(self, title: str, inner: Node):
        self.title, self.inner = title, inner
        self.width = max(inner.width, text_width(title, TITLE_SIZE)) + 2 * PAD
        self.top = inner.top - PAD - TITLE_SIZE * LINE
        self.bottom = inner.bottom + PAD
        self.entry = PAD + inner.entry
        self.exit = PAD + inner.exit

    def boxes(self) -> int:
        return self.inner.boxes()

    def followed_by(self, name: str) -> "Frame":
        return Frame(then(self.title, name), self.inner)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        frame(canvas, x, y + self.top, self.width, self.bottom - self.top, self.title)
        self.inner.draw(canvas, x + PAD, y)


def then(title: str, name: str) -> str:
    """A frame's title with a shape-keeping layer after the block named: ``... -> 64x56x56, then relu``."""
    return f"{title}, {name}" if ", then " in title else f"{title}, then {name}"


def frame(canvas: Canvas, x: float, top: float, width: float, height: float, title: str) -> None:
    canvas.add(f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" rx="4" fill="none" '
               f'stroke="#777" stroke-dasharray="4 2" class="frame"/>')
    canvas.text(x + PAD, top + TITLE_SIZE * LINE - 1, title, TITLE_SIZE, "frame-title", anchor="start")


MERGE_R = 8
FORK = 16


class Branches(Node):
    """A block with branches: a fork, the branches stacked (the first on the main line), a merge."""

    def __init__(self, title: str, symbol: str, branches: list[Seq]):
        self.title, self.symbol, self.branches = title, symbol, branches
        self.offsets, y = [], 0.0
        for n, branch in enumerate(branches):
            top, bottom = (branch.top, branch.bottom) if branch.nodes else (-4, 4)
            if n:
                y += -top + 14
            self.offsets.append(y)
            y += bottom
        inner = max([b.width for b in branches] + [40])
        fixed = 2 * PAD + 2 * FORK + 2 * MERGE_R
        self.inner_w = max(inner, text_width(title, TITLE_SIZE) + 2 * PAD - fixed)
        self.width = self.inner_w + fixed
        first = branches[0] if branches[0].nodes else None
        self.top = (first.top if first else -4) - PAD - TITLE_SIZE * LINE - 4
        self.bottom = y + PAD
        self.entry = PAD
        self.exit = self.width - PAD

    def boxes(self) -> int:
        return sum(b.boxes() for b in self.branches)

    def followed_by(self, name: str) -> "Branches":
        return Branches(then(self.title, name), self.symbol, self.branches)

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        frame(canvas, x, y + self.top, self.width, self.bottom - self.top, self.title)
        fork_x = x + PAD + FORK / 2
        start_x = x + PAD + FORK
        join_x = start_x + self.inner_w + FORK / 2
        centre = join_x + FORK / 2 + MERGE_R
        last = y + self.offsets[-1]
        canvas.line([(x + PAD, y), (fork_x, y), (fork_x, last)], arrow=False, css="fork")
        canvas.line([(join_x, last), (join_x, y), (centre - MERGE_R, y)], css="merge")
        for branch, offset in zip(self.branches, self.offsets):
            by = y + offset
            if branch.nodes:
                canvas.line([(fork_x, by), (start_x + branch.entry, by)])
                branch.draw(canvas, start_x, by)
                canvas.line([(start_x + branch.exit, by), (join_x, by)], arrow=False)
            else:  # an identity path: the skip arrow
                canvas.line([(fork_x, by), (join_x, by)], arrow=False, css="skip")
        canvas.add(f'<circle cx="{centre:.1f}" cy="{y:.1f}" r="{MERGE_R}" fill="#fff" stroke="#333" class="merge"/>')
        canvas.text(centre, y + 4, self.symbol, LABEL_SIZE, "merge-symbol", weight="bold")


# ---------------------------------------------------------------- rows -> nodes

MERGE_SYMBOLS = {"res": "+", "cat": "C", "mul": "\u00d7", "split": "S"}
REPEAT = re.compile(r"^\[(.*)\]\s*\*\s*(\d+)$", re.S)


def keeps_shape(row: Row) -> bool:
    """A layer drawn under the box before it: same shape out as in, no multiply-adds."""
    return not row.is_block and row.input is not None and row.output == row.input and row.macs == 0


def category(row: Row) -> str:
    if row.is_block:
        return "block"
    if not row.output.spatial:
        return "fc" if row.params else "other"
    if row.macs:
        return "conv"
    if row.input is not None and row.output != row.input:
        return "pool" if row.output.spatial != row.input.spatial else "other"
    return "other"


def tensor_size(tensor) -> tuple:
    if not tensor.spatial:
        return (tensor.channels,)
    h = tensor.spatial[-2] if len(tensor.spatial) > 1 else 1
    return (tensor.channels, h, tensor.spatial[-1])


def short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def layer_label(row: Row) -> str:
    """``conv3x3, 64``, ``maxpool3/2``, ``fc, 4096``: the layer as a paper's figure names it."""
    read = row.read_as or ""
    kernel = re.search(r"\bk(\d+(?:x\d+)*)", read)
    stride = re.search(r"\bs(\d+(?:x\d+)*)", read)
    if kernel and row.output.spatial:
        k = kernel.group(1)
        if "x" not in k and row.output.rank > 1:
            k = "x".join([k] * row.output.rank)
        s = stride.group(1) if stride else "1"
        text = row.kind + k + ("" if set(s.split("x")) == {"1"} else f"/{s}")
        return f"{text}, {row.output.channels}" if row.params else text
    if not row.output.spatial and row.params:
        return f"{row.kind}, {row.output.channels}"
    return short(row.text, 24)


def with_extra(box: Box, rows: list[Row]) -> Box:
    """The box with more shape-keeping layers listed under it (``+ bn, relu``)."""
    if not rows:
        return box
    names = ", ".join(filter(None, [box.extra[2:]] + [row.kind for row in rows]))
    return Box(box.index, box.label, box.shape, box.category, box.size, box.style, "+ " + short(names, 32),
               box.repeats)


def block_label(row: Row) -> tuple[str, int]:
    match = REPEAT.match(row.text.strip())
    if match:
        return short(match.group(1), 26) + f" x {match.group(2)}", int(match.group(2))
    return short(row.text), 1


class Builder:
    def __init__(self, layout: str, depth: int | None, style: str):
        self.layout, self.depth, self.style = layout, depth, style

    def shape(self, tensor) -> str:
        return format_dims(tensor.dims(self.layout))

    def sequence(self, rows, depth: int | None) -> Seq:
        nodes: list[Node] = []
        pending: list[Row] = []  # shape-keeping layers before any box of this sequence
        for row in rows:
            if keeps_shape(row):
                if nodes and isinstance(nodes[-1], Box):
                    nodes[-1] = with_extra(nodes[-1], [row])
                elif nodes:  # after an open block: named in its frame's title (the relu after a sum)
                    nodes[-1] = nodes[-1].followed_by(row.kind)
                else:
                    pending.append(row)
                continue
            if pending:
                nodes.append(self.first_of(pending))
                pending = []
            nodes.append(self.node(row, depth))
        if pending and any(row.params for row in pending):
            nodes.append(self.first_of(pending))
        # Otherwise a path of identities and activations only: drawn as a skip line.
        return Seq(nodes)

    def first_of(self, rows: list[Row]) -> Box:
        """A box for the first of some shape-keeping layers, the others listed under it."""
        return with_extra(self.node(rows[0], 0), rows[1:])

    def node(self, row: Row, depth: int | None) -> Node:
        open_ = row.is_block and (depth is None or depth > 1)
        inner = None if depth is None else depth - 1
        if not open_:
            if row.is_block:
                label, repeats = block_label(row)
            else:
                label, repeats = layer_label(row), 1
            return Box(row.index, label, self.shape(row.output), category(row), tensor_size(row.output), self.style,
                       repeats=repeats)
        title = f"{short(row.text, 40)} \u2192 {self.shape(row.output)}"
        if row.branches:
            symbol = MERGE_SYMBOLS.get(row.kind, (row.kind or "?")[:1].upper())
            return Branches(title, symbol, [self.sequence(branch, inner) for branch in row.branches])
        return Frame(title, self.sequence(row.children, inner))


def drawn_nodes(analysis: Analysis, layout: str, depth: int | None, style: str) -> list[Node]:
    builder = Builder(layout, depth, style)
    first = Box("input", "input", builder.shape(analysis.input), "input", tensor_size(analysis.input), style)
    return [first, *builder.sequence(analysis.rows, depth).nodes]


def fitting_depth(analysis: Analysis, layout: str) -> int | None:
    """None (every block open) when each top-level node fits the page's width, else the deepest
    --depth at which they do: a line wraps between nodes, never inside one."""
    deepest = 1 + max(leaf.index.count(".") for leaf in analysis.leaves())
    for depth in [None, *range(deepest - 1, 0, -1)]:
        if all(node.width <= MAX_WIDTH for node in drawn_nodes(analysis, layout, depth, "flat")):
            return depth
    return 1


def choose_style(analysis: Analysis, layout: str, depth: int | None) -> str:
    """3-D for small plain networks (the AlexNet figure), flat for deep ones or ones with frames."""
    nodes = drawn_nodes(analysis, layout, depth, "flat")
    plain = all(isinstance(n, Box) for n in nodes)
    return "3d" if plain and len(nodes) <= DEFAULT_3D_BOXES else "flat"


# ---------------------------------------------------------------- the page


def wrap_lines(nodes: list[Node], limit: float) -> list[list[Node]]:
    """Nodes in lines no wider than limit (a wider node alone), as even as that many lines allow."""
    count = len(greedy_lines(nodes, limit))
    total = sum(n.width for n in nodes) + GAP * (len(nodes) - 1)
    target = max([total / count] + [n.width for n in nodes])
    while len(greedy_lines(nodes, target)) > count:
        target += 20
    return greedy_lines(nodes, min(target, max(limit, target)))


def greedy_lines(nodes: list[Node], limit: float) -> list[list[Node]]:
    lines, current, width = [], [], 0.0
    for node in nodes:
        extra = node.width + (GAP if current else 0)
        if current and width + extra > limit:
            lines.append(current)
            current, width = [], 0.0
            extra = node.width
        current.append(node)
        width += extra
    if current:
        lines.append(current)
    return lines


def wrap_text(text: str, size: float, width: float) -> list[str]:
    words, lines, current = text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + [current]


@dataclass
class Diagram:
    svg: str
    style: str
    boxes: int = 0
    width: float = 0
    height: float = 0
    notes: list = field(default_factory=list)


DEPTH_NOTE = "depth ~ \u221aW, "


def render_diagram(analysis: Analysis, layout: str = "chw", depth: int | None = None, style: str = "auto",
                   title: str | None = None) -> Diagram:
    notes = []
    if depth is None:
        depth = fitting_depth(analysis, layout)
        if depth is not None:
            notes.append(f"blocks drawn open {depth} level(s) deep, deeper ones folded, so that every block fits "
                         f"the page's width; --depth N opens more")
    if style == "auto":
        style = choose_style(analysis, layout, depth)
    nodes = drawn_nodes(analysis, layout, depth, style)
    canvas = Canvas()
    y_cursor = MARGIN
    if title:
        title = title[:-4] if title.endswith(".cnn") else title
        y_cursor += 16
        canvas.text(MARGIN, y_cursor - 4, short(title, 80), 13, "title", anchor="start", weight="bold")
    rows = [Seq(line) for line in wrap_lines(nodes, MAX_WIDTH)]
    width = max(r.width for r in rows) + 2 * MARGIN + 16
    previous = None
    for row in rows:
        y = y_cursor - row.top
        x = MARGIN + 12
        if previous is not None:
            prev_x, prev_y, prev_right, gap_y = previous
            canvas.line([(prev_x, prev_y), (prev_right + 6, prev_y), (prev_right + 6, gap_y), (MARGIN + 4, gap_y),
                         (MARGIN + 4, y), (x + row.entry, y)], css="wrap")
        row.draw(canvas, x, y)
        bottom = y + row.bottom
        previous = (x + row.exit, y, x + row.width, bottom + LINE_GAP / 2)
        y_cursor = bottom + LINE_GAP
    # Legend: the categories drawn, each a swatch and its name.
    used = [name for name in CATEGORIES if f'data-kind="{name}"' in "".join(canvas.parts)]
    x, legend_y = MARGIN, y_cursor
    for name in used:
        label, colour, pattern = CATEGORIES[name]
        item_w = 16 + text_width(label, LABEL_SIZE) + 18
        if x + item_w > width - MARGIN and x > MARGIN:
            x, legend_y = MARGIN, legend_y + 18
        canvas.add(f'<rect x="{x}" y="{legend_y:.1f}" width="12" height="12" fill="{f"url(#{pattern})" if pattern else colour}" '
                   f'stroke="#222" stroke-width="0.8" class="legend-swatch"/>')
        canvas.text(x + 16, legend_y + 10, label, LABEL_SIZE, "legend", anchor="start")
        x += item_w
    y_cursor = legend_y + 18 + 8
    total = analysis.total
    caption = (f"Input {format_dims(analysis.input.dims(layout))} \u2192 output {format_dims(total.output.dims(layout))}; "
               f"{total.params:,} parameters ({human_count(total.params)}), {human_count(total.macs)} MACs "
               f"({human_count(2 * total.macs)} FLOPs). Box height ~ \u221aH, "
               f"{DEPTH_NOTE if style == '3d' else ''}width ~ log2 C; "
               f"layers that keep the shape (norms, activations, dropout) are listed with the box or block before them.")
    for text in wrap_text(caption, LABEL_SIZE, width - 2 * MARGIN):
        y_cursor += LABEL_SIZE * LINE
        canvas.text(MARGIN, y_cursor - 3, text, LABEL_SIZE, "caption", anchor="start")
    height = y_cursor + MARGIN
    svg = page(canvas, width, height, style)
    return Diagram(svg, style, sum(n.boxes() for n in nodes), width, height, notes)


DEFS = """<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#b9dcb0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#5f8f55" stroke-width="2"/></pattern>
<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">
<rect width="5" height="5" fill="#f6c85f"/><circle cx="2.5" cy="2.5" r="0.9" fill="#8a6a10"/></pattern>
<pattern id="padding" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="5" height="5" fill="#f3f3f3"/><line x1="0" y1="0" x2="0" y2="5" stroke="#999" stroke-width="1.5"/></pattern>
</defs>"""


def page(canvas: Canvas, width: float, height: float, style: str = "") -> str:
    w, h = math.ceil(width), math.ceil(height)
    data = f' data-style="{style}"' if style else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'font-family="{FONT}"{data}>\n{DEFS}\n<rect width="{w}" height="{h}" fill="#ffffff" class="background"/>\n'
            + "\n".join(canvas.parts) + "\n</svg>\n")


# ---------------------------------------------------------------- files

CONVERTER_HINT = "pip install 'convcalc[draw]' (cairosvg)"


class DrawFailed(Exception):
    """A one-line reason the picture could not be written (exit 2)."""


def write_picture(svg: str, path: str) -> None:
    suffix = path.lower().rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if suffix == "svg":
        with open(path, "w", encoding="utf-8") as out:
            out.write(svg)
        return
    if suffix not in ("pdf", "png"):
        raise DrawFailed(f"cannot tell the format of '{path}': -o takes a name ending in .svg, .pdf or .png")
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the package is there but its cairo library is not
        raise DrawFailed(f"writing {suffix.upper()} needs cairosvg, which is not installed: {CONVERTER_HINT}; "
                         f"or write .svg") from None
    convert = cairosvg.svg2pdf if suffix == "pdf" else cairosvg.svg2png
    convert(bytestring=svg.encode("utf-8"), write_to=path, **({"scale": 2} if suffix == "png" else {}))


def html_with_diagram(html: str, svg: str) -> str:
    """A rich HTML page (the table) with the diagram above the table."""
    figure = f'<figure style="margin:0 0 1em 0;max-width:100%;overflow-x:auto">{svg}</figure>'
    return html.replace("<body>", "<body>\n" + figure, 1) if "<body>" in html else figure + html
