"""What every layer kind shares: its registry entry, reading its options, the effect it reports.

A kind is one registry entry (``Kind``) in one module of this package: its names, option
grammar, summary, build function (options -> a layer object with ``effect``, ``read_as``,
``explain``, ``to_torch``) and its costs by what the counting conventions look at (``COSTS``).
Kinds read a frozen ``Options`` value and raise ``OptionError`` at a position within the
item; the engine turns that into a positioned SpecError. They never see the parser.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from ..geometry import AxisStep, Sliding, Window
from ..records import Record
from ..tensor import AXIS_NAMES, Tensor, format_dims

# Tags that take one value per spatial axis (or one value for all axes).
AXIS_TAGS = ("", "s", "p", "d", "op")
# Marks a layer whose window is the whole input (global pooling, fc).
GLOBAL = "global"
# What a per-axis option is called in the reading warnings.
TAG_WORDS = {"s": "stride", "p": "padding", "d": "dilation", "op": "output padding"}
# Layer kinds whose PyTorch module name (Conv2d) is easily typed as an item: conv2d3x3.
TORCH_MODULES = {"conv": "Conv", "tconv": "ConvTranspose"}

# Every option word the parser knows, declared once:
# tag -> (takes numbers, meaning, default when not written, least value).
# Longer words win over their prefixes ("psame" over "p", "op" over nothing). Words that
# take no number may follow a bare name directly ("inaffine" is "in" + "affine").
OPTION_WORDS = {
    "s": (True, "stride", 1, 1), "p": (True, "padding", 0, 0), "d": (True, "dilation", 1, 1),
    "g": (True, "groups", 1, 1), "x": (True, "output channels (filters, or a depthwise channel multiplier)", None, 1),
    "op": (True, "output padding (transposed conv)", 0, 0), "nb": (False, "no bias", None, None),
    "ceil": (False, "ceil mode (pooling)", None, None), "psame": (False, "'same' padding (TensorFlow)", None, None),
    "pvalid": (False, "no padding", None, None),
    "pfull": (False, "full padding: dilation*(kernel-1) on both sides", None, None),
    "affine": (False, "learnable scale and shift (instance norm)", None, None),
    "nearest": (False, "nearest-neighbour interpolation (up, resize)", None, None),
    "bilinear": (False, "linear interpolation on every axis, align_corners=False (up, resize)", None, None),
    "input": (False, "the network input's size (resizeinput)", None, None),
}
# Words that only one kind reads right after its name: not listed in the unknown-option hint.
NAME_WORDS = ("affine", "input")

# What the counting conventions look at, each a count of operations or elements a layer
# declares in its ``costs`` (conventions.py weighs them per tool).
COSTS = {
    "weight_macs": "multiply-adds of conv / transposed conv / linear weights (torchvision's MACs)",
    "weights_at_outputs": "weight count times output positions (torchinfo's rule for Conv*, and Linear)",
    "bias_adds": "output elements that receive a bias",
    "norm_params": "parameters of a normalisation layer",
    "norm_elements": "elements normalised by a torch.nn norm module (BatchNorm, GroupNorm, InstanceNorm, LayerNorm)",
    "affine_elements": "elements scaled and shifted by a norm module with affine=True",
    "channel_norm_elements": "elements normalised by a layer norm over channels (a LayerNorm subclass in PyTorch)",
    "lrn_elements": "elements of a local response norm",
    "activation_elements": "elements written by an activation, dropout or identity",
    "activation_hook_elements": "activation elements PyTorch-side counters hook by module type "
                                "(ReLU, ReLU6, LeakyReLU, GELU in ptflops)",
    "activation_functional_elements": "activation elements passing a counted torch.nn.functional call "
                                      "(F.relu, F.gelu, F.silu, F.softmax in ptflops)",
    "pool_elements": "input elements a pooling layer reads (padded input when padded explicitly)",
    "upsample_hook_elements": "output elements of an nn.Upsample module (hooked by module type in ptflops)",
    "interpolate_elements": "output elements of a torch.nn.functional.interpolate call (nn.Upsample calls it too)",
}


class Option(Record):
    """One run of numbers in a layer item: the leading sizes (tag "") or an option.
    ``pos`` and ``last_pos`` (where its last number starts) count from the item's start."""

    tag: str
    values: tuple
    pos: int
    last_pos: int


