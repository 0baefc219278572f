"""What the constructs share: merging the receptive fields of parallel paths."""

from __future__ import annotations

from ..units import short_fraction


def dims_text(tensor) -> str:
    """A tensor's shape as C x H x W (``format_dims``; tensor.py imports the parser, which imports us)."""
    return "x".join(str(d) for d in tensor.dims("chw"))


def merge_fields(fields: list, output, names: list[str]) -> tuple[object, list[str]]:
    """The largest field over the paths; a warning when the paths are not aligned."""
    size, jump, start, warnings = [], [], [], []
    for axis in range(len(fields[0].size)):
        widest = max(fields, key=lambda f: f.size[axis])
        size.append(widest.size[axis])
        jump.append(widest.jump[axis])
        start.append(widest.start[axis])
    jumps = {f.jump for f in fields}
    starts = {f.start for f in fields}
    if len(jumps) > 1:
        shown = ", ".join(f"{name} {'x'.join(short_fraction(v) for v in f.jump)}" for name, f in zip(names, fields))
        warnings.append(f"branches are not aligned: their jumps differ ({shown})")
    elif len(starts) > 1:
        spread = max(max(f.start[axis] for f in fields) - min(f.start[axis] for f in fields)
                     for axis in range(len(fields[0].start)))
        shown = ", ".join(f"{name} {'x'.join(short_fraction(v) for v in f.start)}" for name, f in zip(names, fields))
        warnings.append(f"branches are not aligned: their field centres differ by {short_fraction(spread)} input pixels "
                        f"({shown}), so the sum mixes features of shifted windows")
    positions = output.spatial or fields[0].positions
    return fields[0]._replace(size=tuple(size), jump=tuple(jump), start=tuple(start), positions=positions), warnings


def training_only(row):
    """The row and every row inside it marked as run in training only (``aux``)."""
    return row._replace(training_only=True, children=tuple(training_only(r) for r in row.children),
                        branches=tuple(tuple(training_only(r) for r in branch) for branch in row.branches))


def concatenated(engine, item, outputs: list, name: str):
    """The branch outputs joined on channels (cat, split); they must share their spatial size."""
    # Flat vectors concatenate too (torch.cat on dim 1), as long as every branch is flat.
    if len({out.spatial for out in outputs}) > 1:
        shapes = ", ".join(f"branch {n}: {dims_text(out)}" for n, out in enumerate(outputs, 1))
        raise engine.fail(f"{name}(...) branches must keep the same spatial size to be concatenated; {shapes}",
                          item.pos)
    return outputs[0]._replace(channels=sum(out.channels for out in outputs))


def channels_line(outputs: list, output) -> str:
    return f"channels = {' + '.join(str(out.channels) for out in outputs)} = {output.channels} (concatenated)"
