"""``convcalc quiz`` through the CLI (CliRunner with input). Every answer is checked against the
textbook formula worked out here from the question's own numbers, not against convcalc."""

from __future__ import annotations

import json
import re

import pytest


def drawn(run_cli, *args) -> list[dict]:
    result = run_cli("quiz", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["questions"]


def conv_numbers(item: str) -> tuple[int, int, int, int]:
    k, s, p, f = map(int, re.fullmatch(r"conv(\d+)s(\d+)p(\d+)x(\d+)", item).groups())
    return k, s, p, f


def hand_answer(question: dict) -> str:
    """O = floor((W + 2P - K)/S) + 1; params = F*(C*K^d) + F; MACs = F*O^d*C*K^d; bytes = 4*F*O^d."""
    channels, *spatial = map(int, question["input"].split("x"))
    dims, size = len(spatial), spatial[0]
    k, s, p, f = conv_numbers(question["spec"])
    out = (size + 2 * p - k) // s + 1
    return {"output": "x".join([str(f)] + [str(out)] * dims),
            "params": str(f * channels * k**dims + f),
            "macs": str(f * out**dims * channels * k**dims),
            "memory": str(4 * f * out**dims)}[question["kind"]]


@pytest.mark.parametrize("kind", ["output", "params", "macs", "memory"])
def test_single_layer_answers_match_the_formula(run_cli, kind):
    for question in drawn(run_cli, "--kind", kind, "--seed", "13", "--count", "15"):
        assert question["answer"] == hand_answer(question), question


def test_same_padding_is_half_the_kernel(run_cli):
    for question in drawn(run_cli, "--kind", "same", "--seed", "5", "--count", "10"):
        kernel = int(re.match(r"conv(\d+)", question["spec"])[1])
        assert question["answer"] == str((kernel - 1) // 2)  # odd kernel, stride 1: P = (K-1)/2
        assert "psame" not in question["question"]  # the question does not give the answer away


def test_receptive_field_of_a_conv_stack(run_cli):
    for question in drawn(run_cli, "--kind", "rf", "--seed", "3", "--count", "10"):
        field, jump = 1, 1
        for item in question["spec"].split(","):
            k, s, _, _ = conv_numbers(item)
            field, jump = field + (k - 1) * jump, jump * s  # r += (K-1) j; j *= S
        assert question["answer"] == str(field), question


def test_seeded_sets_repeat(run_cli):
    first = drawn(run_cli, "--seed", "42", "--count", "5", "--network", "--dims", "2")
    assert first == drawn(run_cli, "--seed", "42", "--count", "5", "--network", "--dims", "2")
    assert first != drawn(run_cli, "--seed", "43", "--count", "5", "--network", "--dims", "2")
    assert all(len(q["input"].split("x")) == 3 for q in first)


def test_answers_read_from_stdin(run_cli):
    questions = drawn(run_cli, "--seed", "9", "--count", "3")
    answers = "\n".join(q["answer"].replace("x", " x ") for q in questions) + "\n"
    result = run_cli("quiz", "--seed", "9", "--count", "3", input=answers)
    assert result.exit_code == 0
    assert "Score: 3/3" in result.stdout and "Worked:" not in result.stdout


def test_a_wrong_answer_shows_the_worked_explanation(run_cli):
    question = drawn(run_cli, "--seed", "11", "--kind", "params")[0]
    result = run_cli("quiz", "--seed", "11", "--kind", "params", input="1\n")
    assert "Not quite" in result.stdout and f"the answer is {question['answer']}" in result.stdout
    assert "params = " in result.stdout  # the explain line with the question's numbers
    assert "Score: 0/1" in result.stdout


def test_quiz_bad_input(run_cli):
    for args, message in ((["--count", "101"], "at most 100"), (["--seed", "x1"], "not a digit"),
                          (["--count", "0"], "at least 1"), (["--kind", "nope"], "nope")):
        result = run_cli("quiz", *args)
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr
    result = run_cli("quiz", "--seed", "1", "--count", "2", input="")  # no answers at all
    assert result.exit_code == 0 and "(no answer)" in result.stdout
