"""``aux(...)``: a training-only head (Inception-v3's AuxLogits). The main path continues from
its input; its parameters count, its MACs and memory are not in the inference totals (the aux
row and every row in it are ``training_only``: ``engine.counted_sums``); its output is listed in JSON
``outputs`` with ``training_only`` true."""

from __future__ import annotations

from . import side
from .base import training_only

KIND = "aux"
BRANCHES = True
ONE_HEAD = True  # written name(a, b, c): one head, no '|' branches
TORCH_CLASS = "Aux"
TORCH_HELPER = '''class Aux(nn.Module):
    """A training-only head: computed in training mode only (``self.output``, else None); the
    main path continues from its input."""

    def __init__(self, head):
        super().__init__()
        self.head = head
        self.output = None

    def forward(self, x):
        self.output = self.head(x) if self.training else None
        return x
'''


def check_branches(branches, fail) -> None:
    side.check_branches(branches, fail, KIND)


def run(engine, item, tensor, field, scope, index):
    row = side.head(engine, item, tensor, field, scope, index, KIND, "a training-only head:",
                    "its params count in the totals, its MACs and memory do not (it runs in training only)")
    return training_only(row)


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return [module.head]
