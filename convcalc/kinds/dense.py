"""Layers that see the whole input: ``fc``/``linear`` and ``flatten``."""

from __future__ import annotations

from ..records import Record
from ..tensor import Tensor
from .base import GLOBAL, Args, Effect, Kind, no_costs, weight_costs


class Linear(Record):
    """Fully connected; flattens its input first (C*H*W features)."""

    out_features: int
    bias: bool
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        features = tensor.elements
        return Effect(
            output=Tensor(self.out_features, ()),
            params=features * self.out_features + (self.out_features if self.bias else 0),
            macs=features * self.out_features,
            rf=GLOBAL,
        )

    def read_as(self) -> str:
        return f"fc -> {self.out_features} outputs, {'bias' if self.bias else 'no bias'}"

    def to_torch(self, tensor: Tensor) -> str:
        linear = f"nn.Linear({tensor.elements}, {self.out_features}, bias={self.bias})"
        return f"nn.Sequential(nn.Flatten(), {linear})" if tensor.spatial else linear

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        features = tensor.elements
        bias = f" + {self.out_features}" if self.bias else ""
        lines = [f"inputs = {'*'.join(str(d) for d in (tensor.channels, *tensor.spatial))} = {features:,} (flattened)"] \
            if tensor.spatial else []
        return [*lines, f"params = {features}*{self.out_features}{bias} = {effect.params:,}",
                f"MACs = {features}*{self.out_features} = {effect.macs:,}"]


def build_linear(args: Args, tensor: Tensor) -> Linear:
    if not args.has(""):
        raise args.error(f"'{args.item.text}' needs its number of outputs, e.g. {args.item.name}10")
    return Linear(args.scalar("", None, minimum=1), not args.has("nb"), args)


class Flatten(Record):
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=Tensor(tensor.elements, ()))

    def read_as(self) -> str:
        return "flatten"

    def to_torch(self, tensor: Tensor) -> str:
        return "nn.Flatten()"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"outputs = {'*'.join(str(d) for d in (tensor.channels, *tensor.spatial))} = {tensor.elements:,}"]


KINDS = (
    Kind(("fc", "linear", "dense"), build_linear, weight_costs, "nb", sizes=True,
         summary="fc4096 / linear10 / dense10: fully connected (flattens first; nb = no bias)"),
    Kind(("flatten",), lambda args, tensor: Flatten(args), no_costs, summary="flatten: reshape to a vector"),
)
