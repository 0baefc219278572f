"""Spec files, shipped examples, nested JSON and the table's depth (issue 3)."""

from __future__ import annotations

import pytest

from convcalc.sources import example_names

RESNET_BLOCK_FILE = """\
# a two-stage toy ResNet, written the way the paper's table reads
input 3x32x32
basic(c, s) = res(conv3x3s{s}p1x{c}nb, bn, relu,
                  conv3x3p1x{c}nb, bn
                  | conv1x1s{s}x{c}nb, bn), relu

conv3x3p1x16nb -> bn -> relu      # stem
basic(16, 1)
basic(32, 2)
gap, fc10
"""
# Hand count: stem 16*3*9 = 432 + bn 32; block 1: 16*16*9*2 + 16*16 = 4,864 + 3 bns 96;
# block 2: 32*16*9 + 32*32*9 + 32*16 = 14,336 + 3 bns 192; fc 32*10 + 10 = 330.
RESNET_BLOCK_PARAMS = 432 + 32 + 4864 + 96 + 14336 + 192 + 330


def write(tmp_path, text, name="net.cnn"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_file_with_blocks_input_line_and_arrows(tmp_path, run_json):
    doc = run_json("-f", write(tmp_path, RESNET_BLOCK_FILE))
    assert doc["input"] == [3, 32, 32]  # from the file's input line
    assert doc["total"]["params"] == RESNET_BLOCK_PARAMS
    assert doc["total"]["output"] == [10]
    assert [row["layer"] for row in doc["layers"][:3]] == ["conv3x3p1x16nb", "bn", "relu"]
    block = doc["layers"][4]
    assert block["layer"] == "basic(32, 2)" and block["output"] == [32, 16, 16]


def test_file_as_path_argument_and_input_override(tmp_path, run_json):
    path = write(tmp_path, RESNET_BLOCK_FILE)
    doc = run_json("-i", "3x64x64", path)
    assert doc["input"] == [3, 64, 64]
    assert doc["layers"][4]["output"] == [32, 32, 32]


def test_json_nests_blocks_and_every_level_sums(run_json):
    doc = run_json("resnet18")

    def check(rows):
        for row in rows:
            nested = row.get("children", []) + [r for b in row.get("branches", []) for r in b]
            if nested:
                for key in ("params", "buffers", "macs", "memory_bytes"):
                    assert row[key] == sum(r[key] for r in nested), (row["layer"], key)
                check(nested)

    check(doc["layers"])
    for key in ("params", "macs", "memory_bytes"):
        assert doc["total"][key] == sum(row[key] for row in doc["layers"])
    residual = next(r for r in doc["layers"] if r["layer"] == "down(128)")
    assert residual["kind"] == "block"
    res = residual["children"][0]
    assert res["kind"] == "res" and len(res["branches"]) == 2
    assert [r["layer"] for r in res["branches"][1]] == ["conv1x1s2x128nb", "bn"]  # parameters filled in


def test_depth_collapses_the_table(run_cli):
    full = run_cli("resnet50").stdout
    shallow = run_cli("resnet50", "--depth", "1").stdout
    assert "conv1x1x64nb" in full and "conv1x1x64nb" not in shallow
    assert "project(64, 256, 1, 1)" in shallow and "[bottleneck(64, 256, 1)]*2" in shallow
    assert "25,557,032 params" in shallow  # totals are kept when rows are folded


def test_table_shows_branches_nested(run_cli):
    out = run_cli("-i", "64x56x56", "cat(id | bn,relu,conv1x1x128nb)").stdout
    assert "├ id" in out and "├ bn" in out and "│ relu" in out


def test_examples_listed_and_runnable(run_cli):
    listed = run_cli("examples").stdout
    for name in ("lenet5", "alexnet", "alexnet2012", "zfnet", "vgg16", "vgg16_bn", "resnet18", "resnet50",
                 "googlenet", "densenet121"):
        assert name in listed
        assert name in example_names()
    assert run_cli("--list-examples").stdout == listed
    # Grouped by family, each with its input, params and MACs (torchvision's published numbers:
    # ResNet-50 25,557,032 params, 4.09 GFLOPS as multiply-adds; EfficientNet-B7 at 600).
    lines = listed.splitlines()
    family = lines.index("ResNet, ResNeXt, Wide ResNet")
    resnet50 = next(line for line in lines if line.split()[:1] == ["resnet50"])
    assert lines.index(resnet50) > family and resnet50.startswith("  ")
    assert "3x224x224" in resnet50 and "25,557,032 params" in resnet50 and "4.09 G MACs" in resnet50
    assert "3x600x600" in next(line for line in lines if line.split()[:1] == ["efficientnet_b7"])
    assert "138,357,544 params" in run_cli("vgg16").stdout


@pytest.mark.parametrize("name", example_names())
def test_examples_name_their_source(name):
    from convcalc.sources import example_text

    header = example_text(name).splitlines()[0]
    assert header.startswith("# ") and any(str(year) in header for year in range(1998, 2030))


def test_missing_file_is_a_clean_error(run_cli):
    result = run_cli("nowhere.cnn")
    assert result.exit_code == 2
    assert "cannot read spec file 'nowhere.cnn'" in result.stderr
    assert "Traceback" not in result.stderr
