"""Convolutions: ``conv``, depthwise ``dw`` and transposed ``tconv`` (1-D, 2-D, 3-D)."""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from ..geometry import AxisStep, same_padding, slide
from ..records import Record
from ..tensor import Tensor, format_dims
from .base import (OPTION_WORDS, Args, Effect, Kind, axis_lines, check_windows, folded, padding_text, product,
                   require_spatial, symmetric, times, torch_pads, weight_costs)

CONV_OPTIONS = "s p d g x nb psame pvalid pfull"


def resolve_padding(args: Args, tensor: Tensor, kernel, stride, dilation) -> tuple[tuple[int, int], ...]:
    """Per-axis (low, high) padding from ``p<n>``, ``psame``, ``pvalid`` or ``pfull``."""
    if args.remember("psame", lambda: padding_word(args) == "psame"):
        return tuple(same_padding(n, k, s, d) for n, k, s, d in zip(tensor.spatial, kernel, stride, dilation))
    # Every other padding is the text's alone (kernel and dilation are too): read once per item.
    return args.remember("padding", lambda: written_padding(args, kernel, dilation))


def padding_word(args: Args) -> str | None:
    """The padding word given (psame, pvalid, pfull), if any; an error when padding is given twice."""
    words = [w for w in ("psame", "pvalid", "pfull") if args.has(w)]
    if len(words) + args.has("p") > 1:
        raise args.error(f"'{args.item.text}' gives its padding more than once", words[-1] if words else "p")
    return words[0] if words else None


def written_padding(args: Args, kernel, dilation) -> tuple[tuple[int, int], ...]:
    if args.has("pfull"):
        return tuple((d * (k - 1),) * 2 for k, d in zip(kernel, dilation))
    return tuple((p, p) for p in args.option("p"))


def check_groups(args: Args, in_channels: int, out_channels: int, groups: int) -> None:
    for role, count in (("input", in_channels), ("output", out_channels)):
        if count % groups:
            raise args.error(
                f"groups g{groups} must divide the {role} channels, but '{args.item.text}' has {count} {role} channels",
                "g" if args.has("g") else None)


def asymmetric_warning(padding) -> tuple[str, ...]:
    if symmetric(padding):
        return ()
    shown = sorted({f"{lo} before + {hi} after" for lo, hi in padding})
    return (f"asymmetric 'same' padding ({', '.join(shown)}): PyTorch needs an explicit F.pad for this",)


