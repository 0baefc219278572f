"""The Python API (issue 11): the README's notebook example, --json parity, errors, lazy import."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

import convcalc
from convcalc.sources import network_names


def test_readme_example_numbers():
    r = convcalc.analyse("conv3x3p1x64,relu,pool2,fc10", input="3x32x32")
    conv = 64 * 3 * 3 * 3 + 64  # weights + biases of conv3x3p1x64 on 3 channels
    fc = 64 * 16 * 16 * 10 + 10  # 64x16x16 after pool2, flattened, to 10 outputs
    assert r.total.params == conv + fc == 165_642
    assert r.layers[0].output == (64, 32, 32)
    assert [layer.output for layer in r.layers] == [(64, 32, 32), (64, 32, 32), (64, 16, 16), (10,)]
    assert r.layers[0].params == conv and r.layers[3].params == fc
    assert r.total.macs == 64 * 32 * 32 * 27 + 64 * 16 * 16 * 10
    assert r.layers[0].receptive_field.size == (3, 3) and r.layers[2].receptive_field.jump == (2, 2)
    assert r.layers[0].kind == "conv" and r.layers[0].fit == "exact" and r.layers[0].warnings == ()
    assert r.input == (3, 32, 32) and r.notes == ()


def test_input_as_a_tuple_and_layout():
    assert convcalc.analyse("conv3x3p1x64", input=(3, 32, 32)).to_dict() == \
        convcalc.analyse("conv3x3p1x64", input="3x32x32").to_dict()
    r = convcalc.analyse("conv7x7s2x32", input=(63, 63, 16), layout="hwc")
    assert r.layers[0].output == (29, 29, 32)  # (63 - 7)/2 + 1 = 29


def test_blocks_mirror_json_rows():
    r = convcalc.analyse("[conv3p1,relu]*2,res(conv3p1,bn|id)", input=(4, 8, 8))
    repeat, residual = r.layers
    assert repeat.kind == "repeat" and [c.index for c in repeat.children] == ["1.1", "1.2", "1.3", "1.4"]
    assert residual.kind == "res" and len(residual.branches) == 2
    assert residual.params == sum(row.params for branch in residual.branches for row in branch)


def thawed(value):
    """A view's value as JSON has it: tuples as lists, views as objects."""
    if is_dataclass(value):
        return {field.name: thawed(getattr(value, field.name)) for field in fields(value)}
    return [thawed(item) for item in value] if isinstance(value, tuple) else value


def same_rows(views, rows):
    assert len(views) == len(rows)
    for view, row in zip(views, rows):
        assert set(row) <= {field.name for field in fields(view)}, "a JSON row key the Layer view lacks"
        for key, value in row.items():
            if key == "children":
                same_rows(view.children, value)
            elif key == "branches":
                assert len(view.branches) == len(value)
                for branch, rows_of_branch in zip(view.branches, value):
                    same_rows(branch, rows_of_branch)
            else:
                assert thawed(getattr(view, key)) == value, (view.index, key)


@pytest.mark.parametrize("name", network_names())
def test_to_dict_is_the_json_document(run_cli, name):
    cli = json.loads(run_cli("--json", name).stdout)
    r = convcalc.analyse(name)
    assert r.to_dict() == cli
    same_rows(r.layers, cli["layers"])
    assert thawed(r.total) == cli["total"]


def test_to_dict_with_options_notes_and_fitting_inputs(run_cli):
    args = ["--layout", "hwc", "--batch", "8", "--dtype", "float16", "--convention", "ptflops", "--explain"]
    cli = json.loads(run_cli("--json", "-i", "224x224x3", *args, "conv11x11s4x96,relu,maxpool3s2").stdout)
    r = convcalc.analyse("conv11x11s4x96,relu,maxpool3s2", input=(224, 224, 3), layout="hwc", batch=8,
                         dtype="float16", convention="ptflops", explain=True)
    assert r.to_dict() == cli
    assert cli["fitting_inputs"]["above"] == [227, 227, 3]  # (227 - 11)/4 + 1 = 55
    assert r.layers[0].fit == "non-integer" and r.layers[0].exact_output == (54.25, 54.25)
    assert r.layers[0].explain and r.total.non_integer_layers == 2  # pool: (54 - 3)/2 + 1 = 26.5 too


def test_default_input_note(run_cli):
    r = convcalc.analyse("conv3")
    assert r.notes == ("no --input given: assuming 3x224x224",)


def test_spec_from_a_path_object(tmp_path):
    spec = tmp_path / "net.cnn"
    spec.write_text("input 1x28x28\nconv5x5x6, relu\n")
    assert convcalc.analyse(spec).layers[0].output == (6, 24, 24)
    assert convcalc.analyse(str(spec)).total.params == 6 * 25 + 6


def test_spec_error_fields():
    with pytest.raises(convcalc.SpecError) as caught:
        convcalc.analyse("conv3x3s0x64", input="3x32x32")
    error = caught.value
    assert error.message == "'s' must be at least 1 in 'conv3x3s0x64', got 0"
    assert (error.line, error.column) == (1, 8)
    assert error.caret == "  conv3x3s0x64\n         ^"
    assert str(error) == f"{error.message} (column 8)\n{error.caret}"
    assert isinstance(error, ValueError)


def test_spec_error_on_a_later_line():
    with pytest.raises(convcalc.SpecError) as caught:
        convcalc.analyse("conv3,\nreluu", input="3x32x32")
    assert (caught.value.line, caught.value.column) == (2, 1)
    assert "(line 2, column 1)" in str(caught.value)


