"""How other tools count compute, so convcalc can say exactly why two totals differ.

Every layer kind declares its costs by what the tools look at (kinds.base.COSTS: weight
multiply-adds, weights at output positions, bias adds, norm elements, ...); a convention is a
table of weights over those costs, naming every cost (an unweighed cost is an import error, a
kind without costs an error in its registry entry, never a silent 0). The weights turn one
layer row into operations by cause:

- ``multiply-adds``: conv / transposed conv / linear weights (torchvision's MACs);
- ``bias``: one addition per output element that has a bias;
- ``norms``: normalisation layers;
- ``activations``: activation functions;
- ``pooling``: pooling layers;
- ``resampling``: upsampling and resizing (interpolation);
- ``x2 (FLOPs)``: the second operation of each multiply-add, for tools that count FLOPs.

The weights were read from each tool's source (versions named below) and are
checked against the tools themselves in tests/test_conventions_oracle.py.
"""

from __future__ import annotations

from .engine import Analysis, Row, process_memo, remembered
from .kinds import COSTS, KINDS

# (convention, id(built layer)) -> (the layer, its row's operations by cause): a layer's costs are
# those of its built object at its input (the engine makes one per item and input, and its rows
# differ only in where they stand), so a network's repeated layers and a batch's are counted once.
COUNTED: dict[tuple[str, int], tuple] = process_memo()

CAUSES = ("multiply-adds", "bias", "norms", "activations", "pooling", "resampling", "x2 (FLOPs)")


class UnsupportedByConvention(Exception):
    """A layer whose count under a tool's rules convcalc cannot state exactly (``row``: the
    layer's row, where by_cause found it)."""

    row = None


