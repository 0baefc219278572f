"""convcalc against PyTorch as an independent oracle (property-based).

Each example is a random *network description*: a plain structure of layer dicts
with nested repeats, res and cat groups and named blocks, for a 1-, 2- or 3-D
input. From one description the test writes

  (a) a convcalc spec (``spec_text``: one small writer per layer kind), and
  (b) its own PyTorch model, built here with torch.nn (``build``: one small builder
      per layer kind), independently of convcalc's exporter.

Properties:

  A  valid descriptions: convcalc and PyTorch agree on every layer's output shape,
     the output, parameters, buffers (BatchNorm running mean + var) and
     multiply-adds (torchvision's convention, counted with forward hooks); the
     module convcalc's exporter writes measures the same as our model.
  B  boundary descriptions (some numbers at or just past a limit): convcalc rejects
     the spec exactly when PyTorch rejects the model, and agrees as in A otherwise.

Plus every shipped example through convcalc's exporter, against convcalc's numbers.

A description::

    network = {"input": (C, (H, W)), "items": [item, ...], "style": int}
    item    = {"kind": "conv", "k": 3 | (1, 7), ...}                   one layer
            | {"kind": "repeat", "n": 2, "body": [item, ...]}          [ ... ]*2
            | {"kind": "res", "body": [...], "shortcut": None | [...]}  res(body | shortcut)
            | {"kind": "cat", "branches": [[...], [...], ...]}         cat(a | b | ...)
            | {"kind": "mul", "branches": [[...]] | [[...], [...]]}     mul(gate) = x * gate(x), mul(a | b)
            | {"kind": "split", "branches": [[...], [...], ...]}       split(a | b | ...)
            | {"kind": "side" | "aux", "body": [...]}                  side(head), aux(head)
            | {"kind": "block", "name": "blocka", "body": [...]}       a named block (its own definition line)

Layer fields (absent or None = not written, convcalc's default):

    conv    k, s, p or pword (psame/pvalid/pfull), d, g, out, nb     dw: mult instead of g and out
    tconv   k, s, p, d, op, g, out, nb
    pool, maxpool, avgpool    k, s, p or pword (psame/pvalid), d (not avgpool), ceil
    aap, amp size;  fc, linear out, nb;  pad p;  gn groups;  in affine;  lrn, lrelu, dropout, drop value
    shuffle size (groups);  sd, droppath value;  up, resize size (scale / target), mode;  crop size;
    reshape shape (C, *spatial) or size (a flat vector);  scale (no numbers)
    gap, gmp, flatten, id, bn, ln, relu, relu6, gelu, silu, sigmoid, tanh, softmax, hswish, hardswish,
    hsigmoid, hardsigmoid

A per-axis number is an int (one value for all axes) or a tuple (one per axis).
``style`` numbers change only how the spec is written (option order, case,
separators, where the channel count goes), never what it means.

CONVCALC_TORCH_EXAMPLES: examples per property (default 300).
CONVCALC_TORCH_TRACE: a file that gets each example's spec before PyTorch runs it, to name
the culprit if PyTorch ever crashes the process (a long run once died in F.conv1d).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from fractions import Fraction
from random import Random

import pytest

torch = pytest.importorskip("torch", reason="needs PyTorch: pip install torch==2.13.0")

import torch.nn.functional as F  # noqa: E402
from hypothesis import HealthCheck, event, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torch import nn  # noqa: E402

from convcalc.constructs import CONSTRUCTS  # noqa: E402
from convcalc.engine import Settings, analyse  # noqa: E402
from convcalc.errors import SpecError  # noqa: E402
from convcalc.export import export_torch  # noqa: E402
from convcalc.sources import input_tensor, load_document  # noqa: E402
from helpers import torch_checked_networks  # noqa: E402
from convcalc.syntax import parse_document  # noqa: E402
from convcalc.tensor import Tensor  # noqa: E402

pytestmark = [pytest.mark.torch, pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")]

EXAMPLES = int(os.environ.get("CONVCALC_TORCH_EXAMPLES", "300"))
TRACE = os.environ.get("CONVCALC_TORCH_TRACE")
# The default (CI) run is derandomized: the same examples every time, so CI never turns red
# on a rare PyTorch crash it did not cause; longer runs (more examples) explore afresh.
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 300, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])

# Limits that keep one example's forward passes to milliseconds.
MAX_ELEMENTS = 200_000  # C * prod(spatial) of any activation
MAX_CHANNELS = 64
LAYER_MACS = 4_000_000
NETWORK_MACS = 16_000_000
MAX_DEPTH = 2  # groups in groups in the top level
# Our model runs at batch 2: at batch 1 GroupNorm refuses a group of one value even in
# eval mode (its check counts the batch too); convcalc describes one sample.
BATCH = 2

POOLS = ("pool", "maxpool", "avgpool")
ACTIVATIONS = ("relu", "relu6", "gelu", "silu", "sigmoid", "tanh", "softmax", "hswish", "hardswish", "hsigmoid",
               "hardsigmoid")
RESAMPLING = ("up", "resize", "crop", "reshape")
SPATIAL_KINDS = ("conv", "dw", "tconv", *POOLS, "gap", "gmp", "aap", "amp", "pad", "in", "lrn", "shuffle", *RESAMPLING)
FLATTENING = ("fc", "linear", "flatten")
ANY_KINDS = ("id", *ACTIVATIONS, "lrelu", "dropout", "drop", "bn", "ln", "gn", *FLATTENING, "scale", "sd", "droppath")


# ---------------------------------------------------------------- helpers

def per_axis(value, rank: int) -> tuple:
    return tuple(value) if isinstance(value, tuple) else (value,) * rank


def opt(layer, key: str, default):
    """A layer's option, or convcalc's default when it is not written (0 is a value, not a default)."""
    value = layer.get(key)
    return default if value is None else value


def elements(shape) -> int:
    return shape[0] * math.prod(shape[1])


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def same_pads(sizes, kernel, stride, dilation) -> tuple:
    """TensorFlow 'same': output ceil(W/S); total padding max((out-1)S + D(K-1) + 1 - W, 0), the extra at the end."""
    pads = []
    for w, k, s, d in zip(sizes, kernel, stride, dilation):
        total = max((-(-w // s) - 1) * s + d * (k - 1) + 1 - w, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def window_pads(layer, sizes, kernel, stride, dilation) -> tuple:
    """(low, high) padding per axis of a conv or pooling layer."""
    word = layer.get("pword")
    if word == "psame":
        return same_pads(sizes, kernel, stride, dilation)
    if word == "pfull":
        return tuple((d * (k - 1),) * 2 for k, d in zip(kernel, dilation))
    return tuple((p, p) for p in per_axis(opt(layer, "p", 0), len(sizes)))


def window_output(size, kernel, stride, pads, dilation, ceil=False) -> int:
    """PyTorch's output size along one axis (pooling_output_shape); may be < 1."""
    room = size + pads[0] + pads[1] - dilation * (kernel - 1) - 1
    if not ceil:
        return room // stride + 1
    out = (room + stride - 1) // stride + 1
    return out - 1 if (out - 1) * stride >= size + pads[0] else out  # the last window starts inside


# ---------------------------------------------------------------- description -> convcalc spec

def axis_text(value) -> str:
    return "x".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def styled(text: str, style: int) -> str:
    """convcalc ignores case: some items are written upper or mixed case."""
    if style % 5 == 3:
        return text.upper()
    if style % 5 == 4:
        return "".join(c.upper() if i % 2 else c for i, c in enumerate(text))
    return text


def windowed_text(layer, rank: int, channels=None, takes_channels=True) -> str:
    """``name kernel {option} {word}``, the channel count riding on the last list of numbers.

    convcalc reads a last value as the channel count when its list has rank+1 values,
    or two values and is not a 2-D kernel; after a word option it is ``x<n>`` (conv3nbx64).
    """
    style = layer.get("style", 0)
    lead = [*layer["k"]] if isinstance(layer["k"], tuple) else [layer["k"]]
    options = [[tag, [*layer[tag]] if isinstance(layer[tag], tuple) else [layer[tag]]]
               for tag in ("s", "p", "d", "g", "op") if layer.get(tag) is not None]
    words = [w for w in (layer.get("pword"), layer.get("nb") and "nb", layer.get("ceil") and "ceil") if w]
    if style:
        Random(style).shuffle(options)
        Random(style).shuffle(words)
    if takes_channels and channels is None and rank == 2 and options and len(options[-1][1]) == 2:
        # 'p1x2' at the end would read as p1 and 2 channels: end on a single value instead.
        single = [option for option in options if len(option[1]) == 1]
        if single:
            options.remove(single[0])
            options.append(single[0])
        elif layer["kind"] == "dw":
            channels = 1  # the default multiplier, written out
        else:
            options.append(["g", [1]])  # the default groups, written out
    suffix = ""
    if channels is not None:
        if words and style % 2:
            suffix = f"x{channels}"
        else:
            last = options[-1][1] if options else lead
            if last is lead and len(lead) == 1 and rank == 2:
                lead *= 2  # 'conv3x64' is a 3x64 kernel in 2-D: write 'conv3x3x64'
            last.append(channels)
    text = layer["kind"] + "x".join(map(str, lead)) + "".join(tag + "x".join(map(str, v)) for tag, v in options)
    return styled(text + "".join(words) + suffix, style)


