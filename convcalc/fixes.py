"""Whole-network fixes: the nearest input sizes at which every layer fits evenly."""

from __future__ import annotations

from dataclasses import replace

from .engine import Settings, analyse
from .errors import SpecError
from .syntax import Document
from .tensor import Tensor

# How far from the given size to look, each way; networks whose strides multiply
# to more than this rarely have a fitting size nearby anyway.
SEARCH_SPAN = 256


def fits_everywhere(document: Document, tensor: Tensor) -> bool:
    try:
        analyse(document, tensor, Settings(strict=True))
    except SpecError:
        return False
    return True


def fitting_inputs(document: Document, tensor: Tensor) -> tuple[Tensor | None, Tensor | None]:
    """The nearest inputs below and above ``tensor`` (same change on every spatial axis
    that had a misfit) at which the whole network fits; None where none is near."""
    sizes = set(tensor.spatial)
    if len(sizes) != 1:
        return search_each_axis(document, tensor)
    size = sizes.pop()

    def at(n: int) -> Tensor:
        return replace(tensor, spatial=(n,) * tensor.rank)

    below = next((at(n) for n in range(size - 1, max(size - SEARCH_SPAN, 0), -1) if fits_everywhere(document, at(n))),
                 None)
    above = next((at(n) for n in range(size + 1, size + SEARCH_SPAN + 1) if fits_everywhere(document, at(n))), None)
    return below, above


def search_each_axis(document: Document, tensor: Tensor) -> tuple[Tensor | None, Tensor | None]:
    """For non-square inputs: the nearest fitting size along each axis on its own."""
    found = []
    for direction in (-1, 1):
        spatial = []
        for axis, size in enumerate(tensor.spatial):
            candidates = (size + direction * step for step in range(1, SEARCH_SPAN + 1))
            n = next((n for n in candidates if n >= 1 and fits_axis(document, with_axis(tensor, axis, n), axis)), None)
            spatial.append(n)
        candidate = replace(tensor, spatial=tuple(spatial)) if None not in spatial else None
        found.append(candidate if candidate is not None and fits_everywhere(document, candidate) else None)
    return found[0], found[1]


def with_axis(tensor: Tensor, axis: int, size: int) -> Tensor:
    return replace(tensor, spatial=tensor.spatial[:axis] + (size,) + tensor.spatial[axis + 1:])


def fits_axis(document: Document, tensor: Tensor, axis: int) -> bool:
    """Every layer's window fits along ``axis`` (other axes may still misfit)."""
    try:
        analysis = analyse(document, tensor)
    except SpecError:
        return False
    return all(leaf.exact_output is None or leaf.exact_output[axis].denominator == 1
               for row in analysis.rows for leaf in row.leaves())
