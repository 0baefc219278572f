"""Golden cases as data (tests/data): each case's numbers come from a paper, PyTorch or a
hand calculation written in the case, never from convcalc's own earlier output."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def load(kind: str) -> list[dict]:
    cases = []
    for path in sorted((DATA / kind).glob("*.toml")):
        for case in tomllib.loads(path.read_text())["case"]:
            cases.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return cases


def cli_args(case: dict) -> list[str]:
    args = ["-i", case["input"], *case.get("options", [])]
    if "layout" in case:
        args += ["--layout", case["layout"]]
    return [*args, case["spec"]]


ROW_KEYS = {
    "rf": lambda row: row["receptive_field"]["size"],
    "jump": lambda row: row["receptive_field"]["jump"],
    "start": lambda row: row["receptive_field"]["start"],
}


@pytest.mark.parametrize("case", load("valid"))
def test_valid(case, run_json):
    assert case.get("source"), "every golden case names where its numbers come from"
    document = run_json(*cli_args(case))
    expect = dict(case["expect"])
    rows = expect.pop("rows", [])
    for key, value in expect.items():
        assert document["total"][key] == value, key
    for row, wanted in zip(document["layers"], rows):
        for key, value in wanted.items():
            if key in ("warning", "warnings"):
                for text in [value] if key == "warning" else value:
                    assert any(text in w for w in row["warnings"]), (text, row["warnings"])
            else:
                actual = ROW_KEYS[key](row) if key in ROW_KEYS else row[key]
                assert actual == value, (row["layer"], key)
    assert len(rows) <= len(document["layers"])


@pytest.mark.parametrize("case", load("invalid"))
def test_invalid(case, run_cli):
    result = run_cli(*cli_args(case))
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith("convcalc: error: ")
    assert case["message"] in lines[0]
    assert lines[1] == "  " + case.get("echo", case["spec"])
    assert lines[2] == "  " + " " * (case["column"] - 1) + "^"
