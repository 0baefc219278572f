"""The whole-network fit search (fixes.py) against a brute-force search: every size within the
span, each analysed whole with --strict. Pins its answers for any faster search (issue 14): the
residue-class search (``fitting_classes``) must find exactly what trying every size finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convcalc
from convcalc.fixes import EVERY_SIZE, SEARCH_SPAN, Congruence, fitting_classes, fitting_inputs, search

SPECS = [
    ("conv11x11s4x96,relu", "3x224x224"),
    ("conv3s2x8,conv3s2x8,pool2", "3x50x50"),
    ("conv7s2p3x16,maxpool3s2p1,res(conv3s2p1x16 | conv1s2x16),gap,fc10", "3x100x100"),
    ("conv5s3x4,[conv3s2x4]*2", "2x77x77"),
    ("cat(conv3s2x4 | pool3s2),conv2s2x4", "3x40x40"),
    ("conv5s4x4,conv3s3x4", "1x300"),
    ("resnet50", "3x224x224"),
    ("resnet50", "3x200x200"),
    # Ceil-mode pools, 1x1 branches beside strided ones.
    ("googlenet", "3x230x230"),
    ("densenet121", "3x230x230"),
    # Squeeze-excitation gates (a global pool inside a gate, before later strides): the gate does not
    # break the residue class (fixes.gated); nor does a strided pool, or an upsampling, inside it.
    ("mobilenet_v3_small", "3x230x230"),
    ("efficientnet_b0", "3x230x230"),
    ("conv3s2p1x8,mul(pool2,gap,conv1x1x8,sigmoid),conv3s2p1x8", "3x61x61"),
    ("conv3s2p1x8,mul(up2,gap,conv1x1x8,sigmoid),conv3s2p1x8", "3x61x61"),
    # Upsampling, psame's input-dependent padding, asymmetric padding, zero padding: every size is tried.
    ("conv3s2x4,up2,conv3s2x4", "1x61x61"),
    ("conv3s2psamex4,conv3s2x4", "1x61x61"),
    ("pad1,conv3s2x4,conv3s2x4", "1x61x61"),
    ("conv4s2psamex4,conv3s2x4", "1x60x60"),
    ("conv2psamex4,conv3s2x4", "1x60x60"),
    ("[conv3s2psamex4]*1,conv3s2x4", "1x63x63"),  # inside a block, it breaks the class after it too
    # A resize or adaptive pool that happens to keep its input's size here but not at others.
    ("conv3s2p1x4,resize31x31,conv3s2x4", "1x62x62"),
    ("conv3s2p1x4,aap31,conv3s2x4", "1x62x62"),  # psame at stride 1: fixed padding, but 0 before + 1 after
    # Branches whose fields are not aligned: no size makes both agree.
    ("res(conv3s2x4 | pool2)", "4x61x61"),
    # Nothing fits within the span: strides multiplying past it.
    ("[conv1s2x2]*9", "1x700"),
]


def fits(spec: str, channels: str, n: int, rank: int) -> bool:
    try:
        convcalc.analyse(spec, input="x".join([channels] + [str(n)] * rank), strict=True)
    except convcalc.SpecError:
        return False
    return True


def brute_force(spec: str, shape: str) -> dict:
    channels, *spatial = shape.split("x")
    size, rank = int(spatial[0]), len(spatial)
    below = next((n for n in range(size - 1, max(size - SEARCH_SPAN, 0), -1) if fits(spec, channels, n, rank)), None)
    above = next((n for n in range(size + 1, size + SEARCH_SPAN + 1) if fits(spec, channels, n, rank)), None)
    return {"below": None if below is None else [int(channels)] + [below] * rank,
            "above": None if above is None else [int(channels)] + [above] * rank}


@pytest.mark.parametrize("spec, shape", SPECS)
def test_fit_search_matches_brute_force(spec, shape):
    channels, *spatial = shape.split("x")
    document = convcalc.analyse(spec, input=shape).to_dict()
    if fits(spec, channels, int(spatial[0]), len(spatial)):
        assert "fitting_inputs" not in document
    else:
        assert document["fitting_inputs"] == brute_force(spec, shape)


@pytest.mark.parametrize("spec, shape, expected", [
    # conv7s2p3 then maxpool3s2p1 and three more stride-2 stages: X = 1 (mod 32), by hand:
    # conv1's field starts at 3 - 3 = 0 with jump 2, so X - 1 = 0 (mod 2); the pool's at
    # 0 + (1 - 1)*2 = 0, jump 4; each later 3x3 s2 p1 conv keeps the start and doubles the jump.
    ("resnet50", "3x224x224", (Congruence(1, 32),) * 2),
    # conv11s4p0: start 5, jump 4 -> X = 11 (mod 4) = 3 (mod 4); then pool3s2: start 5 + 1*4 = 9,
    # jump 8 -> X = 19 (mod 8) = 3 (mod 8). AlexNet's 227 = 3 (mod 8).
    ("conv11s4x96,pool3s2", "3x224x224", (Congruence(3, 8),) * 2),
    # A pool after a global pool sees a 1x1 input whatever X is: the argument does not apply.
    ("gap,conv1s2", "3x64x64", (EVERY_SIZE,) * 2),
    # A gate's global pool sizes only the gate: conv3s2p1's field starts at 1 - 1 = 0 with jump 2,
    # X = 1 (mod 2); the second's at 0 + 0*2 = 0, jump 4: X = 1 (mod 4).
    ("conv3s2p1x8,mul(gap,conv1x1x8,sigmoid),conv3s2p1x8", "3x64x64", (Congruence(1, 4),) * 2),
    # Misaligned branches, whose sizes agree at 61 only by rounding: the body's field starts at 1
    # with jump 2 (X = 3 = 1 mod 2), the shortcut pool's at 1/2 (X = 2 = 0 mod 2): no size fits.
    ("res(conv3s2x4 | pool2)", "4x61x61", (Congruence(0, 0),) * 2),
])
def test_fitting_classes_by_hand(spec, shape, expected):
    analysis = convcalc.analyse(spec, input=shape).analysis
    assert fitting_classes(analysis.rows, analysis.input.rank) == expected


@st.composite
def networks(draw):
    """Small stacks of strided convs and pools, some inside res or cat blocks, some after layers
    that break the argument, at a random input."""
    def layer():
        kernel, stride, pad, dilation = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(0, 2)), \
            draw(st.integers(1, 2))
        if draw(st.booleans()):
            return f"conv{kernel}s{stride}p{pad}d{dilation}x2"
        kernel = max(kernel, 2 * pad)  # pooling pads at most half its window
        return f"{draw(st.sampled_from(['max', 'avg']))}pool{kernel}s{stride}p{pad}{draw(st.sampled_from(['', 'ceil']))}"

    # Layers that break the residue-class argument (the search must then fall back to every size),
    # and squeeze-excitation gates, whose global pool sizes only the gate (fixes.gated): with a
    # strided window or a breaker before the pool inside the gate, one nested in a block, two
    # operands, no global window at all.
    breakers = ["up2", "pad1", "conv3s2psamex2", "conv2psamex2", "aap5", "gap",
                "mul(gap, conv1x1x2, sigmoid)", f"mul({layer()}, gap, conv1x1x2, sigmoid)",
                "mul(up2, gap, conv1x1x2, sigmoid)", "mul(pad1, avgpool2, gap, conv1x1x2)",
                "mul([gap, conv1x1x2], sigmoid)", "mul(id | gap, conv1x1x2, sigmoid)", "mul(pool2s1)",
                # Breakers inside blocks: what breaks inside a block breaks after it.
                "[conv3s2psamex2]*1", "[aap5]*1", "cat(up2 | up2)"]
    items = []
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(["layer", "layer", "res", "cat", "breaker"]))
        if shape == "layer":
            items.append(layer())
        elif shape == "res":
            stride = draw(st.integers(1, 3))
            items.append(f"res(conv3s{stride}p1x2,relu | conv1s{stride}x2)")
        elif shape == "cat":
            items.append(f"cat({layer()} | {layer()})")
        else:
            items.append(draw(st.sampled_from(breakers)))
    rank = draw(st.integers(1, 2))
    spatial = [draw(st.integers(6, 90))] * rank if draw(st.booleans()) else \
        [draw(st.integers(6, 90)) for _ in range(rank)]
    return ",".join(items), "x".join(["2", *map(str, spatial)])


@st.composite
def gated_networks(draw):
    """Strided convs and pools with squeeze-excitation gates between them, some gates holding a
    strided window or an upsampling before their global pool: the class must hold every size
    that fits, the gates' own layers' conditions included."""
    def window():
        kernel, stride = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        pad = draw(st.integers(0, kernel // 2))
        return draw(st.sampled_from([f"conv{kernel}s{stride}p{pad}x2", f"maxpool{max(kernel, 2 * pad)}s{stride}p{pad}"]))

    items = []
    for _ in range(draw(st.integers(2, 5))):
        items.append(draw(st.sampled_from([
            window(), window(), "mul(gap, conv1x1x2, sigmoid)", f"mul({window()}, gap, conv1x1x2, sigmoid)",
            "mul(up2, gap, conv1x1x2, hsigmoid)", f"res({window()},mul(gap,conv1x1x2,sigmoid) | id)"])))
    rank = draw(st.integers(1, 2))
    return ",".join(items), "x".join(["2", *map(str, [draw(st.integers(8, 120))] * rank)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(networks())
def test_residue_classes_find_what_every_size_finds(network):
    assert_class_search_finds_what_every_size_finds(network)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(gated_networks())
def test_gates_keep_the_residue_class(network):
    assert_class_search_finds_what_every_size_finds(network)


def assert_class_search_finds_what_every_size_finds(network):
    spec, shape = network
    try:
        report = convcalc.analyse(spec, input=shape)
    except convcalc.SpecError:
        return  # a window larger than its input, branches that disagree: no analysis to fix
    analysis = report.analysis
    every = search(report.document, analysis.input, len(analysis.leaves()), report.options.max_layers,
                   (EVERY_SIZE,) * analysis.input.rank)
    assert fitting_inputs(report.document, analysis, report.options.max_layers) == every