def spec_conv(layer, rank):
    return windowed_text(layer, rank, layer.get("out"))


def spec_dw(layer, rank):
    return windowed_text(layer, rank, layer.get("mult"))


def spec_pool(layer, rank):
    return windowed_text(layer, rank, takes_channels=False)


def spec_adaptive(layer, rank):
    return styled(layer["kind"] + axis_text(layer["size"]), layer.get("style", 0))


def spec_linear(layer, rank):
    return styled(f"{layer['kind']}{layer['out']}" + ("nb" if layer.get("nb") else ""), layer.get("style", 0))


def spec_pad(layer, rank):
    return styled("pad" + axis_text(layer["p"]), layer.get("style", 0))


def spec_gn(layer, rank):
    return styled(f"gn{layer['groups']}", layer.get("style", 0))


def spec_in(layer, rank):
    return styled("inaffine" if layer.get("affine") else "in", layer.get("style", 0))


def spec_valued(layer, rank):
    """lrn, lrelu, dropout, drop: an optional number (lrn3, lrelu0.2, dropout0.5)."""
    value = layer.get("value")
    return styled(layer["kind"] + ("" if value is None else str(value)), layer.get("style", 0))


def spec_sized(layer, rank):
    """shuffle2, up2x1bilinear, resize5x3, crop4x4: a size list, then a mode word (up, resize)."""
    return styled(layer["kind"] + axis_text(layer["size"]) + (layer.get("mode") or ""), layer.get("style", 0))


def spec_reshape(layer, rank):
    shape = layer.get("shape") or (layer["size"],)
    return styled("reshape" + "x".join(map(str, shape)), layer.get("style", 0))


def spec_depth(layer, rank):
    return styled(layer["kind"] + str(layer.get("value", "0.1")), layer.get("style", 0))


def spec_bare(layer, rank):
    return styled(layer["kind"], layer.get("style", 0))


SPEC_WRITERS = {"conv": spec_conv, "tconv": spec_conv, "dw": spec_dw, **{kind: spec_pool for kind in POOLS},
                "aap": spec_adaptive, "amp": spec_adaptive, "fc": spec_linear, "linear": spec_linear,
                "pad": spec_pad, "gn": spec_gn, "in": spec_in,
                **{kind: spec_valued for kind in ("lrn", "lrelu", "dropout", "drop")},
                **{kind: spec_sized for kind in ("shuffle", "up", "resize", "crop")}, "reshape": spec_reshape,
                "sd": spec_depth, "droppath": spec_depth}
SEPARATORS = (",", ", ", "->", " -> ", ",\n  ", ", # a comment\n", ",")


class SpecWriter:
    """Items -> spec text; named blocks collect in ``definitions`` (one line each)."""

    def __init__(self, rank: int, style: int):
        self.rank = rank
        self.separators = Random(style) if style else None
        self.definitions: dict[str, str] = {}

    def sequence(self, items) -> str:
        text = self.item(items[0])
        for item in items[1:]:
            text += (self.separators.choice(SEPARATORS) if self.separators else ",") + self.item(item)
        return text

    def item(self, item) -> str:
        kind = item["kind"]
        if kind == "repeat":
            return f"[{self.sequence(item['body'])}]*{item['n']}"
        if kind == "res":
            shortcut = "" if item["shortcut"] is None else f" | {self.sequence(item['shortcut'])}"
            return f"res({self.sequence(item['body'])}{shortcut})"
        if kind in BRANCHED:
            return f"{kind}(" + " | ".join(self.sequence(branch) for branch in item["branches"]) + ")"
        if kind in HEADS:
            return f"{kind}({self.sequence(item['body'])})"
        if kind == "block":
            self.definitions.setdefault(item["name"], self.sequence(item["body"]))
            return item["name"] + ("()" if item.get("style", 0) % 2 else "")
        return SPEC_WRITERS.get(kind, spec_bare)(item, self.rank)


# The generator's groups: written with branches, or with one head.
BRANCHED = ("cat", "mul", "split")
HEADS = ("side", "aux")
GROUPS = ("repeat", "block", "res", *BRANCHED, *HEADS)


def spec_text(net) -> str:
    writer = SpecWriter(len(net["input"][1]), net.get("style", 0))
    network = writer.sequence(net["items"])
    return "".join(f"{name} = {body}\n" for name, body in writer.definitions.items()) + network


# ---------------------------------------------------------------- description -> torch.nn model

class Rejected(Exception):
    """No PyTorch layer for this input, e.g. a conv on a flat vector.

    PyTorch's 1-D modules would read an (N, F) tensor as one unbatched sample of N
    channels; read as the batch it is, the layer is an error.
    """


class Leaf(nn.Module):
    """One convcalc layer; forward hooks on these give the per-layer output shapes."""

    def __init__(self, op: nn.Module):
        super().__init__()
        self.op = op

    def forward(self, x):
        return self.op(x)


class Pad(nn.Module):
    """Explicit (low, high) padding per spatial axis, e.g. TensorFlow's asymmetric 'same'."""

    def __init__(self, pairs, value: float = 0.0):
        super().__init__()
        self.pads = tuple(p for low, high in reversed(pairs) for p in (low, high))
        self.value = value

    def forward(self, x):
        return F.pad(x, self.pads, value=self.value)


