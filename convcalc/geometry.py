"""Sliding-window arithmetic along one axis, and the receptive-field step it implies.

Everything here is exact: sizes are ints, ratios are Fractions.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from .records import Record


def ratio(numerator: int, denominator: int) -> Fraction | int:
    """numerator/denominator exactly: an int when it divides (cheap), else a Fraction."""
    if numerator % denominator == 0:
        return numerator // denominator
    return Fraction(numerator, denominator)


def format_fraction(value: Fraction | int) -> str:
    """54.25 for a terminating decimal, ``163/3 (~54.33)`` otherwise, ``55`` for a whole number."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        return f"{float(value):g}" if len(f"{float(value):g}") < 16 else str(value)
    return f"{value} (~{float(value):.2f})"


class AxisStep(Record):
    """How one layer moves the receptive field along one axis (Araujo et al., Distill 2019).

    In units of the incoming jump j: the field grows by ``grow * j``, its centre
    moves by ``shift * j``, and the jump becomes ``j * scale``.
    """

    grow: Fraction | int
    shift: Fraction | int
    scale: Fraction | int
    # How the growth reads in the layer's own numbers, "(11-1)" or "(3-1)*2", for --explain.
    grow_text: str = ""


IDENTITY_STEP = AxisStep(0, 0, 1)


