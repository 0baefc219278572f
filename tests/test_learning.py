"""Learning tools (issue 4): --explain, explain, solve, compare, report formats."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest
from helpers import walk

SOLVE_CASES = tomllib.loads((Path(__file__).parent / "data" / "solve.toml").read_text())["case"]

# AlexNet conv1 at 227, worked by hand (Krizhevsky 2012 / cs231n):
ALEXNET_CONV1_LINES = [
    "H' = (227 - 11 + 2*0)/4 + 1 = 55",  # 216/4 + 1
    "params = 96*(3*11*11) + 96 = 34,944",  # 96*363 + 96
    "MACs = 96*55*55*(3*11*11) = 105,415,200",  # 290,400 outputs * 363
    "RF = 1 + (11-1)*1 = 11",
]


def test_explain_command_alexnet_conv1(run_cli):
    out = run_cli("explain", "-i", "3x227x227", "conv11x11s4x96").stdout
    for line in ALEXNET_CONV1_LINES:
        assert line in out


def test_explain_in_json_and_table(run_cli, run_json):
    doc = run_json("--explain", "-i", "3x227x227", "conv11x11s4x96")
    lines = doc["layers"][0]["explain"]
    for expected in ALEXNET_CONV1_LINES:
        assert any(expected in line for line in lines), expected
    table = run_cli("--explain", "-i", "3x227x227", "conv11x11s4x96").stdout
    assert "params = 96*(3*11*11) + 96 = 34,944" in table


def test_explain_grouped_and_fc(run_json):
    doc = run_json("--explain", "-i", "96x27x27", "conv5x5p2g2x256,gap,fc10")
    conv, _, fc = (layer["explain"] for layer in doc["layers"])
    assert "params = 256*(96/2*5*5) + 256 = 307,456" in conv  # Krizhevsky's two groups of 48
    assert "params = 256*10 + 10 = 2,570" in fc


def test_explain_without_flag_adds_nothing(run_json):
    assert "explain" not in run_json("-i", "3x32x32", "conv3")["layers"][0]


@pytest.mark.parametrize("case", SOLVE_CASES, ids=[c["name"] for c in SOLVE_CASES])
def test_solve(case, run_cli):
    result = run_cli("solve", "--json", *case["args"])
    answer = json.loads(result.stdout)
    assert answer["unknown"] == case["unknown"]
    assert [s["value"] for s in answer["solutions"]] == case["values"]
    assert [s["exact"] for s in answer["solutions"]] == case["exact"]
    if case["values"]:
        assert result.exit_code == 0
    else:
        assert result.exit_code == 1
        assert case["reason"] in answer["impossible"]
    if "inverted" in case:  # the equation or inequality, in the user's numbers
        assert case["inverted"] in answer["inverted"]
    if "note" in case:  # e.g. the exact before/after split of 'same' padding
        assert any(case["note"] in note for note in answer["notes"]), answer["notes"]


def test_solve_text_names_formula_and_solutions(run_cli):
    out = run_cli("solve", "-K", "3", "-S", "2", "-P", "1", "-O", "56").stdout
    assert "O = floor((W + 2P - D(K-1) - 1)/S) + 1" in out
    assert "W = 111   exact fit" in out and "W = 112   non-integer fit" in out


def test_solve_usage_errors(run_cli):
    result = run_cli("solve", "-W", "5")
    assert result.exit_code == 2 and "give all but one" in result.stderr
    # Issue 13: --same solves for the padding; -P with it is a usage error (not a dilation solve).
    result = run_cli("solve", "-W", "63", "-K", "7", "--same", "-P", "3")
    assert result.exit_code == 2 and "--same solves for the padding" in result.stderr
    result = run_cli("solve", "-W", "7", "-K", "5", "-S", "2", "-O", "14", "--op", "1")
    assert result.exit_code == 2 and "add --transposed" in result.stderr


def test_compare_ratios(run_cli):
    # 5x5 vs two 3x3 on 64 channels: MACs 64*32*32*64*25 : 2*64*32*32*64*9 = 25 : 18
    out = run_cli("compare", "-i", "64x32x32", "conv5x5p2x64", "conv3x3p1x64,relu,conv3x3p1x64").stdout
    assert "(= 25 : 18)" in out
    assert "5x5" in out  # both see a 5x5 field
    # 3x3 on 128 channels vs a 1x1 bottleneck: 128*128*9 = 147,456 : 128*32 + 32*128*9 = 40,960
    out = run_cli("compare", "-i", "128x32x32", "conv3x3p1x128nb", "conv1x1x32nb,conv3x3p1x128nb").stdout
    assert "147,456 : 40,960" in out


def test_compare_example_names_json(run_cli):
    doc = json.loads(run_cli("compare", "--json", "vgg16", "resnet50").stdout)
    assert doc["totals"]["params"]["a"] == 138357544  # torchvision published
    assert doc["totals"]["params"]["b"] == 25557032


def test_markdown_is_a_github_table(run_cli):
    out = run_cli("--format", "markdown", "-i", "3x32x32", "conv3p1x8,cat(id | conv1x1x4),pool2,fc10").stdout
    lines = out.splitlines()
    assert lines[1].startswith("|---")

    def cells(line):
        return line.replace("\\|", "").strip("|").split("|")

    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert len({len(cells(line)) for line in lines}) == 1
    assert "`cat(id \\| conv1x1x4)`" in out


def test_csv_matches_json(run_cli, run_json):
    spec = ["-i", "3x224x224", "resnet18"]
    rows = list(csv.DictReader(io.StringIO(run_cli("--format", "csv", *spec).stdout)))
    doc = run_json(*spec)

    by_index = {layer["index"]: layer for layer in walk(doc["layers"])}
    assert len(rows) == len(by_index)
    for row in rows:
        layer = by_index[row["index"]]
        for key in ("params", "buffers", "macs", "flops", "memory_bytes"):
            assert int(row[key]) == layer[key]
        assert row["output"] == "x".join(map(str, layer["output"]))


def test_whole_network_fix_for_alexnet_conv1_at_224(run_cli, run_json):
    doc = run_json("-i", "3x224x224", "conv11x11s4x96")
    assert doc["fitting_inputs"]["above"] == [3, 227, 227]  # (227-11)/4+1 = 55
    warning = doc["layers"][0]["warnings"][0]
    assert "padding 1 before + 2 after" in warning  # (224 - 11 + 3)/4 + 1 = 55
    assert "every layer fits evenly at input 3x223x223 or 3x227x227" in run_cli("-i", "3x224x224",
                                                                              "conv11x11s4x96").stdout


def test_whole_network_fix_resnet50(run_json):
    # Hand: conv1 s2 p3, pool s2 p1 and the three stride-2 stages all fit only for W = 32k + 1.
    doc = run_json("resnet50")
    assert doc["fitting_inputs"] == {"below": [3, 193, 193], "above": [3, 225, 225]}


def test_svg_and_html(run_cli, tmp_path):
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = run_cli("-i", "3x32x32", "conv3p1x8,pool2", "--svg", str(svg), "--html", str(html))
    assert result.exit_code == 0
    assert svg.read_text().lstrip().startswith("<svg") and "conv3p1x8" in svg.read_text()
    assert "conv3p1x8" in html.read_text() and "<html" in html.read_text().lower()
