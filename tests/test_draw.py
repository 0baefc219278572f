"""`convcalc draw` (issue 15): the diagram's structure, its receptive-field picture, the table's
--bars column, the diagram in --html pages, bad input, and every diagram rendered in Chromium."""

from __future__ import annotations

import itertools
import json
import shutil
import struct
import subprocess
import sys
import tomllib
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from convcalc.cli import main
from helpers import walk

SVG = "{http://www.w3.org/2000/svg}"
# The acceptance list: network, --depth, boxes counted by hand (input box included;
# layers that keep the shape and compute nothing - norms, activations, dropout, aap at its own
# size - are listed under the box before them, or in the title of the open block before them,
# not drawn as boxes).
DONE_WHEN = [
    # input, conv, pool, conv, pool, fc120, fc84, fc10
    ("lenet5", None, 8),
    # input, 5 convs, 3 max pools, 3 fc (aap6 on 6x6 keeps the shape)
    ("alexnet", None, 12),
    # input, 13 convs, 5 pools, 3 fc (aap7 on 7x7 keeps the shape: named in the last stage's frame title)
    ("vgg16", None, 22),
    # input, conv1, maxpool, 8 folded blocks, gap, fc
    ("resnet18", 1, 13),
    # input, conv1, maxpool, 2 bconv blocks, maxpool, 2 inception, maxpool, 5 inception, maxpool,
    # 2 inception, gap, flatten, fc
    ("googlenet", 1, 20),
    # input, conv1, maxpool, 4 folded repeats, 3 transitions, gap, fc
    ("densenet121", 1, 12),
]
# The same character-width bound the layout uses (Helvetica/Arial never average wider).
CHAR_WIDTH = 0.6


def invoke(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def draw(tmp_path: Path, name: str, *args) -> ElementTree.Element:
    out = tmp_path / f"{name}.svg"
    result = invoke("draw", name, *args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return ElementTree.parse(out).getroot()


def analysed(name: str, *args) -> dict:
    result = invoke("--json", name, *args)
    return {row["index"]: row for row in walk(json.loads(result.stdout)["layers"])}


def text_boxes(root):
    """(x0, y0, x1, y1, text) of every <text>, from its font size and character count."""
    boxes = []
    for element in root.iter(f"{SVG}text"):
        size = float(element.get("font-size"))
        text = "".join(element.itertext())
        width = len(text) * size * CHAR_WIDTH
        x, y = float(element.get("x")), float(element.get("y"))
        anchor = element.get("text-anchor", "start")
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append((left, y - 0.8 * size, left + width, y + 0.25 * size, text))
    return boxes


def extents(root):
    """(x0, y0, x1, y1) of every drawn element outside <defs>."""
    defs = {id(e) for d in root.iter(f"{SVG}defs") for e in d.iter()}
    for element in root.iter():
        if id(element) in defs:
            continue
        tag = element.tag.replace(SVG, "")
        if tag == "rect" and element.get("x") is not None:
            x, y = float(element.get("x")), float(element.get("y"))
            yield x, y, x + float(element.get("width")), y + float(element.get("height"))
        elif tag in ("polygon", "polyline"):
            points = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
            yield min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)
        elif tag == "circle":
            cx, cy, r = (float(element.get(k)) for k in ("cx", "cy", "r"))
            yield cx - r, cy - r, cx + r, cy + r
    for x0, y0, x1, y1, _ in text_boxes(root):
        yield x0, y0, x1, y1


def check_canvas(root) -> None:
    """Everything inside the viewBox, and no two texts overlapping."""
    _, _, width, height = map(float, root.get("viewBox").split())
    for x0, y0, x1, y1 in extents(root):
        assert 0 <= x0 <= x1 <= width and 0 <= y0 <= y1 <= height, (x0, y0, x1, y1, width, height)
    texts = sorted(text_boxes(root))
    for n, a in enumerate(texts):
        for b in texts[n + 1:]:
            if b[0] >= a[2]:
                break  # sorted by left edge: no later text starts before a ends
            overlap = min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
            assert not overlap, f"texts overlap: {a[4]!r} and {b[4]!r}"


def boxes(root):
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "box"]


def box_texts(box, css):
    return [t.text for t in box.iter(f"{SVG}text") if t.get("class") == css]


