"""Pooling: sliding (``pool``, ``maxpool``, ``avgpool``), global (``gap``, ``gmp``), adaptive (``aap``, ``amp``)."""

from __future__ import annotations

from math import gcd

from ..geometry import AxisStep, ratio, slide
from ..records import Record
from ..tensor import Tensor, format_dims
from .base import (GLOBAL, Args, Effect, Kind, NoTorchTwin, axis_lines, check_windows, folded, padding_text, product,
                   require_spatial, symmetric, torch_pads)
from .conv import resolve_padding


class Pool(Record):
    """Max or average pooling; stride defaults to the kernel, ``ceil`` rounds up like PyTorch."""

    mode: str  # "max" or "avg"
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    ceil: bool
    args: Args

    @classmethod
    def build(cls, args: Args, tensor: Tensor, mode: str) -> "Pool":
        require_spatial(args, tensor)
        kernel = args.axes("", None, minimum=1)
        stride = args.axes("s", kernel, minimum=1)  # pooling's stride defaults to its kernel
        dilation = args.option("d")
        padding = resolve_padding(args, tensor, kernel, stride, dilation)
        if not args.has("psame"):
            # PyTorch rejects padding beyond half the kernel (not the dilated window; torch 2.13).
            for (pad, _), k in zip(padding, kernel):
                limit = k // 2
                if pad > limit:
                    raise args.error(
                        f"padding p{pad} must be at most half the pooling window ({limit}) in '{args.item.text}'", "p")
        if mode == "avg" and tensor.rank == 3 and any(n < k for n, k in zip(tensor.spatial, kernel)):
            # PyTorch's 3-D average pooling (only it) refuses an unpadded input smaller than the kernel.
            raise args.error(f"'{args.item.text}': 3-D average pooling needs every input size to be at least the "
                             f"kernel, but the input is {'x'.join(map(str, tensor.spatial))}")
        return cls(mode, kernel, stride, padding, dilation, args.has("ceil"), args)

    def effect(self, tensor: Tensor) -> Effect:
        sliding = slide(tensor.spatial, self.kernel, self.stride, self.padding, self.dilation, self.ceil)
        out_spatial = check_windows(self.args, tensor, sliding)
        return Effect(
            output=Tensor(tensor.channels, out_spatial),
            rf=sliding.steps,
            sliding=sliding,
            padding=self.padding,
        )

    def read_as(self) -> str:
        # Average pooling takes no dilation, so its reading has none.
        dilation = f" d{folded(self.dilation)}" if self.mode == "max" else ""
        return (f"{self.mode}pool k{folded(self.kernel)} s{folded(self.stride)} p{padding_text(self.padding)}"
                f"{dilation}, {'ceil' if self.ceil else 'floor'}")

    def to_torch(self, tensor: Tensor) -> str:
        rank = tensor.rank
        # PyTorch pools pad symmetrically and at most half the kernel; other 'same' paddings are explicit.
        inline = symmetric(self.padding) and all(lo <= k // 2 for (lo, _), k in zip(self.padding, self.kernel))
        pads = tuple(lo for lo, _ in self.padding) if inline else (0,) * rank
        if self.mode == "max":
            pool = (f"nn.MaxPool{rank}d(kernel_size={self.kernel}, stride={self.stride}, padding={pads}, "
                    f"dilation={self.dilation}, ceil_mode={self.ceil})")
        else:
            # TensorFlow's 'same' average leaves the padding out of the count; plain padding counts it.
            include = not self.args.has("psame")
            pool = (f"nn.AvgPool{rank}d(kernel_size={self.kernel}, stride={self.stride}, padding={pads}, "
                    f"ceil_mode={self.ceil}, count_include_pad={include})")
        if inline:
            return pool
        if self.mode == "avg":
            raise NoTorchTwin("'same' average pooling whose padding PyTorch's AvgPool cannot hold "
                              "(asymmetric or over half the kernel), with the padding left out of the count")
        return f'nn.Sequential(nn.ConstantPad{rank}d({torch_pads(self.padding)}, float("-inf")), {pool})'

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [*axis_lines([w.explain() for w in effect.windows], tensor.rank),
                f"{self.mode} pooling: no parameters; MACs not counted (torchvision convention)"]


class GlobalPool(Record):
    mode: str
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        require_spatial(self.args, tensor)
        return Effect(output=Tensor(tensor.channels, (1,) * tensor.rank), rf=GLOBAL)

    def read_as(self) -> str:
        return f"global {self.mode} pool -> 1 per axis"

    def to_torch(self, tensor: Tensor) -> str:
        return f"nn.Adaptive{self.mode.capitalize()}Pool{tensor.rank}d(1)"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        return [f"global {self.mode} pooling over {format_dims(tensor.spatial)} -> {format_dims(effect.output.spatial)}; "
                "no parameters, MACs not counted"]


class AdaptivePool(Record):
    """PyTorch's adaptive pooling: window i spans floor(iW/O) .. ceil((i+1)W/O)."""

    mode: str
    output_size: tuple[int, ...]
    args: Args

    def effect(self, tensor: Tensor) -> Effect:
        require_spatial(self.args, tensor)
        steps, warnings = [], set()
        for size, out in zip(tensor.spatial, self.output_size):
            widths = adaptive_widths(size, out)
            steps.append(AxisStep(widths[-1] - 1, ratio(widths[0] - 1, 2), ratio(size, out)))
            if out > size:
                warnings.add(f"adaptive pooling {size} -> {out} enlarges: its windows repeat input positions")
            elif size % out:
                warnings.add(f"adaptive pooling {size} -> {out}: windows {' or '.join(str(w) for w in widths)} "
                             f"wide at a stride of {size}/{out}, so they overlap unevenly")
        return Effect(output=Tensor(tensor.channels, self.output_size), rf=tuple(steps), warnings=tuple(sorted(warnings)))

    def read_as(self) -> str:
        return f"adaptive {self.mode} pool -> {folded(self.output_size)}"

    def to_torch(self, tensor: Tensor) -> str:
        return f"nn.Adaptive{self.mode.capitalize()}Pool{tensor.rank}d({self.output_size})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        sizes = [f"{out} (window i spans floor(i*{n}/{out}) .. ceil((i+1)*{n}/{out}))"
                 for n, out in zip(tensor.spatial, self.output_size)]
        return [*axis_lines(sizes, tensor.rank), "adaptive pooling: no parameters, MACs not counted"]