class Conv(Record):
    """Cross-correlation with ``groups``; ``dw`` is the case groups = input channels."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    out_channels: int
    bias: bool
    args: Args

    @classmethod
    def build(cls, args: Args, tensor: Tensor, depthwise: bool = False) -> "Conv":
        require_spatial(args, tensor)
        kernel = args.axes("", None, minimum=1)
        stride = args.option("s")
        dilation = args.option("d")
        padding = resolve_padding(args, tensor, kernel, stride, dilation)
        if depthwise:
            groups = tensor.channels
            out_channels = tensor.channels * (args.channels or 1)
        else:
            groups = args.scalar("g", *OPTION_WORDS["g"][2:])
            out_channels = args.channels or tensor.channels
        check_groups(args, tensor.channels, out_channels, groups)
        return cls(kernel, stride, padding, dilation, groups, out_channels, not args.has("nb"), args)

    def effect(self, tensor: Tensor) -> Effect:
        sliding = slide(tensor.spatial, self.kernel, self.stride, self.padding, self.dilation)
        out_spatial = check_windows(self.args, tensor, sliding)
        weights_per_output = (tensor.channels // self.groups) * product(self.kernel)
        return Effect(
            output=Tensor(self.out_channels, out_spatial),
            params=self.out_channels * weights_per_output + (self.out_channels if self.bias else 0),
            macs=self.out_channels * product(out_spatial) * weights_per_output,
            rf=sliding.steps,
            sliding=sliding,
            padding=self.padding,
            warnings=asymmetric_warning(self.padding) if self.args.has("psame") else (),
        )

    def read_as(self) -> str:
        return (f"{self.args.item.name} k{folded(self.kernel)} s{folded(self.stride)} p{padding_text(self.padding)} "
                f"d{folded(self.dilation)} g{self.groups} -> {self.out_channels} filters, {bias_text(self.bias)}")

    def to_torch(self, tensor: Tensor) -> str:
        rank = tensor.rank
        pads = self.padding if symmetric(self.padding) else ((0, 0),) * rank
        conv = (f"nn.Conv{rank}d({tensor.channels}, {self.out_channels}, kernel_size={self.kernel}, "
                f"stride={self.stride}, padding={tuple(lo for lo, _ in pads)}, dilation={self.dilation}, "
                f"groups={self.groups}, bias={self.bias})")
        if symmetric(self.padding):
            return conv
        return f"nn.Sequential(nn.ZeroPad{rank}d({torch_pads(self.padding)}), {conv})"

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        per_output = f"{channels_text(tensor.channels, self.groups)}*{times(self.kernel)}"
        bias = f" + {self.out_channels}" if self.bias else ""
        return [
            *axis_lines([w.explain() for w in effect.windows], tensor.rank),
            f"params = {self.out_channels}*({per_output}){bias} = {effect.params:,}",
            f"MACs = {self.out_channels}*{times(effect.output.spatial)}*({per_output}) = {effect.macs:,}",
        ]


def bias_text(bias: bool) -> str:
    return "bias" if bias else "no bias"


def channels_text(channels: int, groups: int) -> str:
    """Input channels each filter sees: ``3``, or ``96/2`` with groups."""
    return str(channels) if groups == 1 else f"{channels}/{groups}"


def build_conv(args: Args, tensor: Tensor) -> Conv:
    return Conv.build(args, tensor)


def build_depthwise(args: Args, tensor: Tensor) -> Conv:
    return Conv.build(args, tensor, depthwise=True)


class TransposedConv(Record):
    """Transposed convolution: out = (W-1)S - 2P + D(K-1) + 1 + output padding (PyTorch)."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    output_padding: tuple[int, ...]
    groups: int
    out_channels: int
    bias: bool
    args: Args

    @classmethod
    def build(cls, args: Args, tensor: Tensor) -> "TransposedConv":
        require_spatial(args, tensor)
        kernel = args.axes("", None, minimum=1)
        stride = args.option("s")
        dilation = args.option("d")
        words = [w for w in ("psame", "pvalid") if args.has(w)]
        if len(words) + args.has("p") > 1:
            raise args.error(f"'{args.item.text}' gives its padding more than once", words[-1] if words else "p")
        if words and args.has("op"):
            raise args.error(f"'{args.item.text}' gives both {words[0]} and an output padding: {words[0]} sets it", "op")
        if words:
            # Keras / TensorFlow Conv2DTranspose: 'same' gives W*S, 'valid' W*S + max(D(K-1)+1 - S, 0);
            # the PyTorch padding and output padding that give the same size.
            pairs = tuple(tf_transposed_padding(k, s, d, words[0] == "psame") for k, s, d in zip(kernel, stride, dilation))
            padding = tuple(p for p, _ in pairs)
            output_padding = tuple(op for _, op in pairs)
        else:
            padding = args.option("p")
            output_padding = args.option("op")
        for op, s, d in zip(output_padding, stride, dilation):
            if op >= max(s, d):
                raise args.error(f"output padding op{op} must be smaller than the stride or the dilation ({max(s, d)})", "op")
        groups = args.scalar("g", *OPTION_WORDS["g"][2:])
        out_channels = args.channels or tensor.channels
        check_groups(args, tensor.channels, out_channels, groups)
        return cls(kernel, stride, padding, dilation, output_padding, groups, out_channels, not args.has("nb"), args)

    def effect(self, tensor: Tensor) -> Effect:
        out_spatial = tuple(
            (n - 1) * s - 2 * p + d * (k - 1) + 1 + op
            for n, k, s, p, d, op in zip(tensor.spatial, self.kernel, self.stride, self.padding, self.dilation,
                                         self.output_padding)
        )
        if min(out_spatial) < 1:
            raise self.args.error(
                f"'{self.args.item.text}' gives output {format_dims(out_spatial)} from {format_dims(tensor.spatial)}: "
                f"(W-1)S - 2P + D(K-1) + 1 + op must be at least 1")
        # Each input element is scattered through the kernel to Cout/g outputs.
        weights_per_input = (self.out_channels // self.groups) * product(self.kernel)
        return Effect(
            output=Tensor(self.out_channels, out_spatial),
            params=tensor.channels * weights_per_input + (self.out_channels if self.bias else 0),
            macs=tensor.elements * weights_per_input,
            rf=tuple(transposed_step(k, s, p, d) for k, s, p, d in
                     zip(self.kernel, self.stride, self.padding, self.dilation)),
            padding=tuple((p, p) for p in self.padding),
            warnings=self.tf_warnings(),
        )

    def tf_words(self) -> str | None:
        return next((w for w in ("psame", "pvalid") if self.args.has(w)), None)

    def tf_warnings(self) -> tuple[str, ...]:
        """TensorFlow crops total//2 before and the rest after; PyTorch crops p on both sides and adds op after."""
        if self.tf_words() != "psame":
            return ()
        shifted = sorted({f"TensorFlow crops {total // 2} before + {total - total // 2} after, PyTorch p{p} op{op} "
                          f"crops {p} before + {p - op} after"
                          for k, s, d, p, op in zip(self.kernel, self.stride, self.dilation, self.padding,
                                                    self.output_padding)
                          for total in [max(d * (k - 1) + 1 - s, 0)] if total % 2})
        if not shifted:
            return ()
        return (f"asymmetric 'same' split ({'; '.join(shifted)}): same size, outputs shifted by one position",)

    def torch_note(self) -> str:
        """``(p2 op1)``: the PyTorch padding that gives Keras's size."""
        return f"(p{folded(self.padding)} op{folded(self.output_padding)})"

    def read_as(self) -> str:
        keras = f" (Keras padding='{self.tf_words()[1:]}': PyTorch {self.torch_note()[1:-1]})" if self.tf_words() else ""
        return (f"tconv{keras} k{folded(self.kernel)} s{folded(self.stride)} p{folded(self.padding)} "
                f"op{folded(self.output_padding)} d{folded(self.dilation)} g{self.groups} -> {self.out_channels} "
                f"filters, {bias_text(self.bias)}")

    def to_torch(self, tensor: Tensor) -> str:
        return (f"nn.ConvTranspose{tensor.rank}d({tensor.channels}, {self.out_channels}, kernel_size={self.kernel}, "
                f"stride={self.stride}, padding={self.padding}, output_padding={self.output_padding}, "
                f"groups={self.groups}, bias={self.bias}, dilation={self.dilation})")

    def explain(self, tensor: Tensor, effect: Effect) -> list[str]:
        sizes = [f"({n}-1)*{s} - 2*{p} + {d}*({k}-1) + 1 + {op} = {out}" for n, k, s, p, d, op, out in
                 zip(tensor.spatial, self.kernel, self.stride, self.padding, self.dilation, self.output_padding,
                     effect.output.spatial)]
        per_input = f"{channels_text(self.out_channels, self.groups)}*{times(self.kernel)}"
        bias = f" + {self.out_channels}" if self.bias else ""
        keras = []
        if self.tf_words() == "psame":
            keras = ["Keras 'same': output = W*S = " + ", ".join(f"{n}*{s}" for n, s in zip(tensor.spatial, self.stride))
                     + f" {self.torch_note()}"]
        elif self.tf_words() == "pvalid":
            keras = [f"Keras 'valid': output = W*S + max(D(K-1)+1 - S, 0) {self.torch_note()}"]
        return [
            *keras,
            *axis_lines(sizes, tensor.rank),
            f"params = {tensor.channels}*({per_input}){bias} = {effect.params:,}",
            f"MACs = {tensor.channels}*{times(tensor.spatial)}*({per_input}) = {effect.macs:,}",
        ]


def tf_transposed_padding(kernel: int, stride: int, dilation: int, same: bool) -> tuple[int, int]:
    """PyTorch (padding, output padding) giving Keras's Conv*DTranspose size.

    PyTorch: (W-1)S - 2P + D(K-1) + 1 + op. 'same' wants W*S, so 2P - op = D(K-1)+1 - S;
    'valid' wants W*S + max(D(K-1)+1 - S, 0) (Keras's deconv_output_length), so P = 0.
    """
    excess = dilation * (kernel - 1) + 1 - stride
    if not same:
        return 0, max(-excess, 0)
    if excess <= 0:
        return 0, -excess
    padding = -(-excess // 2)
    return padding, 2 * padding - excess


def transposed_step(kernel: int, stride: int, padding: int, dilation: int) -> AxisStep:
    """Output o reads inputs i = (o + P - kD)/S for the taps k where that is whole.

    At most ceil(K / (S/g)) taps land on whole inputs (g = gcd(D, S)), spaced D/g
    inputs apart; the centre of output 0 sits at (P - D(K-1)/2)/S.
    """
    common = gcd(dilation, stride)
    taps = -(-kernel // (stride // common))
    return AxisStep((taps - 1) * Fraction(dilation, common), Fraction(2 * padding - dilation * (kernel - 1), 2 * stride),
                    Fraction(1, stride))


def build_transposed(args: Args, tensor: Tensor) -> TransposedConv:
    return TransposedConv.build(args, tensor)


KINDS = (
    Kind(("conv",), build_conv, weight_costs, CONV_OPTIONS, sizes=True, channels=True,
         summary="conv3x3s1p1x64: convolution, kernel 3x3, stride 1, padding 1, 64 filters (conv1x7p0x3 per axis)"),
    Kind(("dw",), build_depthwise, weight_costs, CONV_OPTIONS.replace(" g", ""), sizes=True, channels=True,
         summary="dw3x3s2p1: depthwise convolution (groups = channels; x<n> channel multiplier)"),
    Kind(("tconv",), build_transposed, weight_costs, "s p d g x nb op psame pvalid", sizes=True, channels=True,
         summary="tconv4x4s2p1x64: transposed convolution (op<n> output padding; psame/pvalid as Keras)"),
)