@pytest.mark.parametrize("name, depth, count", DONE_WHEN, ids=[n for n, _, _ in DONE_WHEN])
def test_done_when_diagrams(tmp_path, name, depth, count):
    options = ["--depth", str(depth)] if depth else []
    root = draw(tmp_path, name, *options)
    check_canvas(root)
    drawn = boxes(root)
    assert len(drawn) == count
    rows = analysed(name, *options)
    assert drawn[0].get("data-index") == "input"
    for box in drawn[1:]:
        row = rows[box.get("data-index")]
        shape = "x".join(map(str, row["output"]))
        # The label is the analysed shape, and a box stands for a layer or a folded block.
        assert box_texts(box, "shape") == [shape] == [box.get("data-shape")]
        if depth is not None:
            assert box.get("data-index").count(".") < depth
    # Every layer within --depth that changes the shape or computes has its own box.
    indexes = {box.get("data-index") for box in drawn}
    for index, row in rows.items():
        inside = depth is None or index.count(".") < depth
        folded_away = depth is not None and any(index.startswith(i + ".") for i in indexes)
        if inside and not folded_away and not row.get("children") and not row.get("branches") and (
                row["macs"] or row["output"] != rows_input(rows, index)):
            assert index in indexes, f"layer {index} {row['layer']} has no box"
    caption = " ".join(t for *_, t in text_boxes(root) if t)
    total = json.loads(invoke("--json", name).stdout)["total"]
    assert f"{total['params']:,} parameters" in caption


def rows_input(rows: dict, index: str) -> list:
    """The JSON row's input shape: the output of the row before it in its sequence."""
    head, _, last = index.rpartition(".")
    before = f"{head}.{int(last) - 1}" if head else str(int(last) - 1)
    return rows[before]["output"] if before in rows and int(last) > 1 else None


def test_lenet5_shapes_and_labels_by_hand(tmp_path):
    root = draw(tmp_path, "lenet5")
    drawn = boxes(root)
    # LeNet-5 on 1x32x32: (32-5)/1+1 = 28, /2 = 14, (14-5)+1 = 10, /2 = 5, then 120, 84, 10.
    assert [box_texts(b, "shape")[0] for b in drawn] == ["1x32x32", "6x28x28", "6x14x14", "16x10x10", "16x5x5",
                                                          "120", "84", "10"]
    assert [box_texts(b, "label")[0] for b in drawn] == ["input", "conv5x5, 6", "pool2x2/2", "conv5x5, 16",
                                                          "pool2x2/2", "fc, 120", "fc, 84", "fc, 10"]
    assert box_texts(drawn[1], "extra") == ["+ tanh"]
    assert [b.get("data-kind") for b in drawn] == ["input", "conv", "pool", "conv", "pool", "fc", "fc", "fc"]
    assert root.get("data-style") == "3d"  # a small plain network: the AlexNet-figure style
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == ["input", "convolution", "pooling / resize", "fully connected"]


def test_styles(tmp_path):
    assert draw(tmp_path, "vgg16").get("data-style") == "flat"  # deep, with frames
    for style in ("3d", "flat"):
        root = draw(tmp_path, "resnet18", "--depth", "1", "--style", style)
        assert root.get("data-style") == style
        check_canvas(root)
        assert len(boxes(root)) == 13


def test_open_blocks_are_framed_with_branches(tmp_path):
    root = draw(tmp_path, "resnet18", "--depth", "3")
    check_canvas(root)
    frames = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "frame"]
    merges = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "merge-symbol"]
    skips = [p for p in root.iter(f"{SVG}polyline") if p.get("class") == "skip"]
    # 8 named blocks, each holding one res: 16 frames; 8 sums; 5 identity shortcuts (3 project).
    assert len(frames) == 16 and merges == ["+"] * 8 and len(skips) == 5
    root = draw(tmp_path, "googlenet", "--depth", "3")
    check_canvas(root)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "merge-symbol"] == ["C"] * 9


def test_folded_repeat_shows_its_count(tmp_path):
    labels = [box_texts(b, "label")[0] for b in boxes(draw(tmp_path, "densenet121", "--depth", "1"))]
    assert "dense(128, 32) x 6" in labels and "dense(128, 32) x 24" in labels


@pytest.mark.parametrize("spec", ["conv3p1x8,relu", "res(conv3p1x4,relu|id),conv3p1x8", "cat(id|id),fc3",
                                  "[bn,relu]*3,conv1x4", "conv3x3x3x4,pool2", "conv3x4,fc2"])
