"""``side(...)``: an extra output head computed on every pass (the segmentation models' aux
FCNHead); the main path continues from the side's input, its shape and field unchanged. The
head's params, MACs and memory count in the totals; its output is listed in JSON ``outputs``."""

from __future__ import annotations

from .base import dims_text

KIND = "side"
BRANCHES = True
ONE_HEAD = True  # written name(a, b, c): one head, no '|' branches
TORCH_CLASS = "Side"
TORCH_HELPER = '''class Side(nn.Module):
    """An extra output head computed on every pass; the main path continues from its input.
    The head's last output is kept in ``self.output``."""

    def __init__(self, head):
        super().__init__()
        self.head = head
        self.output = None

    def forward(self, x):
        self.output = self.head(x)
        return x
'''


def check_branches(branches, fail, name: str = KIND) -> None:
    if len(branches) > 1:
        raise fail(f"{name}(...) takes one head, not branches: write its layers separated by ','",
                   branches[1].pos)


def head(engine, item, tensor, field, scope, index, kind: str, what: str, counted: str):
    """The head's row: its rows' sums, its output as ``head_output``; output and field the input's."""
    rows, out, _ = engine.sequence(item.branches[0], tensor, field, engine.branch_scope(scope, tensor), f"{index}.1.")
    layers = sum(1 for row in rows for _ in row.leaves())
    row = engine.block_result(item, scope, index, kind, tensor, tensor, field, branches=[rows], explain=lambda: [
        f"{what} output {dims_text(out)}", f"the main path continues from its input {dims_text(tensor)}, "
        "its receptive field unchanged", f"params, MACs, memory = sums over its {layers} layers; {counted}"],
        sums_line=False)
    return row._replace(head_output=out)


def run(engine, item, tensor, field, scope, index):
    return head(engine, item, tensor, field, scope, index, KIND, "an extra head, computed on every pass:",
                "all in the totals")


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return [module.head]
