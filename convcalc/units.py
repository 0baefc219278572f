"""Human-readable numbers: decimal units for counts, binary units for bytes."""

from __future__ import annotations

from fractions import Fraction

COUNT_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))
BYTE_UNITS = ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"))


def human_count(value: int) -> str:
    """1792 -> 1.79 K, 4089184256 -> 4.09 G, 118013952 -> 118 M: three significant digits."""
    for scale, unit in COUNT_UNITS:
        if abs(value) >= scale:
            return f"{three_digits(Fraction(value, scale))} {unit}"
    return str(value)


def three_digits(value: Fraction) -> str:
    """1.79, 12.8, 118, 1250 (above 999 of the largest unit, the whole number).

    Exact: a count can pass 10^308, where a float would overflow.
    """
    if abs(value) >= 100:
        return str(round(value))
    value = float(value)
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def human_bytes(value: int) -> str:
    for scale, unit in BYTE_UNITS:
        if value >= scale:
            return f"{three_digits(Fraction(value, scale))} {unit}"
    return f"{value} B"


def plain(value) -> int | float:
    """An exact number for JSON: an int when whole, else the nearest float."""
    if not isinstance(value, (int, Fraction)):  # building a Fraction is slow: only when needed
        value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def short_fraction(value) -> str:
    """8, 5.5 or 7/3: compact exact text for table cells."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if (value.denominator & (value.denominator - 1)) == 0 and value.denominator <= 1024:
        return f"{float(value):g}"
    return str(value)