class Options(Record):
    """A layer item as its kind reads it (name, text, a tuple of Option): a frozen value."""

    name: str
    text: str
    args: tuple[Option, ...]


class Context(Record):
    """What a kind with ``context=True`` sees beyond its input: the input tensor of the
    innermost enclosing branch construct (the network input at the top level) and the network input."""

    branch_input: Tensor
    network_input: Tensor


class OptionError(Exception):
    """A kind's complaint about its options, ``at`` a position within the item (0: its start)."""

    def __init__(self, message: str, at: int = 0):
        super().__init__(message)
        self.message = message
        self.at = at


class Effect(Record):
    """What a layer does to one input: the numbers the engine reports for it."""

    output: Tensor
    params: int = 0
    buffers: int = 0
    macs: int = 0
    # Receptive-field move: None = unchanged, GLOBAL, or one AxisStep per axis.
    rf: tuple[AxisStep, ...] | str | None = None
    # The kernel's windows (conv, pooling), one per axis: checked for an integer fit.
    sliding: Sliding | None = None
    # Padding actually used per axis, (low, high); None when the layer has none.
    padding: tuple[tuple[int, int], ...] | None = None
    warnings: tuple[str, ...] = ()

    @property
    def windows(self) -> tuple[Window, ...]:
        return self.sliding.windows if self.sliding is not None else ()


class Kind:
    """A layer kind's registry entry: every stage (parser, engine, conventions, help) reads it.

    ``build(Args, Tensor)`` returns a layer object with ``effect(Tensor) -> Effect``,
    ``read_as()``, ``explain(Tensor, Effect)`` and ``to_torch(Tensor)``;
    ``costs(layer, row)`` returns {cost name in COSTS: count} for what the counting
    conventions look at (a row gives ``input``, ``output``, ``params``, ``macs``, ``padding``).
    With ``context=True`` build is called as ``build(Args, Tensor, Context)``.
    """

    __slots__ = ("names", "build", "costs", "options", "sizes", "channels", "summary", "context")

    def __init__(self, names: tuple[str, ...], build: Callable, costs: Callable, options: str = "",
                 sizes: bool = False, channels: bool = False, summary: str = "", context: bool = False):
        self.context = context  # build also reads the enclosing tensors (bare resize, reshape)
        self.names = names  # the first is the canonical name; the rest are aliases
        self.build = build
        self.costs = costs
        self.options = options  # option tags it accepts, space separated
        self.sizes = sizes  # takes leading numbers (conv3x3, fc10, gn32)
        self.channels = channels  # a trailing number may be its output channel count
        self.summary = summary  # "example: what it is", one line for --help and the README


