"""Layers that change the spatial size without weights: ``up`` (upsample by a scale), ``resize``
(to a size), ``crop`` (centre crop) and ``reshape``.

Receptive field: upsampling and resizing divide the jump by the scale (in/out sizes per axis),
like a transposed convolution, and leave the field's size and centre as they are (nearest or
linear interpolation is not counted as growth); a crop moves the field's start by its offset;
a reshape mixes positions, so its output sees the whole input (like fc).
"""

from __future__ import annotations

from ..geometry import AxisStep, ratio
from ..records import Record
from ..tensor import Tensor, format_dims
from .base import GLOBAL, Args, Context, Effect, Kind, axis_lines, folded, no_costs, product, require_spatial

# PyTorch's name of linear interpolation, by spatial rank.
LINEAR_MODES = {1: "linear", 2: "bilinear", 3: "trilinear"}


def interpolation(args: Args, default: str) -> str:
    if args.has("nearest") and args.has("bilinear"):
        raise args.error(f"'{args.item.text}': choose one of 'nearest' and 'bilinear'", "bilinear")
    return "bilinear" if args.has("bilinear") else "nearest" if args.has("nearest") else default


def torch_mode(mode: str, rank: int) -> str:
    return f'mode="{LINEAR_MODES[rank]}", align_corners=False' if mode == "bilinear" else 'mode="nearest"'


def mode_text(mode: str, rank: int) -> str:
    return "nearest" if mode == "nearest" else f"{LINEAR_MODES[rank]} (align_corners=False)"


class Upsample(Record):
    """``up2``, ``up2bilinear``, ``up2x1``: nn.Upsample by a whole scale factor per axis."""

    scale: tuple[int, ...]
    mode: str
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=Tensor(tensor.channels, tuple(n * s for n, s in zip(tensor.spatial, self.scale))),
                      rf=tuple(AxisStep(0, 0, ratio(1, s)) for s in self.scale))

    def read_as(self) -> str:
        return f"upsample x{folded(self.scale)}, {mode_text(self.mode, len(self.scale))}"

    def to_torch(self, tensor: Tensor) -> str:
        factor = tuple(float(s) for s in self.scale) if len(set(self.scale)) > 1 else float(self.scale[0])
        return f"nn.Upsample(scale_factor={factor!r}, {torch_mode(self.mode, tensor.rank)})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [*axis_lines([f"{n}*{s} = {n * s}" for n, s in zip(tensor.spatial, self.scale)], tensor.rank),
                f"{mode_text(self.mode, tensor.rank)} upsampling: no parameters, MACs not counted"]


def build_up(args: Args, tensor: Tensor) -> Upsample:
    require_spatial(args, tensor)
    if not args.has(""):
        raise args.error(f"'{args.item.text}' needs a scale factor, e.g. up2 (or up2x1 per axis)")
    return Upsample(args.axes("", None, minimum=1), interpolation(args, "nearest"), args)


class Resize(Record):
    """``resize28x28``, ``resize`` (to the enclosing branch construct's input size), ``resizeinput``
    (to the network input's size): F.interpolate(size=...), bilinear unless ``nearest``."""

    size: tuple[int, ...]
    mode: str
    target: str  # "" (written), "branch" or "input": where the size came from
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        return Effect(output=Tensor(tensor.channels, self.size),
                      rf=tuple(AxisStep(0, 0, ratio(n, m)) for n, m in zip(tensor.spatial, self.size)))

    def read_as(self) -> str:
        where = {"": "", "branch": " (the enclosing block's input size)", "input": " (the network input's size)"}
        return f"resize to {format_dims(self.size)}{where[self.target]}, {mode_text(self.mode, len(self.size))}"

    def to_torch(self, tensor: Tensor) -> str:
        return f'Resize({self.size}, "{LINEAR_MODES[tensor.rank] if self.mode == "bilinear" else "nearest"}")'

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        source = {"": "as written", "branch": "the input size of the enclosing res/cat/mul/split/side/aux "
                  "(the network input at the top level)", "input": "the network input's size"}[self.target]
        return [f"size {format_dims(tensor.spatial)} -> {format_dims(self.size)} ({source})",
                f"{mode_text(self.mode, tensor.rank)} interpolation: no parameters, MACs not counted"]


