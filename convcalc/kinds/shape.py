"""Layers that keep or pad the shape: ``id``, ``pad``, activations, dropout."""

from __future__ import annotations

from fractions import Fraction

from ..geometry import AxisStep
from ..records import Record
from ..tensor import Tensor
from .base import Args, Effect, Kind, axis_lines, decimal_text, folded, no_costs, require_spatial, torch_pads


class Elementwise(Record):
    """Shape kept, no parameters, no multiply-adds (torchvision's convention).

    ``value`` is lrelu's negative slope or dropout's probability (None for the others).
    """

    name: str
    torch: str  # its PyTorch module, with "{value}" for the value
    value: Fraction | None
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=tensor)

    def read_as(self) -> str:
        if self.name == "lrelu":
            return f"lrelu slope {decimal_text(self.value)}"
        if self.name == "dropout":
            return f"dropout p{decimal_text(self.value)}"
        return "identity" if self.name == "id" else self.name

    def to_torch(self, tensor: Tensor) -> str:
        return self.torch.format(value=repr(float(self.value)) if self.value is not None else "")

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"{self.name}: shape kept, no parameters, MACs not counted"]


def elementwise(names: tuple[str, ...], torch: str, summary: str, hooked: bool = False, functional: bool = False,
                value: tuple[Fraction, Fraction] | None = None) -> Kind:
    """A shape-keeping kind: an activation, dropout or identity.

    ``hooked``: PyTorch-side counters hook its module type (ptflops' MODULES_MAPPING);
    ``functional``: its forward calls a counted torch.nn.functional (ptflops' FUNCTIONAL_MAPPING).
    ``value``: (default, upper bound) of its one optional number (lrelu0.2, dropout0.5).
    """
    def build(args: Args, tensor: Tensor) -> Elementwise:
        number = args.fraction("", value[0], Fraction(0), value[1]) if value else None
        return Elementwise(names[0], torch, number, args)

    def costs(layer: Elementwise, row) -> dict[str, int]:
        elements = row.output.elements
        return {"activation_elements": elements, "activation_hook_elements": elements if hooked else 0,
                # F.softmax is counted on its input (the same size as its output).
                "activation_functional_elements": row.input.elements if functional else 0}
    return Kind(names, build, costs, sizes=value is not None, summary=summary)


class ZeroPad(Record):
    """``pad2``: zeros added on both sides of every spatial axis (15x15 -> 19x19)."""

    padding: tuple[int, ...]
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(
            output=Tensor(tensor.channels, tuple(n + 2 * p for n, p in zip(tensor.spatial, self.padding))),
            rf=tuple(AxisStep(0, -p, 1) for p in self.padding),
            padding=tuple((p, p) for p in self.padding),
        )

    def read_as(self) -> str:
        return f"zero pad {folded(self.padding)} on both sides"

    def to_torch(self, tensor: Tensor) -> str:
        return f"nn.ZeroPad{tensor.rank}d({torch_pads(tuple((p, p) for p in self.padding))})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return axis_lines([f"{n} + 2*{p} = {n + 2 * p}" for n, p in zip(tensor.spatial, self.padding)], tensor.rank)


def build_pad(args: Args, tensor: Tensor) -> ZeroPad:
    require_spatial(args, tensor)
    return ZeroPad(args.axes("", None, minimum=0), args)


