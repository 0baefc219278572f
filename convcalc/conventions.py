"""How other tools count compute, so convcalc can say exactly why two totals differ.

Each convention turns one layer row into operations by cause:

- ``multiply-adds``: conv / transposed conv / linear weights (torchvision's MACs);
- ``bias``: one addition per output element that has a bias;
- ``norms``: normalisation layers;
- ``activations``: activation functions;
- ``pooling``: pooling layers;
- ``x2 (FLOPs)``: the second operation of each multiply-add, for tools that count FLOPs.

The rules were read from each tool's source (versions named below) and are
checked against the tools themselves in tests/test_conventions_oracle.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .engine import Analysis, Row
from .kinds.base import product

CAUSES = ("multiply-adds", "bias", "norms", "activations", "pooling", "x2 (FLOPs)")
CONV_KINDS = ("conv", "dw", "tconv")
LINEAR_KINDS = ("fc", "linear")
NORM_KINDS = ("bn", "ln", "gn", "in", "lrn")
POOL_KINDS = ("pool", "maxpool", "avgpool", "gap", "gmp", "aap", "amp")


class UnsupportedByConvention(Exception):
    """A layer whose count under a tool's rules convcalc cannot state exactly."""


def bias_adds(row: Row) -> int:
    """Output elements that receive a bias (conv, transposed conv, linear with bias)."""
    return row.output.elements if getattr(row.layer, "bias", False) else 0


def torchvision(row: Row) -> dict[str, int]:
    return {"multiply-adds": row.macs}


def torch_flop_counter(row: Row) -> dict[str, int]:
    # torch.utils.flop_counter: 2 per multiply-add of conv and matmul; bias adds and all else 0.
    return {"multiply-adds": row.macs, "x2 (FLOPs)": row.macs}


def torchinfo(row: Row) -> dict[str, int]:
    """torchinfo 1.8.0 "Mult-Adds" (layer_info.calculate_macs): for a Conv*, every weight and
    bias parameter times the output positions; for any other module with weights, its
    parameter count (times the batch, 1 here)."""
    if row.kind in CONV_KINDS:
        positions = product(row.output.spatial)
        weights = row.params - (row.output.channels if row.layer.bias else 0)
        # A transposed conv's weights are counted at its output positions, not its input's.
        return {"multiply-adds": weights * positions, "bias": bias_adds(row)}
    if row.kind in LINEAR_KINDS:
        return {"multiply-adds": row.macs, "bias": bias_adds(row)}
    if row.kind in NORM_KINDS:
        return {"norms": row.params}
    return {}


# ptflops 0.7.5, pytorch backend (the default): module hooks (pytorch_ops.MODULES_MAPPING)
# plus patched torch.nn.functional calls (count_functional=True). A module whose forward
# calls a patched functional is counted by both, so these are per element:
PTFLOPS_ACTIVATIONS = {"relu": 2, "gelu": 2, "relu6": 1, "lrelu": 1, "silu": 1, "softmax": 1,
                       "sigmoid": 0, "tanh": 0, "dropout": 0, "id": 0}


def ptflops(row: Row) -> dict[str, int]:
    kind = row.kind
    if kind in CONV_KINDS or kind in LINEAR_KINDS:
        return {"multiply-adds": row.macs, "bias": bias_adds(row)}
    if kind == "lrn":
        raise UnsupportedByConvention(
            "ptflops counts lrn through the tensor operations inside torch's local_response_norm, "
            "which depend on the torch version")
    if kind == "ln" and row.input.spatial:
        # A layer norm over channels is a LayerNorm subclass (ConvNeXt's LayerNorm2d, our
        # ChannelLayerNorm); ptflops looks modules up by exact type, so it counts nothing.
        return {}
    if kind in NORM_KINDS:
        # bn_flops_counter_hook: input elements, doubled when the module has affine=True
        # (nn.LayerNorm has elementwise_affine instead, so it is counted once).
        affine = kind in ("bn", "gn") or (kind == "in" and row.layer.affine)
        return {"norms": row.input.elements * (2 if affine else 1)}
    if kind in POOL_KINDS:
        # pool_flops_counter_hook and the patched F.*pool* both count the input elements.
        padding = row.padding or ()
        padded = row.input.channels * product(n + lo + hi for n, (lo, hi) in zip(row.input.spatial, padding)) \
            if padding and any(lo != hi for lo, hi in padding) else row.input.elements
        return {"pooling": 2 * padded}
    name = "dropout" if kind == "drop" else kind
    if name in PTFLOPS_ACTIVATIONS:
        elements = row.input.elements if name == "softmax" else row.output.elements
        return {"activations": PTFLOPS_ACTIVATIONS[name] * elements}
    return {}


@dataclass(frozen=True)
class Convention:
    name: str
    matches: str  # the tool and version whose numbers it reproduces
    unit: str  # what one counted operation is
    rule: str  # one line for --help, the README and the conventions table
    counts: Callable[[Row], dict[str, int]]
    native_flops: bool = False  # the tool reports FLOPs already (2 per multiply-add)


CONVENTIONS = {
    "torchvision": Convention(
        "torchvision", "torchvision's published GFLOPS (model metadata)", "MACs",
        "conv and linear multiply-adds; no bias, norms, activations or pooling", torchvision),
    "torchinfo": Convention(
        "torchinfo", "torchinfo 1.8.0 Total mult-adds", "Mult-Adds",
        "conv: (weights + biases) x output positions; other layers with parameters: their parameter count",
        torchinfo),
    "ptflops": Convention(
        "ptflops", "ptflops 0.7.5 get_model_complexity_info, pytorch backend", "MACs",
        "conv/linear with bias; norms 2 per element when affine (LayerNorm 1); ReLU/GELU 2 per element, "
        "ReLU6/LeakyReLU/SiLU/softmax 1; pooling 2 per input element", ptflops),
    "torch": Convention(
        "torch", "torch.utils.flop_counter.FlopCounterMode (torch 2.13)", "FLOPs",
        "2 x conv and linear multiply-adds; nothing else", torch_flop_counter, native_flops=True),
}
# Names the issue tracker asks about that convcalc does not reproduce (yet), and why.
NOT_REPRODUCED = {
    "fvcore": "fvcore counts one multiply-add as one flop and also counts norms and some pooling through "
              "its JIT trace handlers; its conv/linear numbers equal --convention torchvision",
    "thop": "thop's counts differ between versions for norms and activations; its conv/linear numbers equal "
            "--convention torchvision",
}


def by_cause(analysis: Analysis, convention: Convention) -> dict[str, int]:
    totals = dict.fromkeys(CAUSES, 0)
    for row in analysis.leaves():
        if row.training_only:
            continue  # aux(...): the tools count a model in eval mode, where it does not run
        for cause, count in convention.counts(row).items():
            totals[cause] += count
    return totals


def row_total(row: Row, convention: Convention) -> int:
    # A block's count leaves out the training-only rows inside it, as its MACs do.
    return sum(sum(convention.counts(leaf).values()) for leaf in row.leaves()
               if row.training_only or not leaf.training_only)