def test_input_and_convention_errors():
    with pytest.raises(convcalc.SpecError):
        convcalc.analyse("conv3", input=(3, 0, 32))
    with pytest.raises(convcalc.SpecError, match="--convention ptflops"):
        convcalc.analyse("conv3,lrn", input=(3, 32, 32), convention="ptflops")
    with pytest.raises(convcalc.SpecError):
        convcalc.analyse("conv11s4", input=(3, 224, 224), strict=True)
    with pytest.raises(ValueError, match="dtype must be one of"):
        convcalc.analyse("conv3", dtype="fp16")
    with pytest.raises(ValueError, match="batch must be at least 1"):
        convcalc.analyse("conv3", batch=0)
    with pytest.raises(TypeError):
        convcalc.analyse("conv3", input=(3, 32.0, 32))


def test_solve():
    answer = convcalc.solve(W=63, K=7, S=2, O=29)
    assert answer.unknown == "P" and [s.value for s in answer.solutions] == [0]  # (63-7+0)/2+1 = 29
    assert answer.reason is None and "P from" in answer.inverted
    assert convcalc.solve(W=63, K=7, same=True).solutions[0].value == 3
    impossible = convcalc.solve(W=10, K=3, P=0, O=20)
    assert impossible.solutions == () and impossible.reason
    with pytest.raises(convcalc.SpecError, match="missing: K, O") as caught:
        convcalc.solve(W=63, S=2, P=1)
    assert caught.value.caret.splitlines()[0] == "  W=63 S=2 P=1"


def test_solve_to_dict_is_the_json_document(run_cli):
    cli = json.loads(run_cli("solve", "-W", "227", "-K", "11", "-P", "0", "-O", "55", "--json").stdout)
    assert convcalc.solve(W=227, K=11, P=0, O=55).to_dict() == cli


def test_compare(run_cli):
    comparison = convcalc.compare("vgg16", "resnet50")
    assert comparison.to_dict() == json.loads(run_cli("compare", "--json", "vgg16", "resnet50").stdout)
    assert comparison.a.total.params == 138_357_544 and comparison.b.total.params == 25_557_032
    assert convcalc.compare("conv3p1x8", "conv3p1x16", input=(3, 8, 8)).to_dict()["totals"]["params"] == \
        {"a": 224, "b": 448, "b_over_a": 2}  # 8*27 + 8, 16*27 + 16


def test_export(run_cli):
    assert convcalc.export("resnet18") == run_cli("export", "resnet18").stdout
    assert "nn.Conv2d(3, 8, kernel_size=(3, 3)" in convcalc.export("conv3x3x8", input=(3, 8, 8))


def test_examples():
    assert convcalc.examples() == network_names() and "resnet50" in convcalc.examples()


def test_report_shows_as_the_table():
    from rich.console import Console

    r = convcalc.analyse("conv3x3p1x64,relu,pool2,fc10", input="3x32x32")
    text = repr(r)
    assert "conv3x3p1x64" in text and "64x16x16" in text and "Total: 165,642 params" in text
    assert "\x1b[" not in text
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(r)
    shown = console.file.getvalue()
    assert "conv3x3p1x64" in shown and "165,642" in shown and "Params" in shown
    html = r._repr_html_()
    assert html.startswith("<pre") and "conv3x3p1x64" in html and "165,642" in html


def test_comparison_shows_as_a_table():
    from rich.console import Console

    comparison = convcalc.compare("conv3p1x8", "conv3p1x16", input=(3, 8, 8))
    assert "A : B" in repr(comparison) and "224 : 448" in repr(comparison)
    console = Console(file=io.StringIO(), width=120)
    console.print(comparison)
    assert "224 : 448" in console.file.getvalue()
    assert "224 : 448" in comparison._repr_html_()


def test_public_names():
    assert set(convcalc.__all__) <= set(dir(convcalc))
    for name in convcalc.__all__:
        assert getattr(convcalc, name).__doc__, name
    with pytest.raises(AttributeError):
        convcalc.no_such_name  # noqa: B018


def test_functions_keep_their_names_beside_submodules():
    # solve.py and export.py are submodules: importing them must not replace the functions.
    import convcalc.export  # noqa: F401
    from convcalc.solve import solve as solve_formula

    assert callable(convcalc.solve) and callable(convcalc.export)
    assert convcalc.solve is not solve_formula


def test_import_is_lazy():
    code = ("import sys, convcalc\n"
            "loaded = [m for m in sys.modules if m.split('.')[0] in ('click', 'rich') or m == 'convcalc.engine']\n"
            "assert not loaded, loaded\n"
            "print(convcalc.analyse('conv3x3p1x64', input='3x32x32').total.params)\n"
            "assert not [m for m in sys.modules if m.split('.')[0] in ('click', 'rich')]\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(convcalc.__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1792\n"  # 64*27 + 64


def test_analyse_many():
    docs = list(convcalc.analyse_many(["conv3p1x8,fc10", "", {"spec": "conv3p1x8", "input": (3, 8, 8)}, "conv3,x"],
                                      input="3x32x32"))
    assert docs[0] == convcalc.analyse("conv3p1x8,fc10", input="3x32x32").to_dict()
    assert docs[1]["total"]["output"] == [8, 8, 8]
    assert docs[2]["line"] == 4 and docs[2]["column"] == 7
    with pytest.raises(ValueError):
        list(convcalc.analyse_many([], jobs=0))
