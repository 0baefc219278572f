"""Normalisation: ``bn``, ``ln``, ``gn<G>``, ``in``, ``lrn``; parameters as PyTorch counts them."""

from __future__ import annotations

from ..records import Record
from ..tensor import Tensor
from .base import Args, Effect, Kind, require_spatial


class Norm(Record):
    """``affine`` scale and shift are 2C parameters; running mean and variance 2C buffers.

    PyTorch also keeps a one-number ``num_batches_tracked`` counter per BatchNorm;
    it is not a statistic of the data and is not counted here.
    """

    name: str
    affine: bool
    running_stats: bool
    groups: int  # gn's groups; lrn's size
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        if self.name == "gn" and tensor.channels % self.groups:
            raise self.args.error(
                f"'{self.args.item.text}' needs channels divisible by {self.groups}, but its input has {tensor.channels}")
        return Effect(
            output=tensor,
            params=2 * tensor.channels if self.affine else 0,
            buffers=2 * tensor.channels if self.running_stats else 0,
        )

    def read_as(self) -> str:
        if self.name == "lrn":
            return f"local response norm, size {self.groups}"
        groups = f", {self.groups} groups" if self.name == "gn" else ""
        stats = ", running stats" if self.running_stats else ""
        return f"{NORM_NAMES[self.name]}{groups}, {'affine' if self.affine else 'no affine'}{stats}"

    def to_torch(self, tensor: Tensor) -> str:
        c, rank = tensor.channels, max(tensor.rank, 1)
        if self.name == "bn":
            return f"nn.BatchNorm{rank}d({c})"
        if self.name == "gn":
            return f"nn.GroupNorm({self.groups}, {c})"
        if self.name == "in":
            return f"nn.InstanceNorm{rank}d({c}, affine={self.affine})"
        if self.name == "lrn":
            return f"nn.LocalResponseNorm({self.groups})"
        # Layer norm over channels at every position (ConvNeXt's LayerNorm2d).
        return f"nn.LayerNorm({c})" if not tensor.spatial else f"ChannelLayerNorm({c})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        c = tensor.channels
        lines = [f"params = 2*{c} = {effect.params:,} (scale and shift per channel)" if self.affine
                 else "params = 0 (no affine scale and shift)"]
        if self.running_stats:
            lines.append(f"buffers = 2*{c} = {effect.buffers:,} (running mean and variance, not trained)")
        return [*lines, "MACs not counted (torchvision convention)"]


# Keras's and PyTorch's names for batch norm, read as bn.
NORM_ALIASES = {"batchnorm": "bn", "batchnormalization": "bn"}


def build_norm(args: Args, tensor: Tensor) -> Norm:
    name = NORM_ALIASES.get(args.item.name, args.item.name)
    if name in ("in", "lrn"):
        # PyTorch's InstanceNorm and LocalResponseNorm need spatial axes.
        require_spatial(args, tensor)
    if name == "in" and tensor.elements == tensor.channels:
        # Statistics over a single position are undefined; PyTorch refuses them.
        raise args.error(f"'{args.item.text}' needs more than one spatial position to normalise over, "
                         f"but its input is {'x'.join(map(str, tensor.dims('chw')))}")
    if name == "gn":
        return Norm(name, True, False, args.scalar("", None, minimum=1), args)
    if name == "in":
        # PyTorch's InstanceNorm defaults to affine=False; "inaffine" turns it on.
        return Norm(name, args.has("affine"), False, 1, args)
    if name == "lrn":
        return Norm(name, False, False, args.scalar("", LRN_SIZE, minimum=1), args)
    return Norm(name, True, name == "bn", 1, args)


def norm_costs(layer: Norm, row) -> dict[str, int]:
    """A torch.nn norm module: its elements, again when it has ``affine=True`` (nn.LayerNorm has
    ``elementwise_affine`` instead, so a layer norm on a flat vector counts once)."""
    elements = row.input.elements
    return {"norm_params": row.params, "norm_elements": elements,
            "affine_elements": elements if layer.affine and layer.name != "ln" else 0}


def layer_norm_costs(layer: Norm, row) -> dict[str, int]:
    if row.input.spatial:
        # Over channels at every position: ChannelLayerNorm (ConvNeXt's LayerNorm2d), a subclass.
        return {"norm_params": row.params, "channel_norm_elements": row.input.elements}
    return norm_costs(layer, row)


def lrn_costs(layer: Norm, row) -> dict[str, int]:
    return {"norm_params": row.params, "lrn_elements": row.input.elements}


LRN_SIZE = 5  # PyTorch has no default; AlexNet's
NORM_NAMES = {"bn": "batch norm", "ln": "layer norm over channels", "gn": "group norm", "in": "instance norm"}
KINDS = (
    Kind(("bn", *NORM_ALIASES), build_norm, norm_costs, summary="bn: batch norm (2C parameters, 2C running-stat buffers; batchnorm, batchnormalization)"),
    Kind(("ln",), build_norm, layer_norm_costs, summary="ln: layer norm over channels (2C parameters)"),
    Kind(("gn",), build_norm, norm_costs, sizes=True, summary="gn32: group norm with 32 groups (2C parameters)"),
    Kind(("in",), build_norm, norm_costs, "affine",
         summary="in / inaffine: instance norm (PyTorch default: no parameters)"),
    Kind(("lrn",), build_norm, lrn_costs, sizes=True,
         summary="lrn / lrn5: local response norm (size 5), no parameters"),
)
