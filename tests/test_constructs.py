"""Block constructs (convcalc/constructs/*): every registered construct has its cases, exports,
and a new construct is one module that the parser, the engine and the exporter pick up."""

from __future__ import annotations

import tomllib
import types
from pathlib import Path

import pytest

from convcalc.constructs import BRANCH_CONSTRUCTS, CONSTRUCTS
from convcalc.constructs.base import merge_fields
from convcalc.engine import analyse
from convcalc.errors import SpecError
from convcalc.export import export_torch
from convcalc.syntax import STRAY_BAR, parse_document
from convcalc.tensor import Tensor

DATA = Path(__file__).parent / "data"
DECLARED = ("KIND", "BRANCHES", "TORCH_CLASS", "TORCH_HELPER", "run", "torch_branches", "torch_submodules")


def cases(kind: str) -> list[dict]:
    return [case for path in sorted((DATA / kind).glob("*.toml")) for case in tomllib.loads(path.read_text())["case"]]


def construct_cases(kind: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for case in cases(kind):
        if "construct" in case:
            assert case["construct"] in CONSTRUCTS, f"{case['name']}: no construct '{case['construct']}'"
            found.setdefault(case["construct"], []).append(case)
    return found


EXPORTED = [pytest.param(case, id=case["name"]) for cases_ in construct_cases("valid").values() for case in cases_
            if "export" in case.get("formats", ())]


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_every_construct_has_golden_cases_and_an_export_check(name):
    valid, invalid = construct_cases("valid").get(name, []), construct_cases("invalid").get(name, [])
    assert valid, f"construct '{name}': add a valid case with construct = \"{name}\" to tests/data/valid"
    assert invalid, f"construct '{name}': add an invalid case with construct = \"{name}\" to tests/data/invalid"
    assert any("export" in case.get("formats", ()) for case in valid), \
        f"construct '{name}': one valid case needs formats = [\"export\", ...]"


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_every_construct_declares_the_same_names(name):
    module = CONSTRUCTS[name]
    missing = [attribute for attribute in DECLARED if not hasattr(module, attribute)]
    assert not missing, f"constructs/{module.__name__.rsplit('.', 1)[-1]}.py lacks {missing}"
    assert module.KIND == name
    if module.BRANCHES:
        assert callable(module.check_branches)
        # the parser's messages come from the table (side and aux hold one head: no '|')
        assert (f"{name}(...)" in STRAY_BAR) != getattr(module, "ONE_HEAD", False)


@pytest.mark.parametrize("case", EXPORTED)
def test_construct_cases_export_to_pytorch(case, run_cli, run_json):
    """The exported module builds in PyTorch with the case's parameters and output shape."""
    torch = pytest.importorskip("torch", reason="needs PyTorch to run the exported module")
    args = ["-i", case["input"], case["spec"]]
    code = run_cli("export", *args).stdout
    namespace = {"__name__": "exported"}
    exec(compile(code, "<convcalc export>", "exec"), namespace)
    model = namespace["Net"]().eval()
    with torch.no_grad():
        out = model(torch.zeros(namespace["INPUT_SHAPE"]))
    total = run_json(*args)["total"]
    assert tuple(out.shape[1:]) == tuple(case["expect"]["output"]) == tuple(total["output"])
    assert sum(p.numel() for p in model.parameters()) == case["expect"]["params"] == total["params"]


def added_construct() -> types.ModuleType:
    """``add(a | b)``: a(x) + b(x), written as a next issue's construct would be."""
    module = types.ModuleType("add")
    module.KIND, module.BRANCHES, module.TORCH_CLASS = "add", True, "Add"
    module.TORCH_HELPER = ("class Add(nn.Module):\n    def __init__(self, *parts):\n        super().__init__()\n"
                           "        self.parts = nn.ModuleList(parts)\n\n    def forward(self, x):\n"
                           "        return sum(part(x) for part in self.parts)\n")

    def check_branches(branches, fail):
        if len(branches) != 2:
            raise fail("add(a | b) takes two branches", branches[0].pos)

    def run(engine, item, tensor, field, scope, index):
        results = [engine.sequence(branch, tensor, field, scope, f"{index}.{n}.")
                   for n, branch in enumerate(item.branches, 1)]
        if results[0][1] != results[1][1]:
            raise engine.fail("add(...) branches must agree", item.pos)
        merged, warnings = merge_fields([f for _, _, f in results], results[0][1], ["a", "b"])
        return engine.block_result(item, scope, index, "add", tensor, results[0][1], merged,
                                   branches=[rows for rows, _, _ in results], warnings=warnings,
                                   explain=lambda: ["output = a + b"])

    module.check_branches, module.run = check_branches, run
    module.torch_branches = lambda row: list(row.branches)
    module.torch_submodules = lambda row, built: list(built.parts)
    return module


def test_a_new_construct_is_one_module(monkeypatch):
    add = added_construct()
    monkeypatch.setitem(CONSTRUCTS, "add", add)
    monkeypatch.setitem(BRANCH_CONSTRUCTS, "add", add)
    document = parse_document("conv3p1x4, add(conv3p1 | conv1x1), relu")
    analysis = analyse(document, Tensor(2, (8, 8)))
    row = analysis.rows[1]
    assert row.kind == "add" and row.output == Tensor(4, (8, 8))
    assert row.params == (4 * 4 * 9 + 4) + (4 * 4 + 4)
    assert row.field.size == (5, 5)  # conv3 then the wider branch's conv3
    code = export_torch(analysis, "t", document.source, None)
    assert "class Add(nn.Module):" in code and "        Add(  # add(conv3p1 | conv1x1) -> 4x8x8" in code
    with pytest.raises(SpecError, match="add\\(a \\| b\\) takes two branches"):
        parse_document("add(relu)")


def test_side_and_aux_heads_are_listed_in_outputs_and_validate(run_cli, run_json):
    """JSON ``outputs`` lists every side/aux head in forward order (also inside blocks); the aux row and
    the rows in it carry ``training_only``; the schema (convcalc schema) accepts the document."""
    import json

    import jsonschema

    spec = "conv3p1x8, side(conv1x1x3), res(relu, aux(gap, fc10)), mul(gap, conv1x1x8, sigmoid), split(id | relu)"
    document = run_json("-i", "4x8x8", spec)
    jsonschema.validate(document, json.loads(run_cli("schema").stdout))
    assert document["outputs"] == [
        {"index": "2", "layer": "side(conv1x1x3)", "kind": "side", "output": [3, 8, 8], "training_only": False},
        {"index": "3.1.2", "layer": "aux(gap, fc10)", "kind": "aux", "output": [10], "training_only": True}]
    aux = document["layers"][2]["branches"][0][1]
    assert aux["training_only"] is True and aux["head_output"] == [10]
    assert all(row["training_only"] for row in aux["branches"][0])
    assert "training_only" not in document["layers"][1] and "training_only" not in document["layers"][2]
    # aux's fc (80 MACs, 72 B) is in the aux row but in neither the res row nor the totals
    assert aux["macs"] == 80 and document["layers"][2]["macs"] == 0 and document["layers"][2]["memory_bytes"] == 8 * 64 * 4
    assert run_json("-i", "4x8x8", "conv3p1x8")["outputs"] == []


def test_table_marks_training_only_and_leaves_it_out_of_the_total(run_cli):
    result = run_cli("-i", "4x8x8", "conv3p1x8, aux(gap, fc10)", "--format", "table", "--no-color")
    assert result.exit_code == 0, result.stderr
    assert "aux(gap, fc10) -> 10 [training only]" in result.stdout
    assert "Total: 386 params (0 buffer values), 18,432 MACs, 2,048 bytes" in result.stdout
    assert "note: aux(...) heads run in training only" in result.stdout


def test_branch_constructs_set_the_branch_input_in_the_scope(monkeypatch):
    """A bare ``resize`` resizes to the input of the innermost enclosing branch construct (the network
    input at the top level): every branch construct sets ``Scope.branch_input`` for its branches."""
    from convcalc import engine as engine_module

    seen = []
    element = engine_module.Engine.element

    def watch(self, item, tensor, field, scope, index):
        if getattr(item, "name", None) == "id":
            seen.append((index, scope.branch_input, scope.network_input))
        return element(self, item, tensor, field, scope, index)

    monkeypatch.setattr(engine_module.Engine, "element", watch)
    spec = ("id, conv3s2p1x4, res(id | id), cat(id | id), mul(id), split(id | conv1x1x2, id), side(id), aux(id), "
            "[conv1x1x4, res(pool2, id, conv3p1 | pool2)]*1")
    analyse(parse_document(spec), Tensor(2, (8, 8)))
    start, half, c8, c6 = Tensor(2, (8, 8)), Tensor(4, (4, 4)), Tensor(8, (4, 4)), Tensor(6, (4, 4))
    assert seen == [("1", start, start), ("3.1.1", half, start), ("3.2.1", half, start), ("4.1.1", half, start),
                    ("4.2.1", half, start), ("5.1.1", c8, start), ("6.1.1", c8, start),  # split: its input, not
                    ("6.2.2", c8, start), ("7.1.1", c6, start), ("8.1.1", c6, start),  # the slice
                    ("9.2.1.2", half, start)]


def test_exported_heads_keep_their_output_and_aux_runs_in_training_only(run_cli):
    torch = pytest.importorskip("torch", reason="needs PyTorch to run the exported module")
    code = run_cli("export", "-i", "4x8x8", "conv3p1x8, side(conv1x1x3), aux(gap, fc10), "
                                            "mul(gap, conv1x1x8, sigmoid), split(id | relu)").stdout
    namespace = {"__name__": "exported"}
    exec(compile(code, "<convcalc export>", "exec"), namespace)
    model = namespace["Net"]()
    side, aux = model[1], model[2]
    with torch.no_grad():
        out = model.eval()(torch.zeros(2, 4, 8, 8))
        assert tuple(out.shape) == (2, 8, 8, 8)
        assert tuple(side.output.shape) == (2, 3, 8, 8) and aux.output is None  # eval: no aux compute
        model.train()(torch.zeros(2, 4, 8, 8))
        assert tuple(aux.output.shape) == (2, 10)
