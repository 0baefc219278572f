"""The machine interface and limits (issue 6): schema, stdin, exit codes, quiet, colour, width, caps."""

from __future__ import annotations

import json

import jsonschema
import pytest


def test_schema_version_and_schema_validates_output(run_cli):
    schema = json.loads(run_cli("schema").stdout)
    assert schema["properties"]["schema_version"] == {"const": 1}
    assert "read_as" in schema["$defs"]["layer"]["required"]  # every row says how its item was read (issue 10)
    for args in (["resnet50"], ["googlenet", "--explain"], ["-i", "1x100", "conv5s2x8,flatten,fc3"],
                 ["-i", "3x224x224", "conv11x11s4x96"]):
        document = json.loads(run_cli("--json", *args).stdout)
        assert document["schema_version"] == 1
        jsonschema.validate(document, schema)


def test_spec_from_stdin(run_cli):
    result = run_cli("-", "-i", "3x32x32", "--json", input="conv3x3p1x64,pool2\n")
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["total"]["params"] == 1792  # 64*27 + 64, as in the README's first example
    assert document["total"]["output"] == [64, 16, 16]


def test_stdin_errors_point_into_stdin(run_cli):
    result = run_cli("-", "-i", "3x32x32", input="conv3,\nreluu\n")
    assert result.exit_code == 2
    assert "(<stdin>:2:1)" in result.stderr


@pytest.mark.parametrize("args, status", [
    (["-i", "3x32x32", "conv3p1"], 0),
    (["solve", "-W", "10", "-K", "3", "-P", "0", "-O", "20"], 1),  # no stride gives 20 from 10
    (["-i", "3x32x32", "cnv3"], 2),
    (["--no-such-option"], 2),
    (["--strict", "-i", "3x224x224", "conv11x11s4x96"], 2),  # 54.25 does not fit
])
def test_exit_status(run_cli, args, status):
    result = run_cli(*args)
    assert result.exit_code == status
    if status == 2:
        assert len(result.stderr.splitlines()) in (1, 3) and result.stderr.startswith("convcalc: error:")


def test_quiet_drops_notes_and_warnings(run_cli):
    loud = run_cli("conv11x11s4x96")
    quiet = run_cli("-q", "conv11x11s4x96")
    assert "assuming 3x224x224" in loud.stdout and "54.25 -> 54" in loud.stdout
    assert "assuming" not in quiet.stdout and "54.25 -> 54" not in quiet.stdout
    assert "96x54x54" in quiet.stdout
    assert run_cli("-q", "--json", "conv3").stderr == ""


def test_no_color_flag(run_cli):
    result = run_cli("--no-color", "-i", "3x224x224", "conv11x11s4x96", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in result.stdout


def test_table_fits_80_columns(run_cli):
    out = run_cli("resnet50", env={"COLUMNS": "80"}).stdout
    table = out[: out.index("Total:")]
    assert all(len(line) <= 80 for line in table.splitlines())
    header = next(line for line in table.splitlines() if "Layer" in line)
    for column in ("Output", "RF", "Params", "MACs", "Memory", "Fit"):
        assert column in header


def test_layer_cap_and_override(run_cli):
    result = run_cli("-i", "3x8x8", "[[conv3p1]*1000]*1000")  # 10^6 layers > 5,000
    assert result.exit_code == 2 and "more than 5,000 layers" in result.stderr
    assert "more than 5 layers" in run_cli("-i", "3x8x8", "--max-layers", "5", "[relu,bn]*3").stderr
    result = run_cli("--json", "-i", "3x8x8", "--max-layers", "6", "[relu,bn]*3")
    assert json.loads(result.stdout)["total"]["params"] == 3 * 2 * 3  # three BNs of 3 channels


@pytest.mark.parametrize("spec, message", [
    ("[" * 150 + "relu" + "]*2" * 150, "nesting deeper than 100"),
    ("conv3x" + "9" * 80, "longer than 60 digits"),
    ("relu," * 250_000 + "relu", "longer than 1,000,000 characters"),
    ("[tconv1s1000000000000000000000000000000x1]*4", "sizes above 10^60"),
], ids=["nesting", "digits", "length", "size"])
def test_limits(run_cli, spec, message):
    result = run_cli("-i", "1x8x8", spec)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 3


def test_block_call_depth(run_cli, tmp_path):
    chain = "\n".join(f"b{n} = b{n + 1}" for n in range(150)) + "\nb150 = relu\nb0\n"
    (tmp_path / "deep.cnn").write_text(chain)
    result = run_cli("-i", "3x8x8", str(tmp_path / "deep.cnn"))
    assert result.exit_code == 2 and "more than 100 levels deep" in result.stderr


def test_big_numbers_stay_exact(run_json):
    # 10^12 channels through a 3x3 conv: (10^12)^2 * 9 weights + 10^12 biases, exactly.
    document = run_json("-i", f"{10**12}x3x3", "conv3")
    assert document["total"]["params"] == 9 * 10**24 + 10**12


def test_completion_script():
    from click.testing import CliRunner

    from convcalc.cli import main

    result = CliRunner().invoke(main, [], prog_name="convcalc", env={"_CONVCALC_COMPLETE": "bash_source"})
    assert "_convcalc_completion" in result.stdout


def test_fit_search_on_a_long_spec_is_bounded(run_json):
    # 3,001 layers with AlexNet's conv1 at the end: (224-11)/4+1 = 54.25; 227 fits (hand).
    document = run_json("-i", "3x224x224", "[conv3p1]*3000,conv11s4")
    assert document["fitting_inputs"]["above"] == [3, 227, 227]
