"""Human-readable numbers: decimal units for counts, binary units for bytes."""

from __future__ import annotations

from fractions import Fraction

COUNT_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))
BYTE_UNITS = ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB"))


def human_count(value: int) -> str:
    """1792 -> 1.79 K, 4089184256 -> 4.09 G, 118013952 -> 118 M: three significant digits."""
    for scale, unit in COUNT_UNITS:
        if abs(value) >= scale:
            return f"{three_digits(value, scale)} {unit}"
    return str(value)


def three_digits(value: int, scale: int) -> str:
    """value / scale as 1.79, 12.8, 118, 1250 (above 999 of the largest unit, the whole number).

    Exact: a count can pass 10^308, where a float would overflow. Integer arithmetic, not
    Fraction: a table shows three of these a row, and a Fraction costs microseconds.
    """
    if abs(value) >= 100 * scale:
        whole, rest = divmod(value, scale)
        return str(whole + (2 * rest > scale or (2 * rest == scale and whole % 2 == 1)))  # half to even, as round()
    ratio = value / scale  # int / int is correctly rounded, as float(Fraction(value, scale))
    return f"{ratio:.2f}" if abs(ratio) < 10 else f"{ratio:.1f}"


def human_bytes(value: int) -> str:
    for scale, unit in BYTE_UNITS:
        if value >= scale:
            return f"{three_digits(value, scale)} {unit}"
    return f"{value} B"


def plain(value) -> int | float:
    """An exact number for JSON: an int when whole, else the nearest float."""
    if not isinstance(value, (int, Fraction)):  # building a Fraction is slow: only when needed
        value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def short_fraction(value) -> str:
    """8, 5.5 or 7/3: compact exact text for table cells."""
    if isinstance(value, int):  # the usual case, without building a Fraction
        return str(value)
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if (value.denominator & (value.denominator - 1)) == 0 and value.denominator <= 1024:
        return f"{float(value):g}"
    return str(value)
