"""Counting conventions (issue 7): totals per tool, the breakdown by cause, --convention, --flops."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

CASES = tomllib.loads((Path(__file__).parent / "data" / "conventions.toml").read_text())["case"]
NAMES = ("torchvision", "torchinfo", "ptflops", "torch")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_convention_totals(case, run_cli):
    rows = json.loads(run_cli("conventions", "--json", "-i", case["input"], case["spec"]).stdout)["conventions"]
    totals = {row["name"]: row["total"] for row in rows}
    for name in NAMES:
        if name in case:
            assert totals[name] == case[name], name


def test_breakdown_explains_the_difference(run_cli):
    # ResNet-50 under torchinfo: + 1,000 fc biases + 53,120 BN scale/shift (hand: sum of 2C over its BNs).
    out = run_cli("conventions", "resnet50").stdout
    assert "bias +1,000; norms +53,120" in out
    assert "x2 for FLOPs +4,089,184,256" in out


def test_convention_flag_and_json(run_cli, run_json):
    spec = ["-i", "3x32x32", "conv3x3p1x64,bn,relu,maxpool2,conv3x3p1x128,bn,relu,gap,fc10"]
    document = run_json("--convention", "ptflops", *spec)
    assert document["convention"]["total"] == 21333258  # ptflops 0.7.5, measured (tests/data/conventions.toml)
    assert document["total"]["macs"] == 20645120  # "macs" stays torchvision's whatever the convention
    assert document["convention"]["flops"] == 2 * 21333258
    table = run_cli("--convention", "torchinfo", *spec).stdout
    assert "Mult-Adds (torchinfo)" in table and "20,743,818" in table


def test_flops_flag(run_cli):
    out = run_cli("--flops", "-i", "3x32x32", "conv3x3p1x64").stdout
    assert "FLOPs" in out and "3,538,944 FLOPs" in out  # 2 * 64*32*32*27


def test_unsupported_layer_is_an_error_not_a_guess(run_cli):
    result = run_cli("--convention", "ptflops", "-i", "3x32x32", "conv3p1x8,lrn")
    assert result.exit_code == 2 and "ptflops counts lrn" in result.stderr
    rows = json.loads(run_cli("conventions", "--json", "-i", "3x32x32", "conv3p1x8,lrn").stdout)["conventions"]
    assert "unsupported" in next(row for row in rows if row["name"] == "ptflops")


def test_effective_stride_in_json(run_json):
    field = run_json("-i", "3x64x64", "conv3p1,pool2,conv3p1")["layers"][2]["receptive_field"]
    assert field["effective_stride"] == [2, 2] and field["size"] == [8, 8]  # hand: golden rf-conv-pool-conv
