"""The CLI as a user meets it: JSON shape, table, help, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys

DESIGN_LAYER_KEYS = {"index", "layer", "kind", "output", "params", "macs", "memory_bytes", "receptive_field", "fit",
                     "warnings"}
DESIGN_TOTAL_KEYS = {"params", "trainable_params", "macs", "memory_bytes", "output"}


def test_json_has_design_keys_and_totals_are_sums(run_json):
    doc = run_json("-i", "3x224x224", "conv11x11s4x96,relu,maxpool3s2,conv5p2x256,bn,relu,gap,fc10")
    assert {"input", "layout", "layers", "total"} <= doc.keys()
    assert doc["input"] == [3, 224, 224] and doc["layout"] == "chw"
    for layer in doc["layers"]:
        assert DESIGN_LAYER_KEYS <= layer.keys()
        assert {"size", "jump", "start"} <= layer["receptive_field"].keys()
        assert layer["fit"] in ("exact", "non-integer")
    assert DESIGN_TOTAL_KEYS <= doc["total"].keys()
    for key in ("params", "macs", "memory_bytes", "buffers"):
        assert doc["total"][key] == sum(layer[key] for layer in doc["layers"])
    assert doc["total"]["output"] == doc["layers"][-1]["output"] == [10]
    assert doc["total"]["flops"] == 2 * doc["total"]["macs"]


def test_json_output_follows_layout(run_json):
    doc = run_json("-i", "32x32x3", "--layout", "hwc", "conv3p1x8")
    assert doc["input"] == [32, 32, 3]
    assert doc["layers"][0]["output"] == [32, 32, 8]


def test_table_shows_rows_totals_and_misfit(run_cli):
    result = run_cli("-i", "3x224x224", "conv11x11s4x96,relu")
    assert result.exit_code == 0
    out = result.stdout
    assert "conv11x11s4x96" in out and "96x54x54" in out
    assert "54.25" in out  # the flagged row shows the unrounded size
    assert "Total" in out
    assert "34,944 params" in out  # 96*(3*11*11) + 96, exact in the summary line
    assert "inputs that fit: 223 or 227" in out


def test_table_human_units(run_cli):
    # 1,792 params and 1,769,472 MACs (hand: see golden case readme-first-example)
    out = run_cli("-i", "3x32x32", "conv3x3s1p1x64,pool2").stdout
    assert "1.79 K" in out and "1.77 M" in out


def test_human_units_round_exactly():
    from convcalc.units import human_bytes, human_count

    # Three significant digits; a whole number of units rounds half to even, as round() does.
    assert [human_count(n) for n in (999, 1792, 12_345, 118_500_000, 119_500_000, 118_500_001)] == \
        ["999", "1.79 K", "12.3 K", "118 M", "120 M", "119 M"]
    assert human_count(-4_089_184_256) == "-4.09 G"
    # Past float range, still exact: 10^388 + 1.5 T is 10^388 + 2 T.
    assert human_count(10**400 + 15 * 10**11) == f"{10**388 + 2} T"
    assert [human_bytes(n) for n in (1023, 1024, 262_144, 3_211_264, 102_912)] == \
        ["1023 B", "1.00 KiB", "256 KiB", "3.06 MiB", "100 KiB"]


def test_no_input_uses_default_and_says_so(run_cli):
    result = run_cli("--json", "conv3x3p1x8")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["input"] == [3, 224, 224]
    assert "assuming 3x224x224" in result.stderr
    assert any("assuming" in note for note in doc["notes"])
    assert "assuming 3x224x224" in run_cli("conv3x3p1x8").stdout


def test_help_has_cheatsheet_and_version(run_cli):
    out = run_cli("--help").stdout
    assert "conv3x3s1p1x64" in out and "pool2" in out and "--layout" in out
    assert run_cli("--version").stdout.startswith("convcalc, version ")


def test_no_color_env(run_cli):
    spec = ["-i", "3x224x224", "conv11x11s4x96"]
    coloured = run_cli(*spec, env={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[33" in coloured or "\x1b[1;33" in coloured  # yellow misfit row
    plain = run_cli(*spec, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[33" not in plain and "\x1b[1;33" not in plain


def test_json_path_does_not_import_rich():
    code = ("import sys; from convcalc.cli import main\n"
            "try:\n    main(['--json', '-i', '3x32x32', 'conv3p1x8,pool2'])\nexcept SystemExit:\n    pass\n"
            "assert not any(m == 'rich' or m.startswith('rich.') for m in sys.modules), 'rich imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"]["params"] == 224  # 8*3*9 + 8


def test_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "convcalc", "--json", "-i", "1x5x5", "conv3"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"]["output"] == [1, 3, 3]


def batch_lines(run_cli, stdin, *args):
    result = run_cli("batch", *args, input=stdin)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_batch_bad_line_in_the_middle_keeps_the_stream(run_cli, run_json):
    stdin = "conv3p1x8,relu,fc10\n\nconv3p1x8,bogus3\nresnet18\n"
    docs = batch_lines(run_cli, stdin, "-i", "3x32x32")
    assert len(docs) == 3  # the blank line is skipped
    assert docs[0] == run_json("-i", "3x32x32", "conv3p1x8,relu,fc10")
    assert docs[1] == {"error": "unknown layer 'bogus3'", "line": 3, "column": 11, "spec": "conv3p1x8,bogus3"}
    assert docs[2]["total"] == run_json("-i", "3x32x32", "resnet18")["total"]


def test_batch_json_object_lines(run_cli, run_json):
    stdin = ('{"spec": "conv3p1x8", "input": "3x8x8"}\n{"spec": "conv3p1x8", "input": [3, 10, 10]}\n'
             '{"spec": "conv3p1x8"}\n{"spec": "conv3p1x8", "input": "3xx8"}\n{broken\n')
    docs = batch_lines(run_cli, stdin, "-i", "3x5x5")
    assert docs[0] == run_json("-i", "3x8x8", "conv3p1x8")
    assert docs[1]["total"]["output"] == [8, 10, 10]
    assert docs[2]["input"] == [3, 5, 5]  # -i when the line gives none
    assert docs[3]["line"] == 4 and docs[3]["in"] == "input" and "error" in docs[3]
    assert docs[4]["line"] == 5 and docs[4]["error"].startswith("not a JSON object")


def test_batch_jobs_keep_order(run_cli):
    specs = [f"conv3p1x{n},relu,pool2,fc{n}" if n % 7 else f"conv3x{n},nope" for n in range(1, 150)]
    stdin = "\n".join(specs) + "\n"
    one = batch_lines(run_cli, stdin, "-i", "3x16x16")
    two = batch_lines(run_cli, stdin, "-i", "3x16x16", "--jobs", "2")
    assert one == two and len(one) == len(specs)
    assert [d["line"] for d in one if "error" in d] == [n for n in range(1, 150) if n % 7 == 0]