class Window(Record):
    """A kernel sliding along one axis of size ``size`` (conv or pooling)."""

    size: int
    kernel: int
    stride: int
    pad_low: int
    pad_high: int
    dilation: int = 1
    ceil: bool = False

    @property
    def span(self) -> int:
        """Input positions from the first tap to the last: D(K-1) + 1."""
        return self.dilation * (self.kernel - 1) + 1

    @property
    def numerator(self) -> int:
        """W + P_low + P_high - D(K-1) - 1: the room the window has to slide in."""
        return self.size + self.pad_low + self.pad_high - self.span

    @property
    def exact_output(self) -> Fraction | int:
        # (N + S)/S rather than N/S + 1: one Fraction made, not three (a misfit's arithmetic).
        return ratio(self.numerator + self.stride, self.stride)

    @property
    def fits(self) -> bool:
        return self.numerator % self.stride == 0

    @property
    def output(self) -> int:
        """PyTorch's output size (pooling_output_shape); < 1 when the window does not fit at all.

        Ceil mode rounds up even a negative room: a 2-wide window with stride 2 over a
        single position still gives one output, hanging over the edge.
        """
        if not self.ceil:
            return self.numerator // self.stride + 1
        out = -(-self.numerator // self.stride) + 1
        # PyTorch: the last window must start inside the input or the left padding.
        if (out - 1) * self.stride >= self.size + self.pad_low:
            out -= 1
        return out

    def ceil_dropped(self) -> bool:
        """Ceil mode dropped its last window: it would start in the right padding (PyTorch's rule)."""
        if not self.ceil:
            return False
        out = -(-self.numerator // self.stride) + 1
        return (out - 1) * self.stride >= self.size + self.pad_low

    def ceil_drop_text(self) -> str:
        out = -(-self.numerator // self.stride) + 1
        return (f"ceil would give {out}, but window {out} would start at {(out - 1) * self.stride} in the padded "
                f"input, past the input and left padding ({self.size} + {self.pad_low}): PyTorch drops it")

    def keeping_padding(self) -> tuple[int, int] | None:
        """The (low, high) padding that fits exactly and keeps today's output size (what psame picks
        when the output is ceil(W/S)); None when none does or it is the padding already given."""
        total = (self.output - 1) * self.stride + self.span - self.size
        if total < 0 or total == self.pad_low + self.pad_high:
            return None
        return total // 2, total - total // 2

    def formula(self) -> str:
        """The output-size formula with the numbers in it: ``(224 - 11 + 2*0)/4 + 1``."""
        if self.dilation == 1:
            taken = f"{self.size} - {self.kernel}"
        else:
            taken = f"{self.size} - {self.dilation}*({self.kernel}-1) - 1"
        if self.pad_low == self.pad_high:
            padding = f"2*{self.pad_low}"
        else:
            padding = f"{self.pad_low} + {self.pad_high}"
        return f"({taken} + {padding})/{self.stride} + 1"

    def uncovered_tail(self) -> int:
        """Input (not padding) positions after the last window's last tap: never read."""
        last_tap = (self.output - 1) * self.stride + self.span - 1
        return max(0, self.pad_low + self.size - 1 - last_tap)

    def fitting_inputs(self) -> tuple[int | None, int]:
        """The nearest input sizes below and above this one that fit exactly."""
        remainder = self.numerator % self.stride
        below = self.size - remainder
        above = self.size + (self.stride - remainder) % self.stride
        return (below if below + self.pad_low + self.pad_high >= self.span and below >= 1 else None), above

    def fitting_paddings(self) -> tuple[int | None, int | None]:
        """Nearest symmetric paddings (below, above the current one) that fit; None if none does.

        Above is looked for up to 2 strides past the current padding. Closed form, not a
        search: a stride may have 60 digits. 2P = span - size (mod S) is solved for P.
        """
        if self.pad_low != self.pad_high:
            return None, None
        wanted, halves = (self.span - self.size) % self.stride, self.stride % 2 == 0
        if halves and wanted % 2:
            return None, None
        # P = first (mod period): halve when 2 divides S, else multiply by 2's inverse, (S+1)/2.
        period = self.stride // 2 if halves else self.stride
        first = wanted // 2 if halves else wanted * ((self.stride + 1) // 2) % self.stride
        least = max(0, -(-(self.span - self.size) // 2))  # the padded input must hold the kernel
        below = self.pad_low - 1 - (self.pad_low - 1 - first) % period
        start = max(self.pad_low + 1, least)
        above = start + (first - start) % period
        return (below if below >= least else None), (above if above <= self.pad_low + 2 * self.stride else None)

    def fitting_total_padding(self) -> int:
        """The smallest total padding >= the current total that fits (split low/high)."""
        total = self.pad_low + self.pad_high
        return total + (-(self.size + total - self.span)) % self.stride

    def rf_step(self) -> AxisStep:
        reach = self.dilation * (self.kernel - 1)
        text = f"({self.kernel}-1)" + (f"*{self.dilation}" if self.dilation != 1 else "")
        return AxisStep(reach, ratio(reach, 2) - self.pad_low, self.stride, text)

    def explain(self) -> str:
        """``(227 - 11 + 2*0)/4 + 1 = 55``, or ``... = 54.25 -> 54`` when it does not fit."""
        text = f"{self.formula()} = {format_fraction(self.exact_output)}"
        if self.ceil_dropped():
            return f"{text} -> {self.output} ({self.ceil_drop_text()})"
        return text if self.exact_output == self.output else f"{text} -> {self.output}"


class Sliding(Record):
    """A kernel sliding over every spatial axis: one Window each, and what the engine reads of them."""

    windows: tuple[Window, ...]
    outputs: tuple[int, ...]  # PyTorch's output size per axis (< 1 where the kernel does not fit)
    steps: tuple[AxisStep, ...]  # the receptive-field move per axis
    fits: bool  # every axis fits evenly
    exact_outputs: tuple[Fraction | int, ...]  # the unrounded output size per axis


# Networks slide the same few kernels over the same few sizes (every 3x3 conv of a stage, every
# layer of a dense block, each candidate of the fit search twice): worked out once per geometry.
# Bounded, so that a long batch of varied specs does not grow it without end.
@lru_cache(maxsize=4096)
def slide(spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...],
          padding: tuple[tuple[int, int], ...], dilation: tuple[int, ...], ceil: bool = False) -> Sliding:
    axes = tuple(map(window_facts, spatial, kernel, stride, padding, dilation, (ceil,) * len(spatial)))
    windows, outputs, steps, fits, exact = zip(*axes) if axes else ((),) * 5
    return Sliding(windows, outputs, steps, all(fits), exact)


# One axis's facts, shared by the axes of a square kernel on a square input and by every layer
# that slides the same window over the same size.
@lru_cache(maxsize=4096)
def window_facts(size: int, kernel: int, stride: int, padding: tuple[int, int], dilation: int, ceil: bool) -> tuple:
    window = Window(size, kernel, stride, padding[0], padding[1], dilation, ceil)
    return window, window.output, window.rf_step(), window.fits, window.exact_output


def fit_message(window: Window) -> str:
    """Why a window does not fit, with the user's numbers, and the nearest fixes."""
    exact = window.exact_output
    rounded = window.output
    mode = " (ceil mode)" if window.ceil else ""
    parts = [f"{window.formula()} = {format_fraction(exact)} -> {rounded}{mode}"]
    skipped = window.uncovered_tail()
    if window.ceil_dropped():
        parts.append(window.ceil_drop_text())
    if skipped:
        parts.append(f"the last {skipped} input position{'s are' if skipped != 1 else ' is'} never covered")
    elif window.ceil:
        parts.append("the last window hangs over the edge")
    else:
        parts.append("only padding is left unread; every input position is used")
    below, above = window.fitting_inputs()
    sizes = " or ".join(str(s) for s in (below, above) if s is not None)
    parts.append(f"inputs that fit: {sizes}")
    pad_below, pad_above = window.fitting_paddings()
    paddings = [f"p{p}" for p in (pad_below, pad_above) if p is not None]
    if paddings:
        parts.append(f"paddings that fit: {' or '.join(paddings)}")
    else:
        total = window.fitting_total_padding()
        keep = window.keeping_padding()
        grown = (window.size + total - window.span) // window.stride + 1
        if keep is None:
            parts.append(f"no symmetric padding fits; padding {total // 2} before + {total - total // 2} after does")
        else:  # the fix that keeps the output size first (what psame picks), then the one that grows it
            fixes = [f"padding {keep[0]} before + {keep[1]} after keeps the output at {window.output} (as psame)"]
            if sum(keep) != total:
                fixes.append(f"padding {total // 2} before + {total - total // 2} after gives {grown}")
            parts.append(f"no symmetric padding fits; {' or '.join(fixes)}")
    return "; ".join(parts)


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow's 'same': output ceil(W/S); padding total split low/high (extra goes high)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2
