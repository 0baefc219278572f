"""`use NAME` in spec files: blocks from other files (issue 12). Single-file cases are
data in tests/data/{valid,invalid}/use.toml; these need several files."""

from __future__ import annotations

from convcalc.sources import example_names, example_text, is_library, network_names

COMMON = "act = relu\n"
# nets/lib/blocks.cnn: paths are relative to the file that says `use`, not to the working directory.
BLOCKS = "use ../../common.cnn\nunit(c) = conv3x3p1x{c}nb, bn, act\n"
NET = "input 3x8x8\nuse lib/blocks.cnn\nuse ../common.cnn\nunit(4), unit(8), gap, fc2\n"
# conv 4*3*9 + bn 8; conv 8*4*9 + bn 16; fc 8*2 + 2
NET_PARAMS = 108 + 8 + 288 + 16 + 18


def write_tree(root, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_paths_are_relative_to_the_using_file(tmp_path, run_json, monkeypatch):
    # nets/net.cnn uses nets/lib/blocks.cnn, which uses common.cnn; net.cnn uses common.cnn too
    # (reached twice: the same definition, no conflict).
    write_tree(tmp_path, {"common.cnn": COMMON, "nets/lib/blocks.cnn": BLOCKS, "nets/net.cnn": NET})
    monkeypatch.chdir(tmp_path)
    doc = run_json("nets/net.cnn")
    assert doc["total"]["params"] == NET_PARAMS
    assert doc["total"]["output"] == [2]
    assert [row["layer"] for row in doc["layers"][:2]] == ["unit(4)", "unit(8)"]


def test_an_error_in_a_used_block_points_into_its_file(tmp_path, run_cli, monkeypatch):
    write_tree(tmp_path, {"lib.cnn": "# blocks\nunit(c) = conv3p1x{c}, reluu\n",
                          "net.cnn": "input 3x8x8\nuse lib.cnn\nunit(4)\n"})
    monkeypatch.chdir(tmp_path)
    result = run_cli("net.cnn")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].endswith("(lib.cnn:2:24)") and "unknown layer 'reluu'" in lines[0]
    assert lines[1:] == ["  unit(c) = conv3p1x{c}, reluu", "  " + " " * 23 + "^"]


def test_a_name_from_two_used_files_is_an_error(tmp_path, run_cli, monkeypatch):
    write_tree(tmp_path, {"a.cnn": "unit = relu\n", "b.cnn": "unit = tanh\n",
                          "net.cnn": "use a.cnn\nuse b.cnn\nunit\n"})
    monkeypatch.chdir(tmp_path)
    result = run_cli("-i", "3x8x8", "net.cnn")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "block 'unit' is defined in both a.cnn and b.cnn (net.cnn:2:5)" in result.stderr.splitlines()[0]


def test_a_cycle_through_two_files(tmp_path, run_cli, monkeypatch):
    write_tree(tmp_path, {"a.cnn": "use b.cnn\nx = relu\n", "b.cnn": "use a.cnn\ny = relu\n",
                          "net.cnn": "use a.cnn\nx\n"})
    monkeypatch.chdir(tmp_path)
    result = run_cli("-i", "3x8x8", "net.cnn")
    assert result.exit_code == 2
    assert "'use a.cnn' makes a cycle: a.cnn -> b.cnn -> a.cnn (b.cnn:1:5)" in result.stderr.splitlines()[0]


def test_use_from_stdin_and_spec_strings(run_cli):
    result = run_cli("-i", "64x56x56", "-", input="use resnet_blocks\nbasic(64)\n")
    assert result.exit_code == 0 and "73,984" in result.stdout


def test_library_files_are_not_networks(run_cli):
    libraries = [name for name in example_names() if is_library(name)]
    assert {"resnet_blocks", "vgg_blocks", "densenet_blocks", "mnasnet_blocks", "regnet_blocks"} <= set(libraries)
    *rows, footer = run_cli("examples").stdout.splitlines()
    listed = [row.split()[0] for row in rows if row.startswith("  ")]  # family headings are not indented
    assert sorted(listed) == network_names()
    assert footer == f"block libraries, for 'use NAME' in a spec file: {', '.join(sorted(libraries))}"
    for name in libraries:
        # every library is used by a shipped network
        assert any(f"use {name}" in example_text(net) for net in network_names()), name
    result = run_cli("resnet_blocks")
    assert result.exit_code == 2 and "a library for 'use NAME'" in result.stderr
