"""Fuzzing in the suite (a few thousand cases; fuzzer/fuzz.py runs 100,000): whatever the
input, convcalc gives a result or a one-line error with exit status 2, never a traceback."""

from __future__ import annotations

import os

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcalc.cli import main

EXAMPLES = int(os.environ.get("CONVCALC_FUZZ_EXAMPLES", "1500"))
SPEC_CHARS = "conv3x1s2p0dgbnfc[]()|,*->{}#=\n .5aeilmoprtuvwq"
TOKENS = ["conv", "pool", "res(", "cat(", "[", "]*2", "|", ")", ",", "->", "x", "s", "p", "d", "g", "op", "nb",
          "ceil", "psame", "fc", "bn", "gn", "relu", "dropout", "tconv", "dw", "aap", "pad", "id", "{a}", "3", "0",
          "17", "1.5", "\n", "#"]
ARGS = ["-i", "--layout", "hwc", "--json", "--strict", "--depth", "0", "2", "--batch", "--dtype", "int8",
        "--format", "csv", "markdown", "--explain", "-q", "--max-layers", "solve", "-W", "-K", "-S", "-O", "-P",
        "--same", "compare", "explain", "export", "schema", "examples", "3x8x8", "abc", "vgg16", "conv3p1", "-"]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

runner = CliRunner()


def check(args: list[str]) -> None:
    result = runner.invoke(main, args, input="", catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code)
    if result.exit_code == 2:
        assert result.stderr.startswith("convcalc: error:"), (args, result.stderr)
        assert "Traceback" not in result.stderr


@FUZZ
@given(st.text(alphabet=SPEC_CHARS, max_size=40))
def test_random_text(spec):
    check(["-i", "3x16x16", spec])


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map("".join))
def test_random_token_soup(spec):
    check(["-i", "2x12x12", "--json", spec])


@FUZZ
@given(st.lists(st.sampled_from(ARGS) | st.text(alphabet=SPEC_CHARS, max_size=8), max_size=7))
def test_random_arguments(args):
    check(args)
