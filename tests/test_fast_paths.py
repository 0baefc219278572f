"""Arithmetic rewritten for speed (issue 14) against the textbook formulas it replaced, written
here with Python's Fractions: Araujo's effective padding (size - 1)/2 - start, the unrounded
output size N/S + 1, and the shared sliding-window facts (geometry.slide) against one window's own
formulas (floor((W + 2P - D(K-1) - 1)/S) + 1)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from convcalc.engine import Field
from convcalc.geometry import Window, slide

exact = st.one_of(st.integers(-10**6, 10**6),
                  st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4))


@given(st.lists(st.tuples(exact, exact), min_size=1, max_size=3))
def test_effective_padding_is_half_the_size_less_one_minus_the_start(axes):
    sizes, starts = zip(*axes)
    got = Field(sizes, (1,) * len(axes), starts, (1,) * len(axes)).effective_padding()
    assert got == tuple((Fraction(r) - 1) / 2 - s for r, s in axes)
    assert all(type(value) is int for value in got if Fraction(value).denominator == 1), "whole values are ints"


windows = st.builds(lambda size, kernel, stride, low, high, dilation, ceil: (size, kernel, stride, low, high, dilation, ceil),
                    st.integers(1, 500), st.integers(1, 12), st.integers(1, 9), st.integers(0, 6), st.integers(0, 6),
                    st.integers(1, 4), st.booleans())


@given(windows)
def test_exact_output_is_the_room_over_the_stride_plus_one(window):
    size, kernel, stride, low, high, dilation, ceil = window
    room = size + low + high - dilation * (kernel - 1) - 1
    assert Window(*window).exact_output == Fraction(room, stride) + 1


@given(st.lists(windows, min_size=1, max_size=3))
def test_slide_reports_each_windows_own_numbers(axes):
    ceil = axes[0][6]
    spatial, kernel, stride, padding, dilation = (tuple(a[0] for a in axes), tuple(a[1] for a in axes),
                                                  tuple(a[2] for a in axes), tuple((a[3], a[4]) for a in axes),
                                                  tuple(a[5] for a in axes))
    sliding = slide(spatial, kernel, stride, padding, dilation, ceil)
    for n, window in enumerate(sliding.windows):
        size, k, s, (low, high), d = spatial[n], kernel[n], stride[n], padding[n], dilation[n]
        room = size + low + high - d * (k - 1) - 1
        floor_output = room // s + 1
        assert window == Window(size, k, s, low, high, d, ceil)
        if not ceil:
            assert sliding.outputs[n] == floor_output
        assert sliding.exact_outputs[n] == Fraction(room, s) + 1
    assert sliding.fits == all(
        (spatial[n] + padding[n][0] + padding[n][1] - dilation[n] * (kernel[n] - 1) - 1) % stride[n] == 0
        for n in range(len(axes)))