class Refused:
    """In a weight table: a cost the tool counts in a way convcalc cannot state exactly."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class Convention:
    """A tool's counting rule as weights over the costs kinds declare (kinds.base.COSTS):
    ``weights[cost]`` is {cause: operations per unit of that cost}, {} when the tool ignores
    it, or Refused. Every convention weighs every cost, so a new cost is a decision for each."""

    __slots__ = ("name", "matches", "unit", "rule", "weights", "native_flops")

    def __init__(self, name: str, matches: str, unit: str, rule: str, weights: dict, native_flops: bool = False):
        self.name = name
        self.matches = matches  # the tool and version whose numbers it reproduces
        self.unit = unit  # what one counted operation is
        self.rule = rule  # one line for --help, the README and the conventions table
        self.weights = weights
        self.native_flops = native_flops  # the tool reports FLOPs already (2 per multiply-add)
        if set(weights) != set(COSTS):
            raise ImportError(f"convention {name} must weigh every cost: missing "
                              f"{sorted(set(COSTS) - set(weights))}, unknown {sorted(set(weights) - set(COSTS))}")

    def counts(self, row: Row) -> dict[str, int]:
        """One layer row's operations by cause (only the causes it has); the caller's to read, not change."""
        key = (self.name, id(row.layer))
        counted = COUNTED.get(key)
        if counted is None:
            counted = remembered(COUNTED, key, (row.layer, self.counted(row)))
        return counted[1]

    def counted(self, row: Row) -> dict[str, int]:
        result: dict[str, int] = {}
        for cost, amount in KINDS[row.kind].costs(row.layer, row).items():
            weight = self.weights[cost]
            if isinstance(weight, Refused):
                raise UnsupportedByConvention(weight.reason)
            for cause, factor in weight.items():
                result[cause] = result.get(cause, 0) + factor * amount
        return result


def ignoring(*costs: str) -> dict:
    return dict.fromkeys(costs, {})


# The rules were read from each tool's source (versions named in ``matches``).
CONVENTIONS = {
    "torchvision": Convention(
        "torchvision", "torchvision's published GFLOPS (model metadata)", "MACs",
        "conv and linear multiply-adds; no bias, norms, activations or pooling",
        {**ignoring(*COSTS), "weight_macs": {"multiply-adds": 1}}),
    # torchinfo 1.8.0 "Mult-Adds" (layer_info.calculate_macs): for a Conv*, every weight and bias
    # parameter times the output positions; for any other module with weights, its parameter
    # count (times the batch, 1 here): Linear's weights and bias, a norm's scale and shift.
    "torchinfo": Convention(
        "torchinfo", "torchinfo 1.8.0 Total mult-adds", "Mult-Adds",
        "conv: (weights + biases) x output positions; other layers with parameters: their parameter count",
        {**ignoring(*COSTS), "weights_at_outputs": {"multiply-adds": 1}, "bias_adds": {"bias": 1},
         "norm_params": {"norms": 1}}),
    # ptflops 0.7.5, pytorch backend (the default): module hooks (pytorch_ops.MODULES_MAPPING)
    # plus patched torch.nn.functional calls (count_functional=True); a module whose forward
    # calls a patched functional is counted by both. Modules are looked up by exact type.
    "ptflops": Convention(
        "ptflops", "ptflops 0.7.5 get_model_complexity_info, pytorch backend", "MACs",
        "conv/linear with bias; norms 2 per element when affine (LayerNorm 1); ReLU/GELU 2 per element, "
        "ReLU6/LeakyReLU/SiLU/softmax 1; pooling 2 per input element; upsampling 2 per output element, resize 1",
        {**ignoring(*COSTS), "weight_macs": {"multiply-adds": 1}, "bias_adds": {"bias": 1},
         # bn_flops_counter_hook: input elements, doubled when the module has affine=True.
         "norm_elements": {"norms": 1}, "affine_elements": {"norms": 1},
         "lrn_elements": Refused("ptflops counts lrn through the tensor operations inside torch's "
                                 "local_response_norm, which depend on the torch version"),
         "activation_hook_elements": {"activations": 1}, "activation_functional_elements": {"activations": 1},
         # pool_flops_counter_hook and the patched F.*pool* both count the input elements.
         "pool_elements": {"pooling": 2},
         # upsample_flops_counter_hook (nn.Upsample: output elements) and the patched F.interpolate
         # (output elements), both for nn.Upsample, which calls F.interpolate.
         "upsample_hook_elements": {"resampling": 1}, "interpolate_elements": {"resampling": 1}}),
    # torch.utils.flop_counter: 2 per multiply-add of conv and matmul; bias adds and all else 0.
    "torch": Convention(
        "torch", "torch.utils.flop_counter.FlopCounterMode (torch 2.13)", "FLOPs",
        "2 x conv and linear multiply-adds; nothing else",
        {**ignoring(*COSTS), "weight_macs": {"multiply-adds": 1, "x2 (FLOPs)": 1}}, native_flops=True),
}
# Names the issue tracker asks about that convcalc does not reproduce (yet), and why.
NOT_REPRODUCED = {
    "fvcore": "fvcore counts one multiply-add as one flop and also counts norms and some pooling through "
              "its JIT trace handlers; its conv/linear numbers equal --convention torchvision",
    "thop": "thop's counts differ between versions for norms and activations; its conv/linear numbers equal "
            "--convention torchvision",
}


def by_cause(analysis: Analysis, convention: Convention) -> dict[str, int]:
    """The network's operations by cause. Every layer is counted, an aux(...) head's too, so that
    a layer the rules cannot state is an error wherever it is (raised with its ``row``); a
    training-only row adds nothing: the tools count a model in eval mode, where it does not run."""
    totals = dict.fromkeys(CAUSES, 0)
    for row in analysis.leaves():
        try:
            counts = convention.counts(row)
        except UnsupportedByConvention as reason:
            reason.row = row
            raise
        if not row.training_only:
            for cause, count in counts.items():
                totals[cause] += count
    return totals


def row_total(row: Row, convention: Convention) -> int:
    # A block's count leaves out the training-only rows inside it, as its MACs do.
    return sum(sum(convention.counts(leaf).values()) for leaf in row.leaves()
               if row.training_only or not leaf.training_only)
