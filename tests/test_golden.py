"""Golden cases as data (tests/data): each case's numbers come from a paper, PyTorch or a
hand calculation written in the case, never from convcalc's own earlier output."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import walk

DATA = Path(__file__).parent / "data"


def load(kind: str) -> list[dict]:
    cases = []
    for path in sorted((DATA / kind).glob("*.toml")):
        for case in tomllib.loads(path.read_text())["case"]:
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


def cli_args(case: dict) -> list[str]:
    args = ["-i", case["input"]] if "input" in case else []
    args += case.get("options", [])
    if "layout" in case:
        args += ["--layout", case["layout"]]
    return [*args, case["spec"]]


ROW_KEYS = {
    "activations": lambda row: row["memory_bytes"] // 4,
    "rf": lambda row: row["receptive_field"]["size"],
    "jump": lambda row: row["receptive_field"]["jump"],
    "start": lambda row: row["receptive_field"]["start"],
    "effective_padding": lambda row: row["receptive_field"]["effective_padding"],
    "explain_first": lambda row: row["explain"][0],  # with --explain: the line printed first
}


@pytest.mark.parametrize("case", load("valid"))
def test_valid(case, run_json):
    assert case.get("source"), "every golden case names where its numbers come from"
    document = run_json(*cli_args(case))
    expect = dict(case["expect"])
    rows = expect.pop("rows", [])
    by_index = {row["index"]: row for row in walk(document["layers"])}
    for wanted in expect.pop("at", []):
        wanted = dict(wanted)
        check_row(by_index[wanted.pop("index")], wanted)
    gmacs = expect.pop("gmacs_rounded", None)
    if gmacs is not None:
        assert round(document["total"]["macs"] / 1e9, 2) == gmacs
    for key, value in expect.items():
        assert document["total"][key] == value, key
    for row, wanted in zip(document["layers"], rows):
        check_row(row, wanted)
    assert len(rows) <= len(document["layers"])


def check_row(row: dict, wanted: dict) -> None:
    for key, value in wanted.items():
        if key == "no_warning":
            assert not any(value in w for w in row["warnings"]), (value, row["warnings"])
        elif key in ("warning", "warnings"):
            for text in [value] if key == "warning" else value:
                assert any(text in w for w in row["warnings"]), (text, row["warnings"])
        else:
            actual = ROW_KEYS[key](row) if key in ROW_KEYS else row[key]
            assert actual == value, (row["layer"], key)


@pytest.mark.parametrize("case", load("invalid"))
def test_invalid(case, run_cli, tmp_path, monkeypatch):
    if "file" in case:
        # A spec file: the error names file:line:column and echoes that line.
        monkeypatch.chdir(tmp_path)
        (tmp_path / "net.cnn").write_text(case["file"])
        case = {**case, "spec": "net.cnn", "echo": case["file"].splitlines()[case["line"] - 1]}
        result = run_cli(*cli_args(case))
        assert f"(net.cnn:{case['line']}:{case['column']})" in result.stderr.splitlines()[0]
    else:
        result = run_cli(*cli_args(case))
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith("convcalc: error: ")
    assert case["message"] in lines[0]
    assert lines[1] == "  " + case.get("echo", case["spec"])
    assert lines[2] == "  " + " " * (case["column"] - 1) + "^"
