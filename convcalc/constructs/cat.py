"""``cat(a | b | ...)``: branches on the same input, concatenated on channels."""

from __future__ import annotations

from dataclasses import replace

from .base import dims_text, merge_fields

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
    # Flat vectors concatenate too (torch.cat on dim 1), as long as every branch is flat.
    if len({out.spatial for out in outputs}) > 1:
        shapes = ", ".join(f"branch {n}: {dims_text(out)}" for n, out in enumerate(outputs, 1))
        raise engine.fail(f"cat(...) branches must keep the same spatial size to be concatenated; {shapes}",
                          item.pos)
    output = replace(outputs[0], channels=sum(out.channels for out in outputs))
    merged, warnings = merge_fields([f for _, _, f in results], output,
                                    [f"branch {n}" for n in range(1, len(results) + 1)])
    return engine.block_result(item, scope, index, KIND, tensor, output, merged,
                               branches=[rows for rows, _, _ in results], warnings=warnings, explain=lambda: [
                                   f"channels = {' + '.join(str(out.channels) for out in outputs)} = "
                                   f"{output.channels} (concatenated)"])


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return list(module.branches)