class Args:
    """A layer item's numbers and options, checked against what its kind accepts.

    Lists are resolved against the input's spatial rank: a tag takes one value or
    one per axis. A channel count may ride on the item's last list as one extra
    trailing value (``conv5x5x6``, ``s1p1x64``, ``p0x3x192``), or be given as an
    ``x`` option after a word option (``psamex64``). In 2-D a last list of two
    values is a per-axis kernel (``conv1x7``) but an option plus channels
    (``p1x64``), the way networks are written.
    """

    def __init__(self, item: Options, rank: int, kind: Kind):
        self.item = item
        self.rank = rank
        self.by_tag: dict[str, Option] = {}
        allowed = kind.options.split() + ([""] if kind.sizes else [])
        for arg in item.args:
            if arg.tag not in allowed:
                what = "numbers" if arg.tag == "" else f"option '{arg.tag}'"
                accepted = f"options {', '.join(kind.options.split())}" if kind.options else "no options"
                raise OptionError(f"'{item.name}' takes no {what} ({accepted})", arg.pos)
            if arg.tag in self.by_tag:
                raise OptionError(f"option '{arg.tag}' given twice in '{item.text}'", arg.pos)
            self.by_tag[arg.tag] = arg
        self.values: dict[str, tuple] = {arg.tag: arg.values for arg in item.args}
        self.read: dict = {}  # what remember() worked out, by key (axes(): (tag, default, minimum))
        self.channels: int | None = None
        # How the item could also have been read: warnings for its row.
        self.notes: list[str] = []
        if kind.channels:
            self.split_channels()
            self.note_torch_name()

    def split_channels(self) -> None:
        if "x" in self.values:
            self.channels = self.whole("x", self.values["x"][0], minimum=1, label=self.channel_label(),
                                       at=self.by_tag["x"].last_pos)
            if len(self.values["x"]) > 1:
                raise OptionError("a channel count is one number", self.by_tag["x"].pos)
            return
        numeric = [arg for arg in self.item.args if arg.values]
        if not numeric:
            return
        last = numeric[-1]
        count = len(last.values)
        if last.tag in AXIS_TAGS:
            trailing = count == self.rank + 1 or (count == 2 and (last.tag != "" or self.rank != 2))
        else:
            trailing = count == 2
        if trailing:
            self.channels = self.whole(last.tag, last.values[-1], minimum=1, label=self.channel_label(),
                                       at=last.last_pos)
            self.values[last.tag] = last.values[:-1]
            if last.tag in TAG_WORDS:
                self.note_tie_break(last)

    def channel_label(self) -> str:
        return "the channel multiplier" if self.item.name == "dw" else "the filter count"

    def note_tie_break(self, last: Option) -> None:
        """Warn when the last list, read as option + filters, also reads plausibly another way.

        Plausible means no larger than the kernel on that axis (a padding or stride
        beyond the kernel skips or invents whole windows). Only in 2-D can two numbers
        be either one value + filters or one value per axis; a 1-D or 3-D list of two
        numbers is always one value + filters, of rank + 1 numbers always per-axis + filters.
        """
        kernel = self.values.get("", ())
        if not kernel or not all(isinstance(k, int) for k in kernel):
            return
        kernel = kernel * self.rank if len(kernel) == 1 else kernel
        word, values = TAG_WORDS[last.tag], last.values
        dw = self.item.name == "dw"
        count = f"channel multiplier {self.channels}" if dw else f"{self.channels} filter{'s' * (self.channels != 1)}"
        written = "x".join(map(str, values))
        if self.rank == 2 and len(values) == 2 and values[1] <= self.plausible_limit(last.tag, kernel[1]):
            other = self.canonical(last, f"{written}x<{'multiplier' if dw else 'filters'}>")
            self.notes.append(f"read '{last.tag}{written}' as {word} {values[0]} + {count}; "
                              f"for {word} {written} (H x W) write {other}")
        elif self.rank == 2 and len(values) == 3 and values[1] > kernel[1]:
            other = self.canonical(last, f"{values[0]}x{values[1]}")
            meant = f"channel multiplier {values[1]}" if dw else f"{values[1]} filters"
            self.notes.append(f"read '{last.tag}{written}' as {word} {values[0]}x{values[1]} (H x W) + {count}, "
                              f"but {word} {values[1]} on W is larger than the kernel ({kernel[1]}); "
                              f"for {word} {values[0]} and {meant} write {other}")

    def plausible_limit(self, tag: str, kernel: int) -> int:
        """The largest plausible value of ``tag`` on W: the kernel, or for output padding
        what PyTorch allows (below the stride or the dilation)."""
        if tag != "op":
            return kernel
        stride, dilation = (self.values.get(t, (1,))[-1] for t in ("s", "d"))
        return max(stride, dilation) - 1

    def canonical(self, changed: Option, written: str) -> str:
        """The item written out again, with ``changed``'s numbers replaced by ``written``."""
        return self.item.name + "".join(f"{arg.tag}{written}" if arg is changed else arg_text(arg)
                                        for arg in self.item.args)

    def note_torch_name(self) -> None:
        """``conv2d3x3`` reads as kernel 2 + dilation 3x3; say so, and how to write a 3x3 kernel.

        Only where the digit is the input's rank: PyTorch's Conv2d is then a plausible
        meaning, while ``conv3d2`` on a 2-D input can only mean kernel 3, dilation 2.
        """
        args = self.item.args
        if (self.item.name in TORCH_MODULES and len(args) > 1 and args[0].tag == "" and args[0].values == (self.rank,)
                and args[1].tag == "d" and args[1].pos == args[0].pos + 1):
            dilation = "x".join(map(str, self.values["d"]))
            meant = self.item.name + "".join(map(arg_text, args[1:]))[len("d"):]
            self.notes.append(f"'{self.item.name}{self.rank}d{dilation}' was read as kernel {self.rank} with dilation "
                              f"{dilation}, not as PyTorch's {TORCH_MODULES[self.item.name]}{self.rank}d: for kernel "
                              f"{dilation} write {meant} (the input's rank sets 1-D, 2-D or 3-D)")

    def has(self, tag: str) -> bool:
        return tag in self.by_tag

    def pos(self, tag: str) -> int:
        return self.by_tag[tag].pos if tag in self.by_tag else 0

    def error(self, message: str, tag: str | None = None) -> OptionError:
        """An error at ``tag``'s option (at the item's start when absent or None)."""
        return OptionError(message, self.pos(tag) if tag is not None else 0)

    def whole(self, tag: str, value, minimum: int, label: str | None = None, at: int | None = None) -> int:
        """``value`` as an int; an error at ``at`` (else at ``tag``) when it is not whole or below ``minimum``."""
        label = label or ("the size" if tag == "" else f"'{tag}'")
        if isinstance(value, Fraction) and value.denominator != 1:
            raise self.blame(f"{label} must be a whole number in '{self.item.text}', got {decimal_text(value)}",
                             tag, at)
        value = int(value)
        if value < minimum:
            raise self.blame(f"{label} must be at least {minimum} in '{self.item.text}', got {value}", tag, at)
        return value

    def blame(self, message: str, tag: str, at: int | None) -> OptionError:
        return OptionError(message, at) if at is not None else self.error(message, tag)

    def axes(self, tag: str, default: int | tuple[int, ...] | None, minimum: int) -> tuple[int, ...]:
        """One whole number per spatial axis from ``tag`` (broadcast from a single value).

        Read once per Args: the engine keeps an item's Args for every input it meets (the fit
        search builds each layer at dozens of inputs), and the answer depends on the text only."""
        return self.remember((tag, default, minimum), lambda: self.checked_axes(tag, default, minimum))

    def remember(self, key, compute: Callable):
        """``compute()``, once per Args: for what a kind reads of the item's text alone."""
        read = self.read
        if key in read:
            return read[key]
        value = read[key] = compute()
        return value

    def checked_axes(self, tag: str, default: int | tuple[int, ...] | None, minimum: int) -> tuple[int, ...]:
        if tag not in self.values:
            if default is None:
                raise self.error(f"'{self.item.name}' needs a size, e.g. {self.item.name}3")
            return default if isinstance(default, tuple) else (default,) * self.rank
        values = self.values[tag]
        if len(values) not in (1, self.rank):
            label = "size" if tag == "" else f"'{tag}'"
            hint = " (a channel count goes on the item's last list, e.g. 'conv3x3s2x64')" \
                if len(values) == self.rank + 1 else ""
            counts = "1 value" if self.rank == 1 else f"1 or {self.rank} values"
            raise self.error(f"{label} takes {counts} for a {self.rank}-D input, got {len(values)} "
                             f"in '{self.item.text}'{hint}", tag)
        numbers = tuple(self.whole(tag, v, minimum) for v in values)
        return numbers * self.rank if len(numbers) == 1 else numbers

    def option(self, tag: str) -> tuple[int, ...]:
        """Option ``tag`` per spatial axis, with its default and least value from OPTION_WORDS."""
        return self.axes(tag, *OPTION_WORDS[tag][2:])

    def scalar(self, tag: str, default, minimum: int) -> int:
        if tag not in self.values:
            if default is None:
                raise self.error(f"'{self.item.name}' needs a number, e.g. {self.item.name}32")
            return default
        values = self.values[tag]
        if len(values) != 1:
            raise self.error(f"'{tag or self.item.name}' takes one number in '{self.item.text}'", tag)
        return self.whole(tag, values[0], minimum)

    def fraction(self, tag: str, default: Fraction, low: Fraction, high: Fraction) -> Fraction:
        if tag not in self.values:
            return default
        values = self.values[tag]
        if len(values) != 1 or not low <= Fraction(values[0]) <= high:
            raise self.error(f"'{self.item.name}' takes one number from {low} to {high}, got '{self.item.text}'", tag)
        return Fraction(values[0])


