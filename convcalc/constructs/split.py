"""``split(a | b | ...)``: the input's channels cut into equal consecutive slices, branch i on
slice i, the outputs concatenated on channels (ShuffleNetV2's unit)."""

from __future__ import annotations

from .base import channels_line, concatenated, dims_text, merge_fields

KIND = "split"
BRANCHES = True
TORCH_CLASS = "Split"
TORCH_HELPER = '''class Split(nn.Module):
    """The channels cut into equal consecutive slices, branch i on slice i, outputs concatenated."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        slices = x.chunk(len(self.branches), dim=1)
        return torch.cat([branch(part) for branch, part in zip(self.branches, slices)], dim=1)
'''


def check_branches(branches, fail) -> None:
    """Any number of branches (one is the whole input)."""


def run(engine, item, tensor, field, scope, index):
    count = len(item.branches)
    if tensor.channels % count:
        raise engine.fail(f"split(...) cuts the channels into {count} equal slices, one per branch, but "
                          f"{tensor.channels} channels ({dims_text(tensor)}) do not divide by {count}", item.pos)
    part = tensor._replace(channels=tensor.channels // count)
    inner = engine.branch_scope(scope, tensor)
    results = [engine.sequence(branch, part, field, inner, f"{index}.{n}.")
               for n, branch in enumerate(item.branches, 1)]
    outputs = [out for _, out, _ in results]
    output = concatenated(engine, item, outputs, KIND)
    merged, warnings = merge_fields([f for _, _, f in results], output,
                                    [f"branch {n}" for n in range(1, count + 1)])
    return engine.block_result(item, scope, index, KIND, tensor, output, merged,
                               branches=[rows for rows, _, _ in results], warnings=warnings, explain=lambda: [
                                   f"input {dims_text(tensor)}: {count} slices of {part.channels} channels "
                                   f"({tensor.channels}/{count}), branch i on slice i",
                                   channels_line(outputs, output)])


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return list(module.branches)
