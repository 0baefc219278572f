"""``[a, b, ...]*N``: a group of rows written N times, one after the other."""

from __future__ import annotations

from fractions import Fraction

KIND = "repeat"
BRANCHES = False  # written [ ... ]*N: the grammar's own bracket form
TORCH_CLASS = None  # an nn.Sequential of the rows
TORCH_HELPER = ""


def run(engine, item, tensor, field, scope, index):
    given = tensor
    count = engine.number(item.count, scope)
    if isinstance(count, Fraction) or count < 1:
        # A decimal block argument reaches here as a Fraction: show it as a decimal, 2.0 not 2.
        shown = float(count) if isinstance(count, Fraction) else count
        raise engine.fail(f"a repeat count must be a whole number of at least 1, got {shown}", item.pos)
    rows: list = []
    before = engine.layer_count
    for repetition in range(count):
        _, tensor, field = engine.sequence(item.body, tensor, field, scope, f"{index}.", rows)
        if repetition == 0:
            engine.check_layer_count(before + (engine.layer_count - before) * count,
                                     engine.use_pos if scope.calls else item.pos)
    return engine.block_result(item, scope, index, KIND, given, tensor, field, children=rows)


def torch_branches(row) -> list:
    return [row.children]


def torch_submodules(row, module) -> list:
    return [module]