def build_resize(args: Args, tensor: Tensor, context: Context) -> Resize:
    require_spatial(args, tensor)
    mode = interpolation(args, "bilinear")
    if args.has(""):
        if args.has("input"):
            raise args.error(f"'{args.item.text}': give a size or 'input', not both", "input")
        return Resize(args.axes("", None, minimum=1), mode, "", args)
    target, what = (context.network_input, "the network input") if args.has("input") else \
        (context.branch_input, "the enclosing block's input")
    if target.rank != tensor.rank:
        raise args.error(f"'{args.item.text}' resizes to {what}, {format_dims(target.dims('chw'))}, "
                         f"which has no {tensor.rank}-D size for its {format_dims(tensor.dims('chw'))} input")
    return Resize(target.spatial, mode, "input" if args.has("input") else "branch", args)


class CenterCrop(Record):
    """``crop28x28``: the centre H x W of the input (U-Net's skips); the offset on each axis is
    (size - crop) // 2, the extra position of an odd difference cut at the end."""

    size: tuple[int, ...]
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        if any(c > n for c, n in zip(self.size, tensor.spatial)):
            raise self.args.error(f"'{self.args.item.text}' is larger than its input: crop "
                                  f"{format_dims(self.size)} from {format_dims(tensor.spatial)}", "")
        return Effect(output=Tensor(tensor.channels, self.size),
                      rf=tuple(AxisStep(0, (n - c) // 2, 1) for n, c in zip(tensor.spatial, self.size)))

    def read_as(self) -> str:
        return f"centre crop to {format_dims(self.size)}"

    def to_torch(self, tensor: Tensor) -> str:
        return f"CenterCrop({self.size})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [*axis_lines([f"{c} (from {n}, offset ({n}-{c})//2 = {(n - c) // 2})"
                             for n, c in zip(tensor.spatial, self.size)], tensor.rank),
                "crop: no parameters, MACs not counted; the field's start moves by the offset"]


def build_crop(args: Args, tensor: Tensor) -> CenterCrop:
    require_spatial(args, tensor)
    if not args.has(""):
        raise args.error(f"'{args.item.text}' needs the size to crop to, e.g. crop28x28")
    return CenterCrop(args.axes("", None, minimum=1), args)


class Reshape(Record):
    """``reshape256x7x7``: the same elements in a new shape (C, then spatial sizes; one number: a
    flat vector). Every output position may hold any input value: the field is the whole input."""

    shape: tuple[int, ...]
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        wanted = product(self.shape)
        shape = f" ({'*'.join(map(str, self.shape))})" if len(self.shape) > 1 else ""
        if wanted != tensor.elements:
            raise self.args.error(f"'{self.args.item.text}' needs {wanted:,} elements{shape}"
                                  f", but its {format_dims(tensor.dims('chw'))} input has {tensor.elements:,}", "")
        return Effect(output=Tensor(self.shape[0], self.shape[1:]), rf=GLOBAL)

    def read_as(self) -> str:
        return f"reshape to {format_dims(self.shape)}"

    def to_torch(self, tensor: Tensor) -> str:
        if len(self.shape) == 1:
            return "nn.Flatten()"
        return f"nn.Sequential(nn.Flatten(), nn.Unflatten(1, {self.shape}))"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"elements = {'*'.join(map(str, tensor.dims('chw')))} = {'*'.join(map(str, self.shape))} = "
                f"{tensor.elements:,}; no parameters, MACs not counted",
                "every output position may hold any input value: the receptive field is the whole input"]


def build_reshape(args: Args, tensor: Tensor, context: Context) -> Reshape:
    if not args.has(""):
        raise args.error(f"'{args.item.text}' needs a shape, e.g. reshape256x7x7")
    shape = tuple(args.whole("", v, minimum=1) for v in args.values[""])
    rank = context.network_input.rank
    if len(shape) - 1 not in (0, rank):
        raise args.error(f"'{args.item.text}' gives {len(shape) - 1} spatial sizes; in a {rank}-D network a shape "
                         f"is C (a flat vector) or C and {rank} sizes")
    return Reshape(shape, args)


def resample_costs(hooked: bool):
    def costs(layer, row) -> dict[str, int]:
        return {"interpolate_elements": row.output.elements,
                "upsample_hook_elements": row.output.elements if hooked else 0}
    return costs


KINDS = (
    Kind(("up",), build_up, resample_costs(True), "nearest bilinear", sizes=True,
         summary="up2 / up2bilinear / up2x1: upsample by a scale factor (nearest by default)"),
    Kind(("resize",), build_resize, resample_costs(False), "nearest bilinear input", sizes=True, context=True,
         summary="resize28x28 / resize / resizeinput: resize, bilinear (bare: to the enclosing block's input)"),
    Kind(("crop",), build_crop, no_costs, sizes=True, summary="crop28x28: centre crop"),
    Kind(("reshape",), build_reshape, no_costs, sizes=True, context=True,
         summary="reshape256x7x7: reshape (the element count must match)"),
)
