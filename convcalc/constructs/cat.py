"""``cat(a | b | ...)``: branches on the same input, concatenated on channels."""

from __future__ import annotations

from .base import channels_line, concatenated, merge_fields

KIND = "cat"
BRANCHES = True
TORCH_CLASS = "Concat"
TORCH_HELPER = '''class Concat(nn.Module):
    """Branches on the same input, concatenated on channels."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)
'''


def check_branches(branches, fail) -> None:
    """Any number of branches."""


def run(engine, item, tensor, field, scope, index):
    inner = engine.branch_scope(scope, tensor)
    results = [engine.sequence(branch, tensor, field, inner, f"{index}.{n}.")
               for n, branch in enumerate(item.branches, 1)]
    outputs = [out for _, out, _ in results]
    output = concatenated(engine, item, outputs, KIND)
    merged, warnings = merge_fields([f for _, _, f in results], output,
                                    [f"branch {n}" for n in range(1, len(results) + 1)])
    return engine.block_result(item, scope, index, KIND, tensor, output, merged,
                               branches=[rows for rows, _, _ in results], warnings=warnings,
                               explain=lambda: [channels_line(outputs, output)])


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return list(module.branches)
