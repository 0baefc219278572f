"""``mul(body)``: x * body(x), a gate (squeeze-and-excitation); ``mul(a | b | ...)``: a(x) * b(x) * ...

Operands broadcast over spatial axes of size 1 (a C x 1 x 1 gate scales every position);
otherwise they must have equal shapes. The product itself counts 0 (torchvision's convention):
params and MACs are the branches' sums. A gate whose output is 1 x 1 spatially does not enter
the receptive field (the row notes that it sees the whole input).
"""

from __future__ import annotations

from .base import dims_text, merge_fields

KIND = "mul"
BRANCHES = True
TORCH_CLASS = "Mul"
TORCH_HELPER = '''class Mul(nn.Module):
    """x * gate(x) with one branch, a(x) * b(x) * ... with several; size-1 spatial axes broadcast."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        outs = [branch(x) for branch in self.branches]
        product = x if len(outs) == 1 else outs.pop(0)
        for out in outs:
            product = product * out
        return product
'''


def check_branches(branches, fail) -> None:
    """One branch (a gate on the input) or several (their product)."""


def broadcast(shapes):
    """The product's shape, or None when the operands cannot broadcast."""
    first = shapes[0]
    if any(t.channels != first.channels or len(t.spatial) != len(first.spatial) for t in shapes):
        return None
    spatial = []
    for sizes in zip(*(t.spatial for t in shapes)):
        wide = {n for n in sizes if n != 1}
        if len(wide) > 1:
            return None
        spatial.append(wide.pop() if wide else 1)
    return first._replace(spatial=tuple(spatial))


def whole(tensor) -> bool:
    """A gate that is 1 x 1 spatially: one value per channel for the whole input."""
    return bool(tensor.spatial) and all(n == 1 for n in tensor.spatial)


def run(engine, item, tensor, field, scope, index):
    inner = engine.branch_scope(scope, tensor)
    results = [engine.sequence(branch, tensor, field, inner, f"{index}.{n}.")
               for n, branch in enumerate(item.branches, 1)]
    gate = len(results) == 1
    # The operands: (name, output, field, rows); a gate multiplies the input itself.
    operands = [(f"branch {n}", out, f) for n, (_, out, f) in enumerate(results, 1)]
    if gate:
        operands = [("input", tensor, field), ("gate", results[0][1], results[0][2])]
    output = broadcast([out for _, out, _ in operands])
    if output is None:
        shapes = ", ".join(f"{name}: {dims_text(out)}" for name, out, _ in operands)
        raise engine.fail(f"mul(...) operands must have equal shapes, or size 1 on the spatial axes that differ "
                          f"(channels equal); {shapes}", item.pos)
    # A whole-input gate (1x1) does not enter the field, unless every operand is one.
    entering = [op for op in operands if not whole(op[1])] or operands
    notes = tuple(f"the {name} ({dims_text(out)}) sees the whole input: it does not enter the receptive field"
                  for name, out, _ in operands if (name, out) not in {(n, o) for n, o, _ in entering})
    merged, warnings = merge_fields([f for _, _, f in entering], output, [name for name, _, _ in entering])
    factors = " * ".join(f"{'x' if name == 'input' else name} {dims_text(out)}" for name, out, _ in operands)
    broadcasts = any(out != output for _, out, _ in operands)
    row = engine.block_result(item, scope, index, KIND, tensor, output, merged,
                              branches=[rows for rows, _, _ in results], warnings=warnings, explain=lambda: [
                                  f"output = {factors} (element-wise product"
                                  f"{', size-1 axes broadcast' if broadcasts else ''}) = {dims_text(output)}",
                                  "the product itself counts 0 MACs (torchvision's convention)", *notes])
    return row._replace(notes=notes)


def torch_branches(row) -> list:
    return list(row.branches)


def torch_submodules(row, module) -> list:
    return list(module.branches)
