"""Layers that keep or pad the shape: ``id``, ``pad``, activations, dropout."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..geometry import AxisStep
from ..tensor import Tensor
from .base import Args, Effect, Kind, axis_lines, decimal_text, folded, require_spatial, torch_pads


@dataclass(frozen=True)
class Elementwise:
    """Shape kept, no parameters, no multiply-adds (torchvision's convention)."""

    name: str
    args: Args = field(compare=False, repr=False)

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=tensor)

    def read_as(self) -> str:
        if self.name == "lrelu":
            return f"lrelu slope {decimal_text(self.args.fraction('', Fraction(1, 100), 0, 10**9))}"
        if self.name == "dropout":
            return f"dropout p{decimal_text(self.args.fraction('', Fraction(1, 2), 0, 1))}"
        return "identity" if self.name == "id" else self.name

    def to_torch(self, tensor: Tensor) -> str:
        if self.name == "lrelu":
            return f"nn.LeakyReLU(negative_slope={float(self.args.fraction('', Fraction(1, 100), 0, 10**9))!r})"
        if self.name == "dropout":
            return f"nn.Dropout(p={float(self.args.fraction('', Fraction(1, 2), 0, 1))!r})"
        return TORCH_ELEMENTWISE[self.name]

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"{self.name}: shape kept, no parameters, MACs not counted"]


def build_elementwise(args: Args, tensor: Tensor) -> Elementwise:
    return Elementwise(args.item.name, args)


def build_dropout(args: Args, tensor: Tensor) -> Elementwise:
    args.fraction("", Fraction(1, 2), Fraction(0), Fraction(1))
    return Elementwise("dropout", args)


def build_leaky(args: Args, tensor: Tensor) -> Elementwise:
    args.fraction("", Fraction(1, 100), Fraction(0), Fraction(10**9))
    return Elementwise("lrelu", args)


@dataclass(frozen=True)
class ZeroPad:
    """``pad2``: zeros added on both sides of every spatial axis (15x15 -> 19x19)."""

    padding: tuple[int, ...]
    args: Args = field(compare=False, repr=False)

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


TORCH_ELEMENTWISE = {"relu": "nn.ReLU()", "relu6": "nn.ReLU6()", "gelu": "nn.GELU()", "silu": "nn.SiLU()",
                     "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "softmax": "nn.Softmax(dim=1)",
                     "id": "nn.Identity()"}
ACTIVATIONS = ("relu", "relu6", "gelu", "silu", "sigmoid", "tanh", "softmax")
KINDS = {
    **{name: Kind(build_elementwise, summary=f"{name}: activation, shape kept, no parameters") for name in ACTIVATIONS},
    "lrelu": Kind(build_leaky, sizes=True, summary="lrelu / lrelu0.2: leaky ReLU (negative slope, default 0.01)"),
    "dropout": Kind(build_dropout, sizes=True, summary="dropout / dropout0.5: shape kept, no parameters"),
    "drop": Kind(build_dropout, sizes=True, summary="drop0.5: same as dropout0.5"),
    "id": Kind(build_elementwise, summary="id: identity"),
    "pad": Kind(build_pad, sizes=True, summary="pad2 / pad1x2: zero padding on both sides (15x15 -> 19x19)"),
}