def decimal_text(value: Fraction) -> str:
    """A decimal as written (0.01, not 1/100): spec numbers are decimals, so the expansion ends."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(value * 10**places).rjust(places + 1, "0")
    return f"{digits[:-places]}.{digits[-places:]}" if places else digits


def arg_text(arg: Option) -> str:
    """An option written back: ``p1x64``, ``nb``."""
    return arg.tag + "x".join(map(str, arg.values))


def require_spatial(args: Args, tensor: Tensor) -> None:
    if not tensor.spatial:
        raise args.error(
            f"'{args.item.text}' needs a spatial input, but its input is a flat vector of {tensor.channels}")


def product(values) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def check_windows(args: Args, tensor: Tensor, sliding: Sliding) -> tuple[int, ...]:
    """Output sizes of the windows; an error naming the numbers when one is below 1."""
    outputs = sliding.outputs
    if min(outputs) >= 1:
        return outputs
    for window, size in zip(sliding.windows, outputs):
        if size < 1:
            raise args.error(
                f"'{args.item.text}' does not fit its {format_dims(tensor.spatial)} input: "
                f"{window.formula()} = {size} < 1 (kernel span {window.span} > padded size "
                f"{window.size + window.pad_low + window.pad_high})")
    return outputs


def axis_lines(texts: list[str], rank: int) -> list[str]:
    """``H' = ...`` per spatial axis, folded into one line when every axis reads the same."""
    names = AXIS_NAMES.get(rank, ())
    if len(set(texts)) == 1 and texts:
        others = ", ".join(f"{n}'" for n in names[1:])
        return [f"{names[0]}' = {texts[0]}" + (f" ({others} the same)" if others else "")]
    return [f"{name}' = {text}" for name, text in zip(names, texts)]