KINDS = (
    elementwise(("relu",), "nn.ReLU()", "relu: activation, shape kept, no parameters", hooked=True, functional=True),
    elementwise(("relu6",), "nn.ReLU6()", "relu6: activation, shape kept, no parameters", hooked=True),
    elementwise(("gelu",), "nn.GELU()", "gelu: activation, shape kept, no parameters", hooked=True, functional=True),
    elementwise(("silu",), "nn.SiLU()", "silu: activation, shape kept, no parameters", functional=True),
    elementwise(("sigmoid",), "nn.Sigmoid()", "sigmoid: activation, shape kept, no parameters"),
    elementwise(("tanh",), "nn.Tanh()", "tanh: activation, shape kept, no parameters"),
    elementwise(("softmax",), "nn.Softmax(dim=1)", "softmax: activation, shape kept, no parameters",
                functional=True),
    elementwise(("hswish", "hardswish"), "nn.Hardswish()", "hswish / hardswish: hard swish activation, no parameters"),
    elementwise(("hsigmoid", "hardsigmoid"), "nn.Hardsigmoid()",
                "hsigmoid / hardsigmoid: hard sigmoid activation, no parameters"),
    elementwise(("lrelu",), "nn.LeakyReLU(negative_slope={value})",
                "lrelu / lrelu0.2: leaky ReLU (negative slope, default 0.01)", hooked=True,
                value=(Fraction(1, 100), Fraction(10**9))),
    elementwise(("dropout", "drop"), "nn.Dropout(p={value})",
                "dropout / dropout0.5 / drop0.5: shape kept, no parameters", value=(Fraction(1, 2), Fraction(1))),
    elementwise(("id",), "nn.Identity()", "id: identity"),
    Kind(("pad",), build_pad, no_costs, sizes=True,
         summary="pad2 / pad1x2: zero padding on both sides (15x15 -> 19x19)"),
)


class ChannelShuffle(Record):
    """``shuffle2``: ShuffleNet's channel shuffle (nn.ChannelShuffle): the channels, read as
    groups x (C/groups), transposed; shape kept, no parameters."""

    groups: int
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        if tensor.channels % self.groups:
            raise self.args.error(f"'{self.args.item.text}': {self.groups} groups do not divide the "
                                  f"{tensor.channels} input channels", "")
        return Effect(output=tensor)

    def read_as(self) -> str:
        return f"channel shuffle into {self.groups} groups"

    def to_torch(self, tensor: Tensor) -> str:
        return f"nn.ChannelShuffle({self.groups})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"channels {tensor.channels} = {self.groups} groups x {tensor.channels // self.groups}, "
                f"transposed to {tensor.channels // self.groups} x {self.groups}: shape kept, no parameters, "
                "MACs not counted"]


def build_shuffle(args: Args, tensor: Tensor) -> ChannelShuffle:
    require_spatial(args, tensor)  # PyTorch's channel_shuffle wants more than 2 dimensions
    return ChannelShuffle(args.scalar("", None, minimum=1), args)


class LayerScale(Record):
    """``scale``: one learnable multiplier per channel (ConvNeXt's layer_scale): C parameters;
    the products are elementwise, so no MACs under torchvision's rule."""

    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=tensor, params=tensor.channels)

    def read_as(self) -> str:
        return "layer scale: one multiplier per channel"

    def to_torch(self, tensor: Tensor) -> str:
        return f"LayerScale({tensor.channels}, {tensor.rank})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"params = {tensor.channels} (one multiplier per channel); shape kept; "
                "MACs not counted (elementwise product)"]


class StochasticDepth(Record):
    """``sd0.1`` / ``droppath0.1``: torchvision.ops.StochasticDepth(p, "row"): in training a whole
    sample's branch is dropped with probability p; identity at inference."""

    p: Fraction
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=tensor)

    def read_as(self) -> str:
        return f"stochastic depth p{decimal_text(self.p)} (identity at inference)"

    def to_torch(self, tensor: Tensor) -> str:
        return f"StochasticDepth({float(self.p)!r})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"stochastic depth p = {decimal_text(self.p)}: identity at inference; shape kept, no parameters"]


def build_depth(args: Args, tensor: Tensor) -> StochasticDepth:
    if not args.has(""):
        raise args.error(f"'{args.item.text}' needs its drop probability, e.g. {args.item.name}0.1")
    return StochasticDepth(args.fraction("", Fraction(0), Fraction(0), Fraction(1)), args)


KINDS += (
    Kind(("shuffle",), build_shuffle, no_costs, sizes=True,
         summary="shuffle2: channel shuffle into 2 groups (ShuffleNet)"),
    Kind(("scale",), lambda args, tensor: LayerScale(args), no_costs,
         summary="scale: layer scale, one learnable multiplier per channel (C parameters)"),
    Kind(("sd", "droppath"), build_depth, no_costs, sizes=True,
         summary="sd0.1 / droppath0.1: stochastic depth (identity at inference)"),
)
