"""Whole-network fixes: the nearest input sizes at which every layer fits evenly.

The search tries input sizes one by one, each a whole (sizes-only, --strict) analysis. Most
networks need far fewer tries: where every layer up to the last strided window slides a window
of fixed, symmetric padding (or leaves the sizes alone), the sizes that fit along an axis are
one residue class modulo the product of the strides (``fitting_classes``), read off the
receptive field of the analysis already made. Only that class's members are tried then: for
ResNet-50 at 224, two analyses instead of 32. Each member is still analysed whole, so an answer
is never taken from the arithmetic alone.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

from .engine import Analysis, Engine, Row, Settings
from .errors import SpecError
from .gc_pause import gc_paused
from .kinds.base import GLOBAL, symmetric
from .records import Record
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


class Fit(Record):
    below: Tensor | None
    above: Tensor | None
    span: int  # how far each way was searched


class Congruence(Record):
    """The sizes ``residue (mod modulus)``; modulus 1 is every size, modulus 0 none."""

    residue: int
    modulus: int

    def meet(self, other: "Congruence") -> "Congruence":
        """The sizes in both classes (the Chinese remainder theorem, moduli not coprime)."""
        if not self.modulus or not other.modulus:
            return NO_SIZE
        common = gcd(self.modulus, other.modulus)
        difference = other.residue - self.residue
        if difference % common:
            return NO_SIZE
        step = other.modulus // common
        k = difference // common * pow(self.modulus // common, -1, step) % step
        modulus = self.modulus * step
        return Congruence((self.residue + self.modulus * k) % modulus, modulus)

    def sizes(self, size: int, direction: int, span: int):
        """Its members within ``span`` of ``size`` (not ``size`` itself), nearest first, >= 1."""
        modulus = self.modulus
        if not modulus:
            return range(0)
        if direction > 0:
            return range(size + ((self.residue - size) % modulus or modulus), size + span + 1, modulus)
        return range(size - ((size - self.residue) % modulus or modulus), max(size - span, 0), -modulus)


EVERY_SIZE = Congruence(0, 1)
NO_SIZE = Congruence(0, 0)


def fitting_inputs(document: Document, analysis: Analysis, max_layers: int) -> Fit:
    """The nearest inputs below and above the analysed one at which the whole network fits.

    Square inputs move every spatial axis together; other inputs move one axis at a
    time. None where nothing fits within the span searched.
    """
    tensor = analysis.input
    with gc_paused():  # the candidates' analyses are trees of rows, as analyse's are
        return search(document, tensor, len(analysis.leaves()), max_layers, fitting_classes(analysis.rows, tensor.rank))


def search(document: Document, tensor: Tensor, layers: int, max_layers: int, classes: tuple[Congruence, ...]) -> Fit:
    """The search itself, trying only the sizes in ``classes`` (one per axis)."""
    square = len(set(tensor.spatial)) == 1
    if square:
        joined = EVERY_SIZE
        for congruence in classes:
            joined = joined.meet(congruence)
        classes = (joined,) * tensor.rank
    # Candidates cost one analysis each way per step; per axis, rank times that; a class
    # has one candidate per modulus of span. Sizes of many digits make each layer's
    # arithmetic slower: they count as more layers.
    cost = max(layers, 1) * max(1, max(tensor.spatial).bit_length() // 64)
    per_candidate = 2 * cost * (1 if square else tensor.rank)
    modulus = min(congruence.modulus for congruence in classes) or 1
    span = min(SEARCH_SPAN, SEARCH_BUDGET * modulus // per_candidate)
    # One engine for every candidate (it keeps the block items it filled in).
    strict = Engine(document, Settings(strict=True, max_layers=max_layers, sizes_only=True))
    if square:
        size = tensor.spatial[0]
        below, above = (
            next((at for at in (tensor._replace(spatial=(n,) * tensor.rank) for n in classes[0].sizes(size, d, span))
                  if fits(strict, at)), None)
            for d in (-1, 1))
        return Fit(below, above, span)
    lenient = Engine(document, Settings(max_layers=max_layers, sizes_only=True))
    return Fit(*search_each_axis(strict, lenient, tensor, span, classes), span)


def fits(strict: Engine, tensor: Tensor) -> bool:
    try:
        strict.run(tensor)
    except SpecError:
        return False
    return True


def search_each_axis(strict: Engine, lenient: Engine, tensor: Tensor, span: int, classes: tuple[Congruence, ...]):
    """For non-square inputs: the nearest fitting size along each axis on its own."""
    found = []
    for direction in (-1, 1):
        spatial = []
        for axis, size in enumerate(tensor.spatial):
            candidates = classes[axis].sizes(size, direction, span)
            n = next((n for n in candidates if fits_axis(lenient, with_axis(tensor, axis, n), axis)), None)
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


def fitting_classes(rows: tuple[Row, ...], rank: int) -> tuple[Congruence, ...]:
    """Per axis, a residue class that holds every input size at which all layers fit (EVERY_SIZE
    where the layers do not allow the argument below); ``rows``: an analysis's rows.

    Where windows tile their input evenly with the same padding at both ends, the first and last
    outputs' fields sit symmetrically in the network's input: along an axis of input size X, a
    layer whose output field starts at S with jump J has (X - 1 - 2S)/J + 1 outputs, and fits
    exactly when that is a whole number, given that the layers before it fit. S and J depend only
    on the layers, not on X (Araujo et al., Distill 2019), so one analysis gives every strided
    layer's condition, X = 1 + 2S (mod J), and the conditions meet in one class.

    That holds while every layer up to the last strided window is such a window (fixed padding,
    the same at both ends: not a strided psame, whose padding follows the input) or leaves the
    sizes as they are (bn, relu, add). A strided window after a layer that breaks it (global
    pooling, fc, upsampling, resizing, cropping, zero padding, an asymmetric psame) gives
    EVERY_SIZE: every size is tried. A squeeze-and-excitation gate does not break it: its
    global pooling sizes only the gate, whose one value per channel scales the path it gates
    (``gated``).
    """
    classes = [EVERY_SIZE] * rank
    if read_classes(rows, classes, broken=False) is None:
        return (EVERY_SIZE,) * rank
    return tuple(classes)


def read_classes(rows, classes: list, broken: bool) -> bool | None:
    """Meets the condition of every strided layer in ``rows`` (forward order) into ``classes``;
    whether the argument is broken after them (``broken``: before them), None to give it up."""
    for row in rows:
        if row.layer is None:  # a block: its rows in forward order, as Row.leaves() has them
            inner = broken
            for part in (row.children, *row.branches):
                inner = read_classes(part, classes, inner)
                if inner is None:
                    return None
            broken = broken if gated(row) else inner
            continue
        effect = row.effect
        windows = effect.windows
        strides = [w.stride != 1 for w in windows]
        if broken and any(strides):
            return None
        if effect.sliding is None:
            broken = broken or effect.rf is not None or row.output.spatial != row.input.spatial
            continue
        # psame pads to ceil(W/S) outputs: with a stride, how much depends on the input size.
        if not symmetric(effect.padding) or effect.rf != effect.sliding.steps or any(strides) and row.layer.args.has("psame"):
            broken = True  # its own condition is not added: the class only grows
            continue
        for axis, window in enumerate(windows):
            if strides[axis]:
                condition = solve(1 + 2 * Fraction(row.field.start[axis]), Fraction(row.field.jump[axis]))
                classes[axis] = classes[axis].meet(condition)
    return broken


def gated(row: Row) -> bool:
    """``mul(gap, ...)``, a gate whose sizes stop following the input at a global window of its
    own (gap, fc, reshape: the sizes after it are the same at every input) and that stays out of
    the receptive field here (1 x 1: mul's note says so). The product then has its input's sizes
    and field at every input, so what broke the argument inside the gate does not reach the
    layers after it (the conditions of the gate's own strided layers before its global window
    still count)."""
    return (row.kind == "mul" and len(row.branches) == 1 and bool(row.notes)
            and any(leaf.effect is not None and leaf.effect.rf == GLOBAL for leaf in row.branches[0]))


def solve(offset: Fraction, jump: Fraction) -> Congruence:
    """The integers X with (X - offset)/jump whole: L*X = offset*L (mod jump*L), L clearing denominators."""
    clearing = offset.denominator * jump.denominator // gcd(offset.denominator, jump.denominator)
    a, b, m = clearing, offset.numerator * (clearing // offset.denominator), jump.numerator * (clearing // jump.denominator)
    common = gcd(a, m)
    if b % common:
        return NO_SIZE
    modulus = m // common
    return Congruence(b // common * pow(a // common, -1, modulus) % modulus, modulus)