def folded(values) -> str:
    """Per-axis numbers for a reading: ``3`` when every axis agrees, else ``5x3``."""
    values = tuple(values)
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def padding_text(padding: tuple[tuple[int, int], ...]) -> str:
    """``1``, ``2x1``, or ``0+1`` (before + after) for an asymmetric axis, folded like ``folded``."""
    return folded(str(lo) if lo == hi else f"{lo}+{hi}" for lo, hi in padding)


def times(values) -> str:
    return "*".join(str(v) for v in values)


def no_costs(layer, row) -> dict[str, int]:
    """Moves, pads or reshapes values only: nothing any convention counts."""
    return {}


def weight_costs(layer, row) -> dict[str, int]:
    """Conv, transposed conv and linear: weight multiply-adds, weights at output positions, bias adds.
    (A transposed conv's weights are counted at its output positions, as torchinfo does.)"""
    bias = row.output.channels if layer.bias else 0
    return {"weight_macs": row.macs, "weights_at_outputs": (row.params - bias) * product(row.output.spatial),
            "bias_adds": row.output.elements if layer.bias else 0}


class NoTorchTwin(Exception):
    """A layer that PyTorch has no module for; the exporter reports it as an error."""


def torch_pads(padding: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """(low, high) per axis -> PyTorch's pad order: last axis first."""
    return tuple(p for low, high in reversed(padding) for p in (low, high))


def symmetric(padding: tuple[tuple[int, int], ...]) -> bool:
    return all(low == high for low, high in padding)
