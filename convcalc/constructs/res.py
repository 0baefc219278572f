"""``res(body | shortcut)``: out = body(x) + shortcut(x); the shortcut is the identity unless given."""

from __future__ import annotations

from .base import dims_text, merge_fields

KIND = "res"
BRANCHES = True
TORCH_CLASS = "Residual"
TORCH_HELPER = '''class Residual(nn.Module):
    """out = body(x) + shortcut(x); the shortcut is the identity unless given."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        self.shortcut = shortcut if shortcut is not None else nn.Identity()

    def forward(self, x):
        return self.body(x) + self.shortcut(x)
'''


def check_branches(branches, fail) -> None:
    if len(branches) > 2:
        raise fail("res(body | shortcut) takes at most one shortcut", branches[2].pos)


def run(engine, item, tensor, field, scope, index):
    shortcut_seq = item.branches[1] if len(item.branches) == 2 else None
    inner = engine.branch_scope(scope, tensor)
    body, body_out, body_field = engine.sequence(item.branches[0], tensor, field, inner, f"{index}.1.")
    shortcut, short_out, short_field = [], tensor, field
    if shortcut_seq is not None:
        shortcut, short_out, short_field = engine.sequence(shortcut_seq, tensor, field, inner, f"{index}.2.")
    if body_out != short_out:
        raise engine.fail(mismatch(tensor, body_out, short_out, shortcut_seq is None), item.pos)
    merged, warnings = merge_fields([body_field, short_field], body_out, ["body", "shortcut"])
    return engine.block_result(item, scope, index, KIND, tensor, body_out, merged, branches=(body, shortcut),
                               warnings=warnings, explain=lambda: [
                                   f"output = body + {'identity' if shortcut_seq is None else 'shortcut'} "
                                   f"(element-wise sum): {dims_text(body_out)}"])


def mismatch(given, body, shortcut, identity: bool) -> str:
    """Name both shapes, and the projection shortcut that would make them agree."""
    what = "the identity shortcut" if identity else "the shortcut"
    parts = [f"res(...): the body gives {dims_text(body)} but {what} gives {dims_text(shortcut)}"]
    if body.channels != shortcut.channels:
        parts.append(f"({shortcut.channels} vs {body.channels} channels)")
    strides = {n // m for n, m in zip(given.spatial, body.spatial) if m and n % m == 0 and n // m >= 1}
    if body.spatial and len(strides) == 1 and len(body.spatial) == len(given.spatial):
        stride = strides.pop()
        parts.append(f"- a projection shortcut such as 'res(... | conv1x1{f's{stride}' if stride > 1 else ''}"
                     f"x{body.channels}nb,bn)' would match")
    return " ".join(parts)


def torch_branches(row) -> list:
    body, shortcut = row.branches
    return [body, shortcut] if shortcut else [body]


def torch_submodules(row, module) -> list:
    return [module.body, module.shortcut] if row.branches[1] else [module.body]
