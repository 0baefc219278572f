"""The value that flows between layers, and the --input shape that starts it."""

from __future__ import annotations

import re
from math import prod

from .errors import SpecError
from .records import Record

DIGITS = frozenset("0123456789")
# The longest number a spec or an option may hold (a 5,000-digit number Python would refuse to print).
MAX_DIGITS = 60
LAYOUTS = ("chw", "hwc")
AXIS_NAMES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}
# Used when no input is given: the ImageNet shape of every classic network.
DEFAULT_INPUT = "3x224x224"


class Tensor(Record):
    """Channels and spatial sizes of one sample; ``spatial == ()`` is a flat vector.

    The values that flow through the engine are records (records.py), not dataclasses: a frozen
    dataclass costs ~0.5 ms to create at import and ~3 us per instance (object.__setattr__
    per field); a record a few microseconds and ~0.3 us (issue 14: start-up and batch speed)."""

    channels: int
    spatial: tuple[int, ...]

    @property
    def rank(self) -> int:
        return len(self.spatial)

    @property
    def elements(self) -> int:
        return self.channels * prod(self.spatial)

    def dims(self, layout: str) -> tuple[int, ...]:
        """The shape as the user reads it: C x H x W, or H x W x C for ``hwc``."""
        if layout == "hwc" and self.spatial:
            return (*self.spatial, self.channels)
        return (self.channels, *self.spatial)


def dims_label(rank: int, layout: str = "chw") -> str:
    """How a shape of this spatial rank reads: ``C x H x W``, ``C x W`` (1-D), ``N`` (a vector)."""
    if rank == 0:
        return "features"
    names = " x ".join(AXIS_NAMES.get(rank, ("?",) * rank))
    return f"{names} x C" if layout == "hwc" else f"C x {names}"


def format_dims(dims: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in dims)


def parse_input(text: str, layout: str, label: str = "input") -> Tensor:
    """``3x224x224`` (or ``224x224x3`` in hwc) -> Tensor; 2 to 4 numbers (1-D to 3-D), or one: a vector."""
    # Split the text as given (lower() may change its length), so that columns stay true.
    parts = re.split(r"[xX*,]", text.strip())
    offset = len(text) - len(text.lstrip())
    numbers = []
    for part in parts:
        value = whole_number(text, offset, len(part), label,
                             f"input shape must be numbers joined by 'x' (e.g. {DEFAULT_INPUT})")
        if value < 1:
            raise SpecError(f"input sizes must be at least 1, got {value}", text, offset, label)
        numbers.append(value)
        offset += len(part) + 1
    if len(numbers) == 1:  # a flat vector of features (fc-only networks: -i 784)
        return Tensor(numbers[0], ())
    if not 1 <= len(numbers) <= 4:
        order = "H x W x C" if layout == "hwc" else "C x H x W"
        raise SpecError(
            f"input needs 1 to 4 sizes (a vector of N features; {order} for 2-D; one spatial size fewer for 1-D, "
            f"one more for 3-D), got {len(numbers)}",
            text, 0, label,
        )
    if layout == "hwc":
        return Tensor(numbers[-1], tuple(numbers[:-1]))
    return Tensor(numbers[0], tuple(numbers[1:]))


def whole_number(source: str, start: int, length: int, label: str | None, what: str) -> int:
    """``source[start:start + length]`` read as the spec reads a number: ASCII digits 0-9 only
    (not ², ①, ３ or 1_000, which Python's int() would take or half-take) and at most MAX_DIGITS."""
    text = source[start:start + length]
    bad = next((n for n, char in enumerate(text) if char not in DIGITS), None)
    if bad is not None or not text:
        found = "a number is missing" if bad is None else f"'{text[bad]}' is not a digit 0-9"
        raise SpecError(f"{what}: {found}", source, start + (bad or 0), label)
    if length > MAX_DIGITS:
        raise SpecError(f"numbers longer than {MAX_DIGITS} digits are not supported", source, start, label)
    return int(text)
