"""Issue 13 surfaces beyond the golden data: labels, -q, --memory, conventions' parameter totals.
Numbers are hand calculations written here."""

from __future__ import annotations

import json


def test_quiet_prints_only_the_result(run_cli):
    result = run_cli("-q", "-i", "3x32x32", "conv3x3x8")
    assert result.exit_code == 0
    assert "MACs = multiply-adds" not in result.stdout  # no caption
    assert "Activations:" not in result.stdout
    assert "Total: 224 params" in result.stdout  # 8*27 + 8


def test_the_input_label_follows_its_rank(run_cli):
    assert "input 784x1 (C x W)" in run_cli("-i", "784x1", "fc10").stdout
    assert "input 784 (features)" in run_cli("-i", "784", "fc10").stdout
    assert "(C x D x H x W)" in run_cli("-i", "1x8x8x8", "conv3").stdout
    assert "(H x W x C)" in run_cli("-i", "8x8x1", "--layout", "hwc", "conv3").stdout


def test_memory_convention_is_labelled(run_cli):
    # cs231n: three 224x224x64 volumes, ReLU in place: 9,633,792 values x 4 B x 2 (gradients) = 77,070,336
    spec = "conv3x3p1x64,relu,conv3x3p1x64,relu,conv3x3p1x64,relu"
    result = run_cli("-i", "3x224x224", "--memory", "training", spec)
    assert result.exit_code == 0
    assert "Memory (training)" in result.stdout
    assert "Memory shown: training" in result.stdout and "77,070,336 bytes" in result.stdout
    stored = run_cli("-i", "3x224x224", "--memory", "stored", spec).stdout
    assert "38,535,168" in stored  # 9,633,792 x 4


def test_counts_line_gives_the_model_size(run_cli):
    result = run_cli("vgg16", "--no-color")
    assert "138,357,544 x 4 B = 553,430,176 bytes" in result.stdout


def test_conventions_show_keras_and_pytorch_parameter_totals(run_cli):
    # conv 8*27 + 8 = 224; bn 2*8 = 16 params, 16 buffers (Keras non-trainable); total 256
    result = run_cli("conventions", "-i", "3x32x32", "conv3x3x8,bn")
    assert "PyTorch parameters() 240 (+ 16 buffer values)" in result.stdout
    assert "Total params 256 = 240 trainable + 16 non-trainable" in result.stdout
    document = json.loads(run_cli("conventions", "--json", "-i", "3x32x32", "conv3x3x8,bn").stdout)
    assert document["params"]["keras"]["total_params"] == 256


def test_tconv_psame_shows_the_pytorch_padding(run_cli):
    result = run_cli("-i", "64x7x7", "--no-color", "tconv5x5s2psamex64")
    assert "tconv5x5s2psamex64 (p2 op1)" in result.stdout
    assert "64x14x14" in result.stdout  # Keras 'same': 7*2


def test_whole_input_field_is_said(run_cli):
    result = run_cli("-i", "3x32x32", "--no-color", "conv3x3x8,gap,fc10")
    assert "whole 32/" in result.stdout


def test_api_solve_transposed_and_ceil():
    from convcalc import solve

    # 2P = (7-1)*2 + (5-1) + 1 + OP - 14 = 3 + OP: OP = 1 makes it even, P = 2
    answer = solve(W=7, K=5, S=2, O=14, transposed=True)
    assert [s.value for s in answer.solutions] == [2] and "(op 1)" in answer.solutions[0].check
    # ceil((5 + 2 - 2)/2) + 1 = 4, but window 4 starts at 6 >= 5 + 1: dropped, O = 3
    answer = solve(W=5, K=2, S=2, P=1, ceil=True)
    assert [s.value for s in answer.solutions] == [3] and "PyTorch drops it" in answer.notes[0]
    # TensorFlow 'same', K = 4 on 32: total 3 = 1 before + 2 after
    assert "1 before + 2 after" in solve(W=32, K=4, same=True).notes[0]