def test_small_and_odd_networks(tmp_path, spec):
    shape = "4x6x8x8" if "3x3x3" in spec else "4x16" if spec.startswith("conv3x4") else "4x8x8"
    out = tmp_path / "n.svg"
    result = invoke("draw", "-i", shape, spec, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    check_canvas(ElementTree.parse(out).getroot())


def field_text(root) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == "field-note")


def test_field_single_path(tmp_path):
    root = draw(tmp_path, "conv3p1x8,conv3s2p1x8,conv5s2p2x8", "-i", "3x32x32", "--field", "3")
    check_canvas(root)
    # By hand: r = 1+2 = 3, 3+2 = 5 (jump 2 after), 5+4*2 = 13; jump 1*1*2*2 = 4;
    # start 0 + (1-1) + (1-1)*1 + (2-2)*2 = 0; effective padding (13-1)/2 - 0 = 6.
    assert "size 13, jump 4, start 0, effective padding 6" in field_text(root)
    fields = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "field"]
    assert len(fields) == 1
    assert [r for r in root.iter(f"{SVG}rect") if r.get("class") == "padding"]  # 6 pixels reach past the edge


def test_field_of_branches_with_different_alignments(tmp_path):
    root = draw(tmp_path, "cat(conv3s2x8 | conv2s2x8)", "-i", "8x9x9", "--field", "1")
    check_canvas(root)
    text = field_text(root)
    # Branch 1: start (3-1)/2 - 0 = 1; branch 2: start (2-1)/2 = 0.5: centres half a pixel apart.
    assert "size 3, jump 2, start 1, effective padding 0" in text
    assert "size 2, jump 2, start 0.5, effective padding 0" in text
    assert "not aligned" in text
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "field"]) == 2
    root = draw(tmp_path, "res(conv3p1x8, conv3p1x8)", "-i", "8x12x12", "--field", "1")
    text = field_text(root)
    assert "size 5, jump 1, start 0, effective padding 2" in text  # the body
    assert "(identity): size 1, jump 1, start 0, effective padding 0" in text


def test_field_inside_a_block(tmp_path):
    root = draw(tmp_path, "resnet18", "--field", "5.1.1.1")
    check_canvas(root)
    assert "layer 5.1.1.1" in field_text(root)


def test_bars_vgg16_first_fc_holds_74_percent_of_params():
    # By hand: fc4096 after 512x7x7 holds 25088*4096 + 4096 = 102,764,544 of 138,357,544.
    share = (25088 * 4096 + 4096) / 138_357_544
    assert round(share * 100) == 74
    result = invoke("vgg16", "--bars", "params", "--depth", "1", "--no-color")
    assert result.exit_code == 0
    first_fc = next(line for line in result.stdout.splitlines() if "fc4096" in line)
    assert "74%" in first_fc and "\u2588" * 7 in first_fc
    memory = invoke("vgg16", "--bars", "memory", "--depth", "1", "--no-color").stdout
    assert "Share of memory" in memory
    assert "48%" in next(line for line in memory.splitlines() if "stage(64, 2)" in line)


def test_share_bar():
    from convcalc.render.table import share_bar

    assert share_bar(1, 2) == "\u2588" * 5 + " " * 5 + "  50%"
    assert share_bar(1, 16).startswith("\u258b")  # 10 cells / 16 = 5/8 cell -> a 5/8 block
    assert share_bar(0, 0).strip() == "0%"
    assert share_bar(1, 4, unicode=False).startswith("##")


def test_html_page_has_the_diagram_above_the_table(tmp_path):
    page = tmp_path / "t.html"
    result = invoke("lenet5", "--html", str(page))
    assert result.exit_code == 0
    html = page.read_text()
    assert html.index("<svg") < html.index("conv5x5x6")
    assert html.count('class="box"') == 8


def test_pdf_and_png_with_cairosvg(tmp_path):
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):  # OSError: the package without its cairo library
        pytest.skip("cairosvg (the optional 'draw' extra) is not installed")
    assert draw_bytes(tmp_path, "net.pdf").startswith(b"%PDF")
    assert draw_bytes(tmp_path, "net.png").startswith(b"\x89PNG")