class ChannelLayerNorm(nn.Module):
    """Layer norm over the channels at every position (ConvNeXt's LayerNorm2d)."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x):
        return self.norm(x.movedim(1, -1)).movedim(-1, 1)


class Residual(nn.Module):
    def __init__(self, body: nn.Module, shortcut: nn.Module):
        super().__init__()
        self.body = body
        self.shortcut = shortcut

    def forward(self, x):
        a, b = self.body(x), self.shortcut(x)
        if a.shape != b.shape:  # torch's + would broadcast 1xHxW onto CxHxW; a residual does not
            raise RuntimeError(f"residual shapes differ: {tuple(a.shape)} and {tuple(b.shape)}")
        return a + b


class Concat(nn.Module):
    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)


class Product(nn.Module):
    """x * gate(x) (one branch) or a(x) * b(x): channels equal, size-1 spatial axes broadcast."""

    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        operands = [branch(x) for branch in self.branches]
        if len(operands) == 1:
            operands.insert(0, x)
        first = operands[0]
        for other in operands[1:]:
            # torch would also broadcast a size-1 channel axis, or line a flat vector up with a map's last axes
            if other.dim() != first.dim() or other.shape[1] != first.shape[1]:
                raise RuntimeError(f"product operands differ: {tuple(first.shape)} and {tuple(other.shape)}")
        product = operands[0]
        for other in operands[1:]:
            product = product * other  # raises when the spatial sizes neither agree nor are 1
        return product


class Slices(nn.Module):
    """The channels in equal consecutive slices, branch i on slice i, concatenated."""

    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        count = len(self.branches)
        if x.shape[1] % count:
            raise RuntimeError(f"{x.shape[1]} channels in {count} slices")
        size = x.shape[1] // count
        return torch.cat([branch(x[:, n * size:(n + 1) * size]) for n, branch in enumerate(self.branches)], dim=1)


class Head(nn.Module):
    """A head on the input that the main path does not use: every pass (side), or training only (aux)."""

    def __init__(self, head: nn.Module, training_only: bool):
        super().__init__()
        self.head = head
        self.training_only = training_only

    def forward(self, x):
        if self.training or not self.training_only:
            self.head(x)
        return x


def spatial_rank(x) -> int:
    if x.dim() < 3:
        raise Rejected("needs spatial axes, got a flat vector")
    return x.dim() - 2


def torch_conv(layer, x):
    """conv and dw; TensorFlow 'same' (maybe asymmetric) as an explicit pad before the conv."""
    rank, cin = spatial_rank(x), x.shape[1]
    kernel, stride = per_axis(layer["k"], rank), per_axis(opt(layer, "s", 1), rank)
    dilation = per_axis(opt(layer, "d", 1), rank)
    if layer["kind"] == "dw":
        groups, cout = cin, cin * (opt(layer, "mult", 1))
    else:
        groups, cout = opt(layer, "g", 1), opt(layer, "out", cin)
    pairs = window_pads(layer, x.shape[2:], kernel, stride, dilation)
    explicit = layer.get("pword") == "psame"
    conv = getattr(nn, f"Conv{rank}d")(cin, cout, kernel, stride=stride, dilation=dilation, groups=groups,
                                       padding=(0,) * rank if explicit else tuple(lo for lo, _ in pairs),
                                       bias=not layer.get("nb"))
    return nn.Sequential(Pad(pairs), conv) if explicit else conv


def torch_tconv(layer, x):
    rank, cin = spatial_rank(x), x.shape[1]
    return getattr(nn, f"ConvTranspose{rank}d")(
        cin, opt(layer, "out", cin), per_axis(layer["k"], rank), stride=per_axis(opt(layer, "s", 1), rank),
        padding=per_axis(opt(layer, "p", 0), rank), output_padding=per_axis(opt(layer, "op", 0), rank),
        groups=opt(layer, "g", 1), bias=not layer.get("nb"), dilation=per_axis(opt(layer, "d", 1), rank))


def torch_pool(layer, x):
    """pool/maxpool/avgpool; stride left to PyTorch's default (the kernel) unless given."""
    rank = spatial_rank(x)
    kernel, dilation = per_axis(layer["k"], rank), per_axis(opt(layer, "d", 1), rank)
    stride = per_axis(layer["s"], rank) if layer.get("s") is not None else None
    ceil, is_max = bool(layer.get("ceil")), layer["kind"] != "avgpool"
    pairs = window_pads(layer, x.shape[2:], kernel, stride or kernel, dilation)
    explicit = layer.get("pword") == "psame"
    padding = (0,) * rank if explicit else tuple(lo for lo, _ in pairs)
    if is_max:
        pool = getattr(nn, f"MaxPool{rank}d")(kernel, stride, padding=padding, dilation=dilation, ceil_mode=ceil)
    else:
        pool = getattr(nn, f"AvgPool{rank}d")(kernel, stride, padding=padding, ceil_mode=ceil)
    return nn.Sequential(Pad(pairs, float("-inf") if is_max else 0.0), pool) if explicit else pool


def torch_adaptive(layer, x):
    """gap, gmp, aap, amp."""
    rank = spatial_rank(x)
    mode = "Avg" if layer["kind"] in ("gap", "aap") else "Max"
    return getattr(nn, f"Adaptive{mode}Pool{rank}d")(per_axis(layer.get("size", 1), rank))


def torch_linear(layer, x):
    linear = nn.Linear(x[0].numel(), layer["out"], bias=not layer.get("nb"))
    return nn.Sequential(nn.Flatten(), linear) if x.dim() > 2 else linear


def torch_pad(layer, x):
    return Pad([(p, p) for p in per_axis(layer["p"], spatial_rank(x))])


def torch_bn(layer, x):
    return getattr(nn, f"BatchNorm{max(x.dim() - 2, 1)}d")(x.shape[1])


def torch_ln(layer, x):
    return ChannelLayerNorm(x.shape[1])


def torch_gn(layer, x):
    return nn.GroupNorm(layer["groups"], x.shape[1])


def torch_in(layer, x):
    return getattr(nn, f"InstanceNorm{spatial_rank(x)}d")(x.shape[1], affine=bool(layer.get("affine")))


def torch_lrn(layer, x):
    spatial_rank(x)
    return nn.LocalResponseNorm(5 if layer.get("value") is None else layer["value"])


def torch_lrelu(layer, x):
    return nn.LeakyReLU(0.01 if layer.get("value") is None else float(Fraction(layer["value"])))


def torch_dropout(layer, x):
    return nn.Dropout(0.5 if layer.get("value") is None else float(Fraction(layer["value"])))


PLAIN_MODULES = {"id": nn.Identity, "flatten": nn.Flatten, "relu": nn.ReLU, "relu6": nn.ReLU6, "gelu": nn.GELU,
                 "silu": nn.SiLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softmax": lambda: nn.Softmax(dim=1),
                 "hswish": nn.Hardswish, "hardswish": nn.Hardswish, "hsigmoid": nn.Hardsigmoid,
                 "hardsigmoid": nn.Hardsigmoid}


class Scale(nn.Module):
    """Layer scale: one learnable multiplier per channel (ConvNeXt)."""

    def __init__(self, channels: int, rank: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels, *(1,) * rank))

    def forward(self, x):
        return self.gamma * x


class Interpolate(nn.Module):
    def __init__(self, size, mode):
        super().__init__()
        self.size, self.mode = size, mode

    def forward(self, x):
        return F.interpolate(x, size=self.size, mode=self.mode, align_corners=None if self.mode == "nearest" else False)


