"""Whole-network fixes: the nearest input sizes at which every layer fits evenly."""

from __future__ import annotations

from typing import NamedTuple

from .engine import Engine, Settings
from .errors import SpecError
from .syntax import Document
from .tensor import Tensor

# How far from the given size to look, each way; networks whose strides multiply
# to more than this rarely have a fitting size nearby anyway.
SEARCH_SPAN = 256
# Layers the search may analyse in all (each candidate costs at most the network's
# size), so that a large spec still answers within 2 s: its span shrinks, to 0 (no
# search) when even one step each way would cost more. 400,000 took 9 s for 2,000
# 3-D layers; 20,000 takes 0.6 s.
SEARCH_BUDGET = 20_000


class Fit(NamedTuple):
    below: Tensor | None
    above: Tensor | None
    span: int  # how far each way was searched


def fitting_inputs(document: Document, tensor: Tensor, layers: int, max_layers: int) -> Fit:
    """The nearest inputs below and above ``tensor`` at which the whole network fits.

    Square inputs move every spatial axis together; other inputs move one axis at a
    time. None where nothing fits within the span searched.
    """
    square = len(set(tensor.spatial)) == 1
    # Candidates cost one analysis each way per step; per axis, rank times that.
    # Sizes of many digits make each layer's arithmetic slower: they count as more layers.
    cost = max(layers, 1) * max(1, max(tensor.spatial).bit_length() // 64)
    span = min(SEARCH_SPAN, SEARCH_BUDGET // (2 * cost * (1 if square else tensor.rank)))
    # One engine for every candidate (it keeps the block items it filled in).
    strict = Engine(document, Settings(strict=True, max_layers=max_layers, sizes_only=True))
    if square:
        size = tensor.spatial[0]
        below, above = (
            next((at for at in (tensor._replace(spatial=(n,) * tensor.rank) for n in sizes) if fits(strict, at)), None)
            for sizes in (range(size - 1, max(size - span, 0), -1), range(size + 1, size + span + 1)))
        return Fit(below, above, span)
    lenient = Engine(document, Settings(max_layers=max_layers, sizes_only=True))
    return Fit(*search_each_axis(strict, lenient, tensor, span), span)


def fits(strict: Engine, tensor: Tensor) -> bool:
    try:
        strict.run(tensor)
    except SpecError:
        return False
    return True


def search_each_axis(strict: Engine, lenient: Engine, tensor: Tensor, span: int):
    """For non-square inputs: the nearest fitting size along each axis on its own."""
    found = []
    for direction in (-1, 1):
        spatial = []
        for axis, size in enumerate(tensor.spatial):
            candidates = (size + direction * step for step in range(1, span + 1))
            n = next((n for n in candidates if n >= 1 and fits_axis(lenient, with_axis(tensor, axis, n), axis)), None)
            spatial.append(n)
        candidate = tensor._replace(spatial=tuple(spatial)) if None not in spatial else None
        found.append(candidate if candidate is not None and fits(strict, candidate) else None)
    return found[0], found[1]


def with_axis(tensor: Tensor, axis: int, size: int) -> Tensor:
    return tensor._replace(spatial=tensor.spatial[:axis] + (size,) + tensor.spatial[axis + 1:])


def fits_axis(lenient: Engine, tensor: Tensor, axis: int) -> bool:
    """Every layer's window fits along ``axis`` (other axes may still misfit)."""
    try:
        analysis = lenient.run(tensor)
    except SpecError:
        return False
    return all(leaf.exact_output is None or leaf.exact_output[axis].denominator == 1 for leaf in analysis.leaves())