def draw_bytes(tmp_path: Path, name: str) -> bytes:
    result = invoke("draw", "lenet5", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.stderr
    return (tmp_path / name).read_bytes()


CLI_CASES = tomllib.loads((Path(__file__).parent / "data" / "draw_cli.toml").read_text())["case"]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_draw_cli_case(case, tmp_path, monkeypatch):
    if case.get("no_converter"):
        monkeypatch.setitem(sys.modules, "cairosvg", None)  # import cairosvg now raises ImportError
    args = [a.replace("{tmp}", str(tmp_path)) for a in case["args"]]
    result = invoke(*args)
    assert result.exit_code == case.get("exit", 2)
    first = result.stderr.splitlines()[0]
    assert first.startswith("convcalc: ") and case["stderr"] in first, result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("net.*"))


def test_draw_is_imported_only_by_draw():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom convcalc.cli import main\n"
            "for args in (['--json', 'lenet5'], ['lenet5'], ['lenet5', '--bars', 'params']):\n"
            "    CliRunner().invoke(main, args)\n"
            "    assert 'convcalc.render.draw' not in sys.modules, args\n"
            "CliRunner().invoke(main, ['draw', 'lenet5', '-o', '/dev/null'])\n"
            "assert 'convcalc.render.draw' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- in a real browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{next(PROFILES)}"
    profile.mkdir()
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


PROFILES = itertools.count()


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB or RGBA PNG (standard library only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, bit_depth, colour_type, _, _, interlace = header
    assert bit_depth == 8 and colour_type in (2, 6) and interlace == 0, header
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, channels)]


BROWSER_PICTURES = [(name, ["--depth", str(depth)] if depth else []) for name, depth, _ in DONE_WHEN] + [
    ("resnet18", ["--style", "3d", "--depth", "1"]), ("googlenet", ["--depth", "3"]),
    ("resnet18", ["--field", "5.1"])]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; .ci/run "
                                             "installs it)")
def test_diagrams_render_in_chromium(tmp_path):
    files = []
    for n, (name, options) in enumerate(BROWSER_PICTURES):
        out = tmp_path / f"d{n}.svg"
        assert invoke("draw", name, *options, "-o", str(out)).exit_code == 0
        files.append(out)
    # Errors: each SVG loaded as an image (a malformed SVG fires onerror), results written into the page.
    images = "".join(f'<img src="{f.name}" onload="done(\'{f.name}\', \'ok\')" onerror="done(\'{f.name}\', \'error\')">'
                     for f in files)
    page = tmp_path / "check.html"
    page.write_text("<!doctype html><html><body><pre id='out'></pre><script>function done(name, how) {"
                    "document.getElementById('out').textContent += name + '=' + how + ' ';}</script>"
                    f"{images}</body></html>")
    dom = chromium(tmp_path, "--virtual-time-budget=10000", "--dump-dom", page.as_uri()).stdout
    for f in files:
        assert f"{f.name}=ok" in dom, dom[:2000]
    # Pixels: a screenshot of each diagram at its own size is not blank.
    for f in files:
        root = ElementTree.parse(f).getroot()
        width, height = root.get("width"), root.get("height")
        shot = tmp_path / f"{f.stem}.png"
        chromium(tmp_path, f"--screenshot={shot}", f"--window-size={width},{height}", f.as_uri())
        w, h, pixels = png_pixels(shot.read_bytes())
        assert (w, h) == (int(width), int(height))
        inked = sum(1 for p in pixels if p != b"\xff\xff\xff")
        assert inked > 0.02 * len(pixels), f"{f.name}: {inked} of {len(pixels)} pixels drawn"
        assert len(set(pixels)) > 8, f"{f.name}: only {len(set(pixels))} colours"


def test_default_depth_keeps_every_block_within_the_page(tmp_path):
    out = tmp_path / "d.svg"
    result = invoke("draw", "densenet121", "-o", str(out))
    # Opened fully, dense block 3 alone (24 dense layers) would be thousands of pixels wide.
    assert result.exit_code == 0 and "blocks drawn open 1 level(s) deep" in result.stderr
    root = ElementTree.parse(out).getroot()
    check_canvas(root)
    assert float(root.get("width")) <= 1200 and len(boxes(root)) == 12
    assert invoke("draw", "lenet5", "-o", str(out)).stderr == ""  # nothing folded, nothing said