class Crop(nn.Module):
    """Centre crop by slicing: offset (n - c) // 2 on every spatial axis."""

    def __init__(self, size):
        super().__init__()
        self.size = size

    def forward(self, x):
        index = (slice(None), slice(None), *(slice((n - c) // 2, (n - c) // 2 + c) for n, c in zip(x.shape[2:], self.size)))
        if any(c > n for n, c in zip(x.shape[2:], self.size)):
            raise ValueError("crop larger than the input")
        return x[index]


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


LINEAR = {1: "linear", 2: "bilinear", 3: "trilinear"}


def torch_mode(layer, rank):
    return LINEAR[rank] if layer.get("mode") == "bilinear" or (layer["kind"] == "resize" and not layer.get("mode")) \
        else "nearest"


def torch_shuffle(layer, x):
    return nn.ChannelShuffle(layer["size"])


def torch_scale(layer, x):
    return Scale(x.shape[1], x.dim() - 2)


def torch_up(layer, x):
    rank = spatial_rank(x)
    mode = torch_mode(layer, rank)
    return nn.Upsample(scale_factor=tuple(float(s) for s in per_axis(layer["size"], rank)), mode=mode,
                       align_corners=None if mode == "nearest" else False)


def torch_resize(layer, x):
    rank = spatial_rank(x)
    return Interpolate(per_axis(layer["size"], rank), torch_mode(layer, rank))


def torch_crop(layer, x):
    return Crop(per_axis(layer["size"], spatial_rank(x)))


def torch_reshape(layer, x):
    return Reshape(tuple(layer.get("shape") or (layer["size"],)))


def torch_plain(layer, x):
    return PLAIN_MODULES[layer["kind"]]()


TORCH_BUILDERS = {"conv": torch_conv, "dw": torch_conv, "tconv": torch_tconv, **{kind: torch_pool for kind in POOLS},
                  **{kind: torch_adaptive for kind in ("gap", "gmp", "aap", "amp")}, "fc": torch_linear,
                  "linear": torch_linear, "pad": torch_pad, "bn": torch_bn, "ln": torch_ln, "gn": torch_gn,
                  "in": torch_in, "lrn": torch_lrn, "lrelu": torch_lrelu, "dropout": torch_dropout,
                  "drop": torch_dropout, "shuffle": torch_shuffle, "scale": torch_scale, "up": torch_up,
                  "resize": torch_resize, "crop": torch_crop, "reshape": torch_reshape,
                  "sd": lambda layer, x: nn.Identity(), "droppath": lambda layer, x: nn.Identity()}


def build(items, x):
    """An nn.Sequential for the items, built while forwarding x (PyTorch supplies the channel counts)."""
    modules = []
    for item in items:
        module, x = build_item(item, x)
        modules.append(module)
    return nn.Sequential(*modules), x


def build_item(item, x):
    kind = item["kind"]
    if kind == "repeat":
        copies = []
        for _ in range(item["n"]):
            copy, x = build(item["body"], x)
            copies.append(copy)
        return nn.Sequential(*copies), x
    if kind == "block":
        return build(item["body"], x)
    if kind == "res":
        shortcut = nn.Identity() if item["shortcut"] is None else build(item["shortcut"], x)[0]
        module = Residual(build(item["body"], x)[0], shortcut)
    elif kind == "cat":
        module = Concat([build(branch, x)[0] for branch in item["branches"]])
    elif kind == "mul":
        module = Product([build(branch, x)[0] for branch in item["branches"]])
    elif kind == "split":
        count = len(item["branches"])
        if x.shape[1] % count:
            raise Rejected(f"{x.shape[1]} channels do not split into {count}")
        size = x.shape[1] // count
        module = Slices([build(branch, x[:, n * size:(n + 1) * size])[0] for n, branch in enumerate(item["branches"])])
    elif kind in HEADS:
        module = Head(build(item["body"], x)[0], kind == "aux")  # built on x: PyTorch checks the head
    else:
        module = Leaf(TORCH_BUILDERS.get(kind, torch_plain)(item, x))
    out = module.eval()(x)
    if out.numel() == 0:
        # Some PyTorch paths give an empty tensor where others raise "Output size is too small"
        # (ConvTranspose at batch 2, or in 3-D); a layer without output is rejected.
        raise Rejected(f"empty output {tuple(out.shape)}")
    return module, out


# ---------------------------------------------------------------- measuring

@dataclass(frozen=True)
class Measured:
    leaves: tuple  # (C, *spatial) after every layer, in forward order
    output: tuple
    params: int
    buffers: int
    macs: int


@dataclass(frozen=True)
class Rejection:
    reason: str


CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
TCONVS = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)


def macs_of(module, inputs, output) -> int:
    """torchvision's convention, per sample: conv, transposed conv and linear layers only."""
    if isinstance(module, CONVS):  # Cout*prod(out spatial) * (Cin/g)*prod(K)
        return output[0].numel() * module.weight.shape[1] * math.prod(module.kernel_size)
    if isinstance(module, TCONVS):  # Cin*prod(in spatial) * (Cout/g)*prod(K)
        return inputs[0][0].numel() * module.weight.shape[1] * math.prod(module.kernel_size)
    return module.in_features * module.out_features


def measure(model: nn.Module, start, leaf_modules, batch: int = BATCH) -> Measured:
    """Forward zeros with hooks on the given per-layer modules (in convcalc's layer order)."""
    channels, spatial = start
    shapes, macs = [None] * len(leaf_modules), []

    def record(index):
        def hook(module, inputs, output):
            assert shapes[index] is None, f"layer module {index} ran twice"
            shapes[index] = tuple(output.shape[1:])
        return hook

    handles = [module.register_forward_hook(record(i)) for i, module in enumerate(leaf_modules)]
    counting = [m.register_forward_hook(lambda *args: macs.append(macs_of(*args)))
                for m in model.modules() if isinstance(m, (*CONVS, *TCONVS, nn.Linear))]
    try:
        with torch.no_grad():
            out = model.eval()(torch.zeros(batch, channels, *spatial))
        for handle in counting:  # MACs are inference's: an aux head's do not count
            handle.remove()
        heads = [m for m in model.modules() if training_only_head(m)]
        if heads:
            # Training-only heads did not run: again with just them switched to training (their layers
            # stay in eval mode), for their layers' shapes.
            seen = list(shapes)
            shapes[:] = [None] * len(shapes)
            for head in heads:
                head.training = True
            with torch.no_grad():
                model(torch.zeros(batch, channels, *spatial))
            shapes[:] = [a if a is not None else b for a, b in zip(seen, shapes)]
    finally:
        for handle in handles + counting:
            handle.remove()
        model.eval()
    assert None not in shapes, "a layer module never ran"
    buffers = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    params = sum(p.numel() for p in model.parameters())
    return Measured(tuple(shapes), tuple(out.shape[1:]), params, buffers, sum(macs))


def training_only_head(module) -> bool:
    """Ours (Head) or the exporter's aux class: a module that runs its head in training only."""
    return (isinstance(module, Head) and module.training_only) or type(module).__name__ == CONSTRUCTS["aux"].TORCH_CLASS


def torch_truth(net) -> Measured | Rejection:
    channels, spatial = net["input"]
    try:
        with torch.no_grad():
            model, _ = build(net["items"], torch.zeros(BATCH, channels, *spatial))
        return measure(model, net["input"], [m for m in model.modules() if isinstance(m, Leaf)])
    except (Rejected, RuntimeError, ValueError, ZeroDivisionError) as error:
        return Rejection(f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}")


def dims(tensor: Tensor) -> tuple:
    return (tensor.channels, *tensor.spatial)


def leaf_rows(rows) -> list:
    return [leaf for row in rows for leaf in row.leaves()]


def convcalc_numbers(analysis) -> Measured:
    total = analysis.total
    return Measured(tuple(dims(row.output) for row in leaf_rows(analysis.rows)), dims(total.output),
                    total.params, total.buffers, total.macs)


def paired_modules(rows, sequential):
    """(layer row, exported module) pairs: convcalc's rows walked beside the exporter's module tree."""
    modules = list(sequential.children())
    assert len(modules) == len(rows), f"{len(rows)} rows but {len(modules)} modules"
    for row, module in zip(rows, modules):
        yield from paired_row(row, module)


def paired_row(row, module):
    """A block's parts are found in its module the way its construct (convcalc/constructs) says."""
    if not row.is_block:
        yield row, module
        return
    construct = CONSTRUCTS[row.kind]
    if row.call and construct.TORCH_CLASS:  # a named block's class holds its one res/cat module
        (module,) = module.children()
    parts, submodules = construct.torch_branches(row), construct.torch_submodules(row, module)
    assert len(parts) == len(submodules), f"{row.text}: {len(parts)} parts but {len(submodules)} modules"
    for rows, sub in zip(parts, submodules):
        yield from paired_modules(rows, sub)


def exported_numbers(analysis, source: str, label, start, batch: int = BATCH) -> Measured:
    code = export_torch(analysis, "t", source, label)
    namespace = {"__name__": "convcalc_exported"}
    exec(compile(code, "<convcalc export>", "exec"), namespace)
    model = namespace["Net"]()
    return measure(model, start, [module for _, module in paired_modules(analysis.rows, model)], batch)


def first_difference(ours: Measured, theirs: Measured, rows) -> str:
    for number, (row, a, b) in enumerate(zip(rows, ours.leaves, theirs.leaves), 1):
        if a != b:
            return f"layer {number} '{row.text}': convcalc {a}, PyTorch {b}"
    for name in ("output", "params", "buffers", "macs"):
        if getattr(ours, name) != getattr(theirs, name):
            return f"{name}: convcalc {getattr(ours, name)}, PyTorch {getattr(theirs, name)}"
    return f"{len(ours.leaves)} layers in convcalc, {len(theirs.leaves)} in PyTorch"


def groups_in(items):
    for item in items:
        if item["kind"] in GROUPS:
            yield item["kind"]
        for key in ("body", "shortcut"):
            yield from groups_in(item.get(key) or ())
        for branch in item.get("branches", ()):
            yield from groups_in(branch)


def layers_in(items):
    for item in items:
        for key in ("body", "shortcut"):
            yield from layers_in(item.get(key) or ())
        for branch in item.get("branches", ()):
            yield from layers_in(branch)
        if item["kind"] not in GROUPS:
            yield item


def check_against_torch(net) -> None:
    spec = spec_text(net)
    channels, spatial = net["input"]
    shown = f"spec {spec!r} on input {'x'.join(map(str, (channels, *spatial)))}"
    note(shown)
    if TRACE:
        with open(TRACE, "w") as trace:
            trace.write(f"{shown}\n{net!r}\n")
    for kind in sorted({layer["kind"] for layer in layers_in(net["items"])}):
        event(f"layer {kind}")
    for kind in sorted(set(groups_in(net["items"]))):
        event(f"group {kind}")
    truth = torch_truth(net)
    try:
        analysis = analyse(parse_document(spec), Tensor(channels, spatial))
    except SpecError as error:
        assert isinstance(truth, Rejection), f"convcalc rejects what PyTorch accepts: {shown}: {error.message}"
        event("rejected by both")
        return
    assert not isinstance(truth, Rejection), f"convcalc accepts what PyTorch rejects: {shown}: {truth.reason}"
    event("accepted by both")
    rows = leaf_rows(analysis.rows)
    ours = convcalc_numbers(analysis)
    assert ours == truth, f"{shown}: {first_difference(ours, truth, rows)}"
    try:
        exported = exported_numbers(analysis, spec, None, net["input"])
    except SpecError as error:
        # convcalc knowingly refuses to export asymmetric 'same' average pooling (TensorFlow leaves the
        # padding out of the average; no PyTorch module pads unevenly and does that).
        assert "no PyTorch twin" in error.message and any(
            layer["kind"] == "avgpool" and layer.get("pword") == "psame" for layer in layers_in(net["items"])), error
        return
    except (RuntimeError, ValueError) as error:
        raise AssertionError(f"the exported module fails in PyTorch: {shown}: {error}") from error
    assert exported == truth, f"exported module, {shown}: {first_difference(exported, truth, rows)}"


# ---------------------------------------------------------------- guidance: the shapes the generator steers by

def guide(item, shape):
    """(output shape, MACs) of an item by PyTorch's rules, or None when either side may refuse it."""
    kind = item["kind"]
    if kind in GROUPS:
        return guide_group(item, shape)
    channels, spatial = shape
    rank = len(spatial)
    numbers = [item.get(key) for key in ("k", "s", "d", "g", "out", "mult", "size", "groups")]
    if any(0 in per_axis(value, 1) for value in numbers if value is not None):
        return None
    if kind == "lrn" and item.get("value") == 0:
        return None
    if kind in SPATIAL_KINDS and rank == 0:
        return None
    if kind in ("conv", "dw", *POOLS):
        return guide_window(item, shape)
    if kind == "tconv":
        return guide_tconv(item, shape)
    if kind in ("gap", "gmp", "aap", "amp"):
        return (channels, per_axis(item.get("size", 1), rank)), 0
    if kind in ("fc", "linear"):
        return (item["out"], ()), elements(shape) * item["out"]
    if kind == "flatten":
        return (elements(shape), ()), 0
    if kind == "pad":
        return (channels, tuple(n + 2 * p for n, p in zip(spatial, per_axis(item["p"], rank)))), 0
    if kind == "shuffle" and channels % item["size"]:
        return None
    if kind == "up":
        return (channels, tuple(n * s for n, s in zip(spatial, per_axis(item["size"], rank)))), 0
    if kind == "resize":
        return (channels, per_axis(item["size"], rank)), 0
    if kind == "crop":
        size = per_axis(item["size"], rank)
        return None if any(c > n for n, c in zip(spatial, size)) else ((channels, size), 0)
    if kind == "reshape":
        shape = item.get("shape") or (item["size"],)
        if math.prod(shape) != elements((channels, spatial)) or len(shape) - 1 not in (0, rank):
            return None
        return (shape[0], tuple(shape[1:])), 0
    if kind == "gn" and channels % item["groups"]:
        return None
    if kind == "in" and math.prod(spatial) == 1:
        return None  # PyTorch: "Expected more than 1 spatial element"
    if kind in ("dropout", "drop") and item.get("value") is not None and Fraction(item["value"]) > 1:
        return None
    return shape, 0


def guide_window(item, shape):
    kind, (channels, spatial) = item["kind"], shape
    rank = len(spatial)
    kernel, dilation = per_axis(item["k"], rank), per_axis(opt(item, "d", 1), rank)
    pool = kind in POOLS
    stride = per_axis(item["s"], rank) if item.get("s") is not None else (kernel if pool else (1,) * rank)
    pairs = window_pads(item, spatial, kernel, stride, dilation)
    explicit = item.get("pword") == "psame"
    for n, k, (lo, hi), d in zip(spatial, kernel, pairs, dilation):
        if pool and not explicit and lo > k // 2:
            return None  # PyTorch: pad <= kernel//2
        if kind == "avgpool" and rank == 3 and n < k:
            # AvgPool3d: "input image smaller than kernel size" (before padding). With 'same' there is
            # no faithful twin either: explicit zero padding would change what is averaged.
            return None
    out = tuple(window_output(n, k, s, p, d, pool and bool(item.get("ceil")))
                for n, k, s, p, d in zip(spatial, kernel, stride, pairs, dilation))
    if min(out) < 1:
        return None
    if pool:
        return (channels, out), 0
    groups = channels if kind == "dw" else opt(item, "g", 1)
    cout = channels * (opt(item, "mult", 1)) if kind == "dw" else opt(item, "out", channels)
    if channels % groups or cout % groups:
        return None
    return (cout, out), cout * math.prod(out) * (channels // groups) * math.prod(kernel)


def guide_tconv(item, shape):
    channels, spatial = shape
    rank = len(spatial)
    kernel, stride = per_axis(item["k"], rank), per_axis(opt(item, "s", 1), rank)
    pads, dilation = per_axis(opt(item, "p", 0), rank), per_axis(opt(item, "d", 1), rank)
    extra = per_axis(opt(item, "op", 0), rank)
    if any(op >= max(s, d) for op, s, d in zip(extra, stride, dilation)):
        return None
    out = tuple((n - 1) * s - 2 * p + d * (k - 1) + 1 + op
                for n, k, s, p, d, op in zip(spatial, kernel, stride, pads, dilation, extra))
    groups, cout = opt(item, "g", 1), opt(item, "out", channels)
    if min(out) < 1 or channels % groups or cout % groups:
        return None
    return (cout, out), elements(shape) * (cout // groups) * math.prod(kernel)


def guide_sequence(items, shape):
    macs = 0
    for item in items:
        result = guide(item, shape)
        if result is None:
            return None
        shape, macs = result[0], macs + result[1]
    return shape, macs


def guide_group(item, shape):
    kind = item["kind"]
    if kind in ("repeat", "block"):
        return guide_sequence(item["body"] * item.get("n", 1), shape)
    if kind == "res":
        body = guide_sequence(item["body"], shape)
        shortcut = (shape, 0) if item["shortcut"] is None else guide_sequence(item["shortcut"], shape)
        if body is None or shortcut is None or body[0] != shortcut[0]:
            return None
        return body[0], body[1] + shortcut[1]
    if kind in HEADS:
        head = guide_sequence(item["body"], shape)
        return None if head is None else (shape, head[1])
    if kind == "mul":
        return guide_product(item, shape)
    if kind == "split":
        count = len(item["branches"])
        if shape[0] % count:
            return None
        shape = (shape[0] // count, shape[1])
    results = [guide_sequence(branch, shape) for branch in item["branches"]]
    if None in results or len({out[1] for out, _ in results}) > 1:
        return None
    return (sum(out[0] for out, _ in results), results[0][0][1]), sum(macs for _, macs in results)


def broadcast(shapes):
    """PyTorch's product shape under convcalc's rule (equal channels and rank), or None."""
    (channels, spatial), rest = shapes[0], shapes[1:]
    if any(c != channels or len(s) != len(spatial) for c, s in rest):
        return None
    out = []
    for sizes in zip(*(s for _, s in shapes)):
        wide = {n for n in sizes if n != 1}
        if len(wide) > 1:
            return None
        out.append(wide.pop() if wide else 1)
    return channels, tuple(out)


def guide_product(item, shape):
    results = [guide_sequence(branch, shape) for branch in item["branches"]]
    if None in results:
        return None
    operands = [out for out, _ in results]
    out = broadcast(([shape] if len(operands) == 1 else []) + operands)
    return None if out is None else (out, sum(macs for _, macs in results))


# ---------------------------------------------------------------- the generator

@st.composite
def input_shapes(draw):
    rank = draw(st.sampled_from((2, 1, 3)))
    top = 300 if rank < 3 else 40
    spatial = tuple(draw(st.one_of(st.integers(1, 8), st.integers(1, top))) for _ in range(rank))
    return draw(st.integers(1, max(1, min(MAX_CHANNELS, MAX_ELEMENTS // math.prod(spatial))))), spatial


class Draws:
    """Draws items against a running shape, within the size and MAC budgets.

    ``edges`` (property B) also draws layers with a number at or just past a limit,
    mismatched res/cat branches and cats of flat vectors.
    """

    def __init__(self, draw, edges: bool):
        self.draw = draw
        self.edges = edges
        self.macs = 0
        self.blocks = 0

    def of(self, strategy):
        return self.draw(strategy)

    def flag(self, chances: int = 1, out_of: int = 2) -> bool:
        return self.draw(st.integers(0, out_of - 1)) < chances

    def ints(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, max(low, high)))

    def axes(self, rank: int, square: bool, strategy_for):
        """One value for all axes, or one per axis; strategy_for(axes) suits all those axes, or is None."""
        if square and (strategy := strategy_for(range(rank))) is not None:
            return self.draw(strategy)
        return tuple(self.draw(strategy_for([axis])) for axis in range(rank))

    def fits(self, shape, macs: int) -> bool:
        return elements(shape) <= MAX_ELEMENTS and macs <= LAYER_MACS and self.macs + macs <= NETWORK_MACS

    def account(self, items, shape):
        """The shape after items (None if invalid), counting their MACs."""
        result = guide_sequence(items, shape)
        if result is None:
            return None
        self.macs += result[1]
        return result[0]

    # -- sequences and groups

    def sequence(self, shape, depth: int, most: int, flat_ok: bool = True):
        """Items and the shape after them; None once an item is invalid (nothing is drawn after it)."""
        items = []
        for _ in range(self.ints(1, most)):
            new, shape = self.element(shape, depth, flat_ok)
            items += new
            if shape is None:
                break
        return items, shape

    def element(self, shape, depth: int, flat_ok: bool):
        what = "layer" if depth >= MAX_DEPTH else self.of(st.sampled_from(("layer",) * 8 + GROUPS))
        if what == "repeat":
            return self.repeat(shape, depth, flat_ok)
        if what == "res":
            return self.residual(shape, depth, flat_ok)
        if what == "cat":
            return self.concat(shape, depth, flat_ok)
        if what == "split":
            return self.split(shape, depth, flat_ok)
        if what == "mul":
            return self.product(shape, depth, flat_ok)
        if what in HEADS:
            body, out = self.sequence(shape, depth + 1, 3, flat_ok)
            return [{"kind": what, "body": body}], None if out is None else shape
        if what == "block":
            name, self.blocks = "block" + letters(self.blocks), self.blocks + 1
            body, out = self.sequence(shape, depth + 1, 3, flat_ok)
            return [{"kind": "block", "name": name, "body": body, "style": self.ints(0, 9)}], out
        if self.edges and self.flag(1, 4):
            return self.edge(shape)
        return self.layer(shape, flat_ok)

    def repeat(self, shape, depth, flat_ok):
        body, out = self.sequence(shape, depth + 1, 3, flat_ok)
        count = self.ints(1, 3)
        for copy in range(2, count + 1):
            result = None if out is None else guide_sequence(body, out)
            if result is None or not self.fits(*result):
                count = copy - 1
                break
            out = self.account(body, out)
        return [{"kind": "repeat", "n": count, "body": body}], out

    def residual(self, shape, depth, flat_ok):
        body, out = self.sequence(shape, depth + 1, 3, flat_ok)
        shortcut = None
        if out is not None:
            short_out = shape
            if self.edges and self.flag(1, 6):
                shortcut, short_out = self.sequence(shape, depth + 1, 2, flat_ok)  # rarely matches the body
            elif out != shape or self.flag(1, 3):
                shortcut = self.projection(shape, out)
                if shortcut is None:  # no cheap projection: keep the body, as a group
                    return [{"kind": "repeat", "n": 1, "body": body}], out
                short_out = self.account(shortcut, shape)
            if self.edges and shortcut is not None and self.flag(1, 8):
                shortcut, short_out = None, shape  # the identity, whatever the body gives
            out = out if short_out == out else None
        return [{"kind": "res", "body": body, "shortcut": shortcut}], out

    def split(self, shape, depth, flat_ok):
        """Branches on equal channel slices (the edge generator sometimes draws a count that does not
        divide the channels), concatenated."""
        counts = [n for n in (1, 2, 3) if shape[0] % n == 0 or self.edges]
        count = self.of(st.sampled_from(counts))
        part = (shape[0] // count if shape[0] % count == 0 else shape[0], shape[1])
        return self.concat(shape, depth, flat_ok, kind="split", count=count, part=part)

    def product(self, shape, depth, flat_ok):
        """mul(gate): a body brought to the input's shape or to C x 1 x 1; mul(a | b): b brought to a's
        shape or to C x 1 x 1 (the edge generator sometimes leaves them apart)."""
        gate = self.flag()
        branches, operands = [], [shape] if gate else []
        for number in range(1 if gate else 2):
            branch, out = self.sequence(shape, depth + 1, 3, flat_ok)
            if out is not None and operands:
                first = operands[0]
                target = (first[0], (1,) * len(first[1])) if first[1] and self.flag() else first
                if out != target and not (self.edges and self.flag(1, 4)):
                    adapter = self.projection(out, target) if out[1] or not target[1] else None
                    if adapter is None:  # no cheap adapter: keep what was drawn, as a group
                        return [{"kind": "repeat", "n": 1, "body": branch}], out
                    branch, out = branch + adapter, self.account(adapter, out)
            branches.append(branch)
            operands.append(out)
            if out is None:
                return [{"kind": "mul", "branches": branches}], None
        result = guide({"kind": "mul", "branches": branches}, shape)
        return [{"kind": "mul", "branches": branches}], result and result[0]

    def concat(self, shape, depth, flat_ok, kind="cat", count=None, part=None):
        """Branches brought to the first branch's size, or all to flat vectors (the edge generator
        sometimes leaves them apart). ``split``: ``count`` branches on slices of shape ``part``."""
        flat_branches = flat_ok and self.flag(1, 5)
        branches, outs = [], []
        start = part or shape
        if count is None:
            count = self.ints(1, 3) if self.edges else self.ints(2, 3)
        for number in range(count):
            if number and self.flag(1, 3):
                branch, out = [{"kind": "id"}], start
            else:
                branch, out = self.sequence(start, depth + 1, 3, flat_ok=flat_branches)
            target = outs[0][1] if number and outs[0] is not None else None
            if out is not None and target is not None and out[1] != target and not (self.edges and self.flag(1, 4)):
                adapter = self.projection(out, (out[0], target)) if out[1] else None  # nothing unflattens
                if adapter is None:
                    break
                branch, out = branch + adapter, self.account(adapter, out)
            if out is not None and elements(out) + sum(elements(o) for o in outs if o) > MAX_ELEMENTS:
                break
            branches.append(branch)
            outs.append(out)
            if out is None:
                break
        if kind == "split" and len(branches) < count and outs and outs[-1] is not None:
            return [{"kind": "id"}], shape  # a split of fewer branches would cut other slices
        result = guide({"kind": kind, "branches": branches}, shape)
        return [{"kind": kind, "branches": branches}], result and result[0]

    def projection(self, source, target):
        """Layers taking source to target that PyTorch accepts: a res shortcut or a cat adapter."""
        (c, spatial), (c2, spatial2) = source, target
        if not spatial2:  # to a flat vector, within the MAC budget; None if nothing cheap does it
            fc = {"kind": "fc", "out": c2, "nb": self.flag()}
            options = [[{"kind": "id"}], [{"kind": "bn"}]] if source == target else []
            options += [[{"kind": "flatten"}]] if elements(source) == c2 else []
            options += [[fc], [{"kind": "flatten"}, fc]] if elements(source) * c2 <= LAYER_MACS else []
            options += [[{"kind": "gap"}, fc]] if spatial and c * c2 <= LAYER_MACS else []
            return self.of(st.sampled_from(options)) if options else None
        pads = tuple(max(0, -(-(m - n) // 2)) for n, m in zip(spatial, spatial2))
        kernel = tuple(n + 2 * p - m + 1 for n, p, m in zip(spatial, pads, spatial2))  # stride 1: exactly m outputs
        grow = [m - n for n, m in zip(spatial, spatial2)]
        options = ["adaptive"]
        if c2 * math.prod(spatial2) * c * math.prod(kernel) <= LAYER_MACS:
            options.append("conv")
        if c == c2 and any(grow) and all(g >= 0 and g % 2 == 0 for g in grow):
            options.append("pad")
        how = self.of(st.sampled_from(options))
        if how == "conv":
            layers = [{"kind": "conv", "k": kernel, "p": pads, "out": c2, "nb": self.flag(), "style": self.ints(0, 9)}]
        elif how == "pad":
            layers = [{"kind": "pad", "p": tuple(g // 2 for g in grow)}]
        else:
            layers = [{"kind": self.of(st.sampled_from(("aap", "amp"))), "size": tuple(spatial2)}]
            if c2 != c:
                layers.append({"kind": "conv", "k": 1, "out": c2, "nb": self.flag(), "style": self.ints(0, 9)})
        return layers + ([{"kind": "bn"}] if self.flag(1, 3) else [])

    # -- single layers

    def layer(self, shape, flat_ok: bool):
        kinds = [kind for kind in ANY_KINDS if flat_ok or kind not in FLATTENING]
        kinds += SPATIAL_KINDS if shape[1] else ()
        for _ in range(4):
            kind = self.of(st.sampled_from(kinds))
            layer = LAYER_DRAWS.get(kind, draw_plain)(self, shape, kind)
            if layer is None:
                continue
            layer.setdefault("style", self.ints(0, 9))
            result = guide(layer, shape)
            assert result is not None, f"the valid generator drew {layer} for {shape}"
            if self.fits(*result):
                self.macs += result[1]
                return [layer], result[0]
        return [{"kind": "relu"}], shape

    def edge(self, shape):
        """Layers with a number at or past a limit: (items, shape after them or None)."""
        kinds = ("conv", "tconv", *POOLS, "gn", "in", "dropout", "zero")
        kind = self.of(st.sampled_from(kinds if shape[1] else SPATIAL_KINDS + ("gn", "dropout", "zero")))
        on_flat = not shape[1] and kind in SPATIAL_KINDS
        layers = (edge_on_flat if on_flat else EDGE_DRAWS.get(kind, edge_on_flat))(self, shape, kind)
        for layer in layers:
            layer.setdefault("style", self.ints(0, 9))
        result = guide_sequence(layers, shape)
        if result is not None and not self.fits(*result):
            return [{"kind": "id"}], shape
        return layers, self.account(layers, shape)


def letters(n: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba': block names without digits."""
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = chr(97 + digit) + text
        if not n:
            return text


def draw_plain(g: Draws, shape, kind):
    """Layers whose numbers are optional values: activations, dropout, norms, flatten, id, gap, gmp."""
    channels, spatial = shape
    layer = {"kind": kind}
    if kind == "lrelu" and g.flag():
        layer["value"] = g.of(st.sampled_from(("0.2", "0.1", "0", "0.01", "1.5")))
    if kind in ("dropout", "drop") and g.flag():
        layer["value"] = g.of(st.sampled_from(("0.5", "0", "0.25", "1", "0.1")))
    if kind == "lrn" and g.flag():
        layer["value"] = g.ints(1, 7)
    if kind == "gn":
        layer["groups"] = g.of(st.sampled_from(divisors(channels)))
    if kind == "in":
        if math.prod(spatial) == 1:
            return None  # PyTorch refuses instance norm over one element
        layer["affine"] = g.flag()
    return layer


def draw_conv(g: Draws, shape, kind):
    """conv or dw: the window inside the padded input, groups dividing the channels, within budget."""
    channels, spatial = shape
    rank = len(spatial)
    words = (None, None, None, "psame", "pvalid", "pfull")
    layer = {"kind": kind, "nb": g.flag(1, 4), "pword": g.of(st.sampled_from(words))}
    layer["d"] = None if g.flag() else g.axes(rank, g.flag(), lambda axes: st.integers(1, 3))
    if layer["pword"] is None and g.flag():
        layer["p"] = g.axes(rank, g.flag(), lambda axes: st.integers(0, 3))
    dilation, pads = per_axis(layer["d"] or 1, rank), per_axis(opt(layer, "p", 0), rank)
    top = 7 if rank < 3 else 3

    def kernels(axes):
        if layer["pword"] in ("psame", "pfull"):
            return st.integers(1, top)
        return st.integers(1, max(1, min(top, *((spatial[a] + 2 * pads[a] - 1) // dilation[a] + 1 for a in axes))))

    layer["k"] = g.axes(rank, g.flag(), kernels)
    layer["s"] = None if g.flag() else g.axes(rank, g.flag(), lambda axes: st.integers(1, 3))
    kernel, stride = per_axis(layer["k"], rank), per_axis(layer["s"] or 1, rank)
    pairs = window_pads(layer, spatial, kernel, stride, dilation)
    out = math.prod(window_output(*axis) for axis in zip(spatial, kernel, stride, pairs, dilation))
    per_channel = out * math.prod(kernel)
    if kind == "dw":
        room = min(MAX_CHANNELS // channels, LAYER_MACS // (channels * per_channel), MAX_ELEMENTS // (channels * out))
        if room < 1:
            return None
        layer["mult"] = None if g.flag() else g.ints(1, min(room, 3))
        return layer
    return draw_grouped_channels(g, layer, channels, lambda groups: min(
        MAX_CHANNELS, LAYER_MACS // (per_channel * (channels // groups)), MAX_ELEMENTS // out))


def draw_tconv(g: Draws, shape, kind):
    """Output padding below max(stride, dilation), padding leaving at least one output."""
    channels, spatial = shape
    rank = len(spatial)
    layer = {"kind": kind, "nb": g.flag(1, 4)}
    layer["k"] = g.axes(rank, g.flag(), lambda axes: st.integers(1, 4 if rank < 3 else 3))
    layer["s"] = None if g.flag() else g.axes(rank, g.flag(), lambda axes: st.integers(1, 3))
    layer["d"] = None if g.flag() else g.axes(rank, g.flag(), lambda axes: st.integers(1, 2))
    kernel, stride = per_axis(layer["k"], rank), per_axis(layer["s"] or 1, rank)
    dilation = per_axis(layer["d"] or 1, rank)
    layer["op"] = None if g.flag() else g.axes(
        rank, g.flag(), lambda axes: st.integers(0, min(max(stride[a], dilation[a]) for a in axes) - 1))
    extra = per_axis(layer["op"] or 0, rank)
    room = [(n - 1) * s + d * (k - 1) + op for n, k, s, d, op in zip(spatial, kernel, stride, dilation, extra)]
    layer["p"] = None if g.flag() else g.axes(
        rank, g.flag(), lambda axes: st.integers(0, min(3, *(room[a] // 2 for a in axes))))
    out = math.prod(r - 2 * p + 1 for r, p in zip(room, per_axis(layer["p"] or 0, rank)))
    return draw_grouped_channels(g, layer, channels, lambda groups: min(
        MAX_CHANNELS, MAX_ELEMENTS // out, LAYER_MACS * groups // (elements(shape) * math.prod(kernel))))


def draw_grouped_channels(g: Draws, layer: dict, channels: int, room_for):
    """Groups dividing the input channels, then output channels: a multiple of the groups, at most
    room_for(groups) (the layer's budgets); None when not even one per group fits."""
    groups = g.of(st.sampled_from(divisors(channels)))
    layer["g"] = None if groups == 1 and g.flag() else groups
    room = room_for(groups)
    if room < groups:
        return None
    layer["out"] = None if channels <= room and g.flag(1, 3) else groups * g.ints(1, room // groups)
    return layer


def draw_pool(g: Draws, shape, kind):
    """Padding at most half the kernel, the window inside the padded input (no ceil-mode overhang)."""
    channels, spatial = shape
    rank = len(spatial)
    layer = {"kind": kind, "ceil": g.flag(1, 3), "pword": g.of(st.sampled_from((None,) * 6 + ("psame", "pvalid")))}
    unpadded = layer["pword"] == "pvalid" or (kind == "avgpool" and rank == 3)  # AvgPool3d: kernel <= input
    layer["k"] = g.axes(rank, g.flag(), lambda axes: st.integers(
        1, min(5, *(spatial[a] for a in axes)) if unpadded else 5))
    kernel = per_axis(layer["k"], rank)
    low = [max(0, -(-(k - n) // 2)) for k, n in zip(kernel, spatial)]  # the kernel must fit in W + 2p
    if layer["pword"] is None and (any(low) or g.flag()):
        def paddings(axes):  # at least what fits the kernel, at most half the kernel
            least, most = max(low[a] for a in axes), min(kernel[a] // 2 for a in axes)
            return st.integers(least, most) if least <= most else None

        layer["p"] = g.axes(rank, g.flag(), paddings)
    pads = per_axis(opt(layer, "p", 0), rank)
    free = layer["pword"] == "psame"
    if kind != "avgpool" and g.flag():  # the dilated window inside the padded input ('same' pads to fit)
        layer["d"] = g.axes(rank, g.flag(), lambda axes: st.integers(1, min(3, *(
            (spatial[a] + 2 * pads[a] - 1) // (kernel[a] - 1) if kernel[a] > 1 and not free else 3 for a in axes))))
    layer["s"] = None if g.flag() else g.axes(rank, g.flag(), lambda axes: st.integers(1, 3))
    return layer


def draw_adaptive(g: Draws, shape, kind):
    rank = len(shape[1])
    return {"kind": kind, "size": g.axes(rank, g.flag(), lambda axes: st.integers(1, 12 if rank < 3 else 6))}


def draw_linear(g: Draws, shape, kind):
    room = min(MAX_CHANNELS, LAYER_MACS // elements(shape))
    return {"kind": kind, "out": g.ints(1, room), "nb": g.flag(1, 4)} if room else None


def draw_pad(g: Draws, shape, kind):
    return {"kind": kind, "p": g.axes(len(shape[1]), g.flag(), lambda axes: st.integers(0, 3))}


def draw_shuffle(g: Draws, shape, kind):
    return {"kind": kind, "size": g.of(st.sampled_from(divisors(shape[0])))}


def draw_depth(g: Draws, shape, kind):
    return {"kind": kind, "value": g.of(st.sampled_from(("0", "0.1", "0.25", "0.5", "1")))}


def draw_resample(g: Draws, shape, kind):
    """up (a whole scale per axis), resize (a size), crop (no larger than the input); nearest or bilinear."""
    rank = len(shape[1])
    if kind == "up":
        layer = {"kind": kind, "size": g.axes(rank, g.flag(), lambda axes: st.integers(1, 3 if rank < 3 else 2))}
    elif kind == "resize":
        layer = {"kind": kind, "size": g.axes(rank, g.flag(), lambda axes: st.integers(1, 12 if rank < 3 else 6))}
    else:
        return {"kind": kind, "size": g.axes(rank, g.flag(), lambda axes: st.integers(1, min(shape[1][a] for a in axes)))}
    layer["mode"] = g.of(st.sampled_from((None, "nearest", "bilinear")))
    return layer


def draw_reshape(g: Draws, shape, kind):
    """The same elements as a flat vector, with the spatial sizes reversed, or the first axis folded into C."""
    channels, spatial = shape
    options = [(elements(shape),), (channels, *reversed(spatial)), (channels * spatial[0], 1, *spatial[1:])]
    return {"kind": kind, "shape": g.of(st.sampled_from(options))}


LAYER_DRAWS = {"conv": draw_conv, "dw": draw_conv, "tconv": draw_tconv, **{kind: draw_pool for kind in POOLS},
               "aap": draw_adaptive, "amp": draw_adaptive, "fc": draw_linear, "linear": draw_linear, "pad": draw_pad,
               "shuffle": draw_shuffle, "sd": draw_depth, "droppath": draw_depth,
               **{kind: draw_resample for kind in ("up", "resize", "crop")}, "reshape": draw_reshape}


# -- edges (property B): numbers at or just past a limit

def edge_on_flat(g: Draws, shape, kind):
    """A layer that needs spatial axes, on a flat vector."""
    return [{"kind": kind, "k": 1, "size": 1, "p": 1, "out": 2}]


def edge_zero(g: Draws, shape, kind):
    """A zero where convcalc wants at least 1 (PyTorch raises, or gives an empty tensor)."""
    options = [{"kind": "gn", "groups": 0}, {"kind": "lrn", "value": 0}, {"kind": "fc", "out": 0},
               {"kind": "conv", "k": 1, "out": 0}, {"kind": "dw", "k": 1, "mult": 0}]
    if shape[1]:
        options += [{"kind": "aap", "size": 0}, {"kind": "conv", "k": 0}, {"kind": "conv", "k": 1, "s": 0},
                    {"kind": "conv", "k": 1, "d": 0}, {"kind": "maxpool", "k": 1, "s": 0},
                    {"kind": "tconv", "k": 1, "s": 0}, {"kind": "avgpool", "k": 0}]
    return [g.of(st.sampled_from(options))]


def edge_gn(g: Draws, shape, kind):
    return [{"kind": "gn", "groups": g.ints(1, shape[0] + 2)}]


def edge_dropout(g: Draws, shape, kind):
    return [{"kind": "dropout", "value": g.of(st.sampled_from(("1", "1.5", "0", "2")))}]


def edge_in(g: Draws, shape, kind):
    """Instance norm, often over a single element (PyTorch refuses that)."""
    before = [{"kind": g.of(st.sampled_from(("aap", "amp"))), "size": 1}] if g.flag() else []
    return before + [{"kind": "in", "affine": g.flag()}]


def edge_conv(g: Draws, shape, kind):
    """A kernel span equal to, or one past, the padded input on one axis; or groups that may not divide."""
    channels, spatial = shape
    rank = len(spatial)
    if g.flag():
        return [{"kind": "conv", "k": 1, "g": g.ints(1, 4), "out": g.ints(1, 16) if g.flag() else None}]
    axis, pad, dilation = g.ints(0, rank - 1), g.ints(0, 2), g.of(st.sampled_from((1, 1, 2)))
    span = spatial[axis] + 2 * pad + g.ints(0, 1)
    kernel = [1] * rank
    kernel[axis] = -(-(span - 1) // dilation) + 1
    return [{"kind": "conv", "k": tuple(kernel), "p": tuple(pad if a == axis else 0 for a in range(rank)),
             "d": tuple(dilation if a == axis else 1 for a in range(rank)), "out": g.ints(1, 4)}]


def edge_tconv(g: Draws, shape, kind):
    """Output padding max(stride, dilation) - 1 or max(stride, dilation); or padding leaving 1..2 or 0..-1 outputs."""
    stride, dilation, kernel = g.ints(1, 3), g.ints(1, 2), g.ints(1, 3)
    if g.flag():
        extra = max(0, max(stride, dilation) - g.ints(0, 1))
        return [{"kind": "tconv", "k": kernel, "s": stride, "d": dilation, "op": extra, "out": g.ints(1, 8)}]
    room = min((n - 1) * stride + dilation * (kernel - 1) for n in shape[1])
    return [{"kind": "tconv", "k": kernel, "s": stride, "d": dilation, "p": room // 2 + g.ints(0, 1),
             "g": g.of(st.sampled_from((None, 2)))}]


def edge_pool(g: Draws, shape, kind):
    """Padding around half the (dilated) window; a ceil-mode window overhanging the input; AvgPool3d on a
    small axis."""
    spatial = shape[1]
    rank = len(spatial)
    what = g.of(st.sampled_from(("padding", "ceil", "small")))
    if what == "padding":
        kernel, dilation = g.ints(1, 5), 1 if kind == "avgpool" else g.ints(1, 3)
        half = (dilation * (kernel - 1) + 1) // 2  # half the dilated window
        pads = [kernel // 2, kernel // 2 + 1, half, half + 1]
        return [{"kind": kind, "k": kernel, "p": g.of(st.sampled_from(pads)), "d": dilation if dilation > 1 else None,
                 "s": g.ints(1, 2)}]
    axis, kernel = g.ints(0, rank - 1), [1] * rank
    if what == "ceil":  # the window overhangs the input by 0 .. stride positions on one axis
        stride = g.ints(2, 4)
        kernel[axis] = spatial[axis] + g.ints(0, stride)
        return [{"kind": kind, "k": tuple(kernel), "s": stride, "ceil": True}]
    if kind != "avgpool" or rank != 3:  # k2 on an axis of 1 overhangs it
        return [{"kind": kind, "k": 2, "ceil": g.flag()}]
    kernel[axis] = spatial[axis] + g.ints(0, 2)
    return [{"kind": kind, "k": tuple(kernel), "p": tuple(k // 2 for k in kernel), "ceil": g.flag()}]


EDGE_DRAWS = {"conv": edge_conv, "tconv": edge_tconv, **{kind: edge_pool for kind in POOLS}, "gn": edge_gn,
              "in": edge_in, "dropout": edge_dropout, "zero": edge_zero}


@st.composite
def networks(draw, edges: bool = False):
    start = draw(input_shapes())
    items, _ = Draws(draw, edges).sequence(start, 0, 6)
    return {"input": start, "items": items, "style": draw(st.integers(0, 9))}


# ---------------------------------------------------------------- the tests

@PROPERTY
@given(networks())
def test_valid_networks_match_pytorch(net):
    check_against_torch(net)


@PROPERTY
@given(networks(edges=True))
def test_convcalc_rejects_exactly_what_pytorch_rejects(net):
    check_against_torch(net)


@pytest.mark.parametrize("name", torch_checked_networks())
def test_shipped_examples_export_to_pytorch(name):
    document = load_document(name, None)
    start = input_tensor(document, None, "chw").tensor
    analysis = analyse(document, start, Settings())
    exported = exported_numbers(analysis, document.source, document.label, (start.channels, start.spatial), batch=1)
    ours = convcalc_numbers(analysis)
    assert exported == ours, f"{name}: {first_difference(ours, exported, leaf_rows(analysis.rows))}"