def adaptive_widths(size: int, out: int) -> list[int]:
    """The distinct window widths of adaptive pooling, first window's first, in closed form.

    Window i spans floor(iW/O) .. ceil((i+1)W/O), so its width is q + ceil((a + r)/O)
    with W = qO + r and a = iW mod O, which takes the values 0, g, 2g, .., O - g
    (g = gcd(W, O)): width q when r = 0, else q + 1, and also q + 2 when r > g.
    """
    q, r = divmod(size, out)
    if r == 0:
        return [q]
    return [q + 1] if r == gcd(size, out) else [q + 1, q + 2]


def build_pool(mode: str):
    return lambda args, tensor: Pool.build(args, tensor, mode)


def build_global(mode: str):
    return lambda args, tensor: GlobalPool(mode, args)


def build_adaptive(mode: str):
    def build(args: Args, tensor: Tensor) -> AdaptivePool:
        require_spatial(args, tensor)
        return AdaptivePool(mode, args.axes("", None, minimum=1), args)
    return build


def pool_costs(layer, row) -> dict[str, int]:
    """The input elements it reads; an asymmetric 'same' padding is an explicit pad before it in
    PyTorch, so the pool reads the padded input."""
    padding = row.padding or ()
    if padding and any(lo != hi for lo, hi in padding):
        return {"pool_elements": row.input.channels * product(n + lo + hi for n, (lo, hi) in
                                                              zip(row.input.spatial, padding))}
    return {"pool_elements": row.input.elements}


SLIDING_OPTIONS = "s p ceil psame pvalid"
KINDS = (
    Kind(("pool",), build_pool("max"), pool_costs, SLIDING_OPTIONS + " d", sizes=True,
         summary="pool2: max pooling, stride = kernel (s, p, d, ceil as for maxpool)"),
    Kind(("maxpool",), build_pool("max"), pool_costs, SLIDING_OPTIONS + " d", sizes=True,
         summary="maxpool3s2p1: max pooling (ceil = ceil mode)"),
    Kind(("avgpool",), build_pool("avg"), pool_costs, SLIDING_OPTIONS, sizes=True, summary="avgpool2: average pooling"),
    Kind(("gap",), build_global("avg"), pool_costs, summary="gap: global average pooling -> C x 1 x 1"),
    Kind(("gmp",), build_global("max"), pool_costs, summary="gmp: global max pooling -> C x 1 x 1"),
    Kind(("aap",), build_adaptive("avg"), pool_costs, sizes=True,
         summary="aap6 / aap6x6: adaptive average pooling to 6x6"),
    Kind(("amp",), build_adaptive("max"), pool_costs, sizes=True, summary="amp6: adaptive max pooling to 6x6"),
)
