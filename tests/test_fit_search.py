"""The whole-network fit search (fixes.py) against a brute-force search: every size within the
span, each analysed whole with --strict. Pins its answers for any faster search (issue 14)."""

from __future__ import annotations

import pytest

import convcalc
from convcalc.fixes import SEARCH_SPAN

SPECS = [
    ("conv11x11s4x96,relu", "3x224x224"),
    ("conv3s2x8,conv3s2x8,pool2", "3x50x50"),
    ("conv7s2p3x16,maxpool3s2p1,res(conv3s2p1x16 | conv1s2x16),gap,fc10", "3x100x100"),
    ("conv5s3x4,[conv3s2x4]*2", "2x77x77"),
    ("cat(conv3s2x4 | pool3s2),conv2s2x4", "3x40x40"),
    ("conv5s4x4,conv3s3x4", "1x300"),
    ("resnet50", "3x224x224"),
]


def fits(spec: str, channels: str, n: int, rank: int) -> bool:
    try:
        convcalc.analyse(spec, input="x".join([channels] + [str(n)] * rank), strict=True)
    except convcalc.SpecError:
        return False
    return True


@pytest.mark.parametrize("spec, shape", SPECS)
def test_fit_search_matches_brute_force(spec, shape):
    channels, *spatial = shape.split("x")
    size, rank = int(spatial[0]), len(spatial)
    document = convcalc.analyse(spec, input=shape).to_dict()
    below = next((n for n in range(size - 1, max(size - SEARCH_SPAN, 0), -1) if fits(spec, channels, n, rank)), None)
    above = next((n for n in range(size + 1, size + SEARCH_SPAN + 1) if fits(spec, channels, n, rank)), None)
    expected = {"below": None if below is None else [int(channels)] + [below] * rank,
                "above": None if above is None else [int(channels)] + [above] * rank}
    if fits(spec, channels, size, rank):
        assert "fitting_inputs" not in document
    else:
        assert document["fitting_inputs"] == expected
