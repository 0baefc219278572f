"""What the constructs share: merging the receptive fields of parallel paths."""

from __future__ import annotations

from dataclasses import replace

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
    return replace(fields[0], size=tuple(size), jump=tuple(jump), start=tuple(start), positions=positions), warnings
