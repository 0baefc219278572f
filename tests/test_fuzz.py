"""Fuzzing in the suite (a few thousand cases; fuzzer/fuzz.py runs 100,000): whatever the
input, convcalc gives a result or a one-line error with exit status 2, never a traceback."""

from __future__ import annotations

import errno
import io
import os
import sys

import pytest
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
# The shapes that found issue 10's hangs and crashes; each case is heavier, so fewer of them.
LIMITS = settings(max_examples=max(EXAMPLES // 10, 20), deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
BIG = st.integers(min_value=1, max_value=10**62 - 1).map(str)  # either side of the 60-digit limit
# Look like digits, are not ASCII 0-9: superscript, circled, fullwidth, Arabic-Indic, separator.
ODD_DIGIT = st.sampled_from("²①３٣_")

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


def nested(depth: int, blocks: int) -> str:
    """Named blocks, each a use of the next inside ``depth`` brackets."""
    lines = [f"b{n} = " + "[" * depth + (f"b{n + 1}" if n + 1 < blocks else "relu") + "]*1" * depth
             for n in range(blocks)]
    return "\n".join(lines + ["b0"])


def with_odd_digit(text: str, where: int, digit: str) -> str:
    spots = [n for n, char in enumerate(text) if char.isdigit()]
    spot = spots[where % len(spots)]
    return text[:spot] + digit + text[spot + 1:]


@LIMITS
@given(st.one_of(
    st.builds("conv{}s{}{}".format, st.integers(1, 3), BIG, st.sampled_from(["", "psame", "p1", "ceil"])),
    st.builds("[tconv1s{}]*{}".format, st.one_of(st.sampled_from(["2", "3"]), BIG), st.integers(1, 300)),
    st.builds("tconv{}s{}{}".format, st.integers(1, 5), BIG, st.sampled_from(["psame", "pvalid", "psamenb"])),
    st.builds(nested, st.integers(1, 30), st.integers(1, 8)),
    st.builds(with_odd_digit, st.sampled_from(["conv3x3s1p1x64,pool2", "[relu]*12", "conv3s2x1"]),
              st.integers(0, 20), ODD_DIGIT),
), st.sampled_from([[], ["--strict"], ["--format", "csv"], ["--explain"], ["--json"]]))
def test_limit_shapes(spec, options):
    check(["-i", "3x8x8", *options, spec])


@LIMITS
@given(st.sampled_from(["-i", "--batch", "--max-layers", "--depth", "-W", "--op"]),
       st.one_of(BIG, st.builds(with_odd_digit, st.sampled_from(["3x32x32", "1000", "63"]), st.integers(0, 9),
                                ODD_DIGIT)))
def test_odd_numbers_in_options(option, value):
    if option == "--op":  # issue 13: a transposed convolution solved with a huge or odd output padding
        check(["solve", "--transposed", "-W", "7", "-K", "5", "-S", "2", "-O", "14", option, value])
        check(["solve", "--transposed", "-K", "5", "-S", value if value.isdigit() else "2", "-P", "2", "-O", "14"])
        return
    check(["solve", "-K", "3", "-O", "5", option, value] if option == "-W" else [option, value, "relu"])


class FailingOutput(io.RawIOBase):
    """A stdout whose writes fail as a full disk or a departed reader does."""

    def __init__(self, failure: OSError):
        self.failure = failure

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        raise self.failure


# Odd output streams, in process: encodings that cannot print the table's glyphs, a full disk,
# a reader that went away, a stdout closed at start (None). The real-process versions are
# cases in tests/data/streams.toml and fuzzer/cli_fuzz.py.
STREAMS = {
    "ascii": lambda: io.TextIOWrapper(io.BytesIO(), encoding="ascii"),
    "latin-1": lambda: io.TextIOWrapper(io.BytesIO(), encoding="latin-1"),
    "full": lambda: io.TextIOWrapper(io.BufferedWriter(FailingOutput(OSError(errno.ENOSPC, "No space left"))),
                                     encoding="utf-8"),
    "gone": lambda: io.TextIOWrapper(io.BufferedWriter(FailingOutput(BrokenPipeError(errno.EPIPE, "Broken pipe"))),
                                     encoding="utf-8"),
    "closed": lambda: None,
}
# What each stream may end in: a result, "no solution" (solve), or exit 2 with one error line;
# a departed reader is a quiet exit 0.
STREAM_STATUSES = {"ascii": (0, 1, 2), "latin-1": (0, 1, 2), "full": (2,), "gone": (0,), "closed": (2,)}


@LIMITS
@given(st.sampled_from(sorted(STREAMS)),
       st.sampled_from([["resnet18"], ["--json", "googlenet"], ["-i", "3x32x32", "res(conv3p1,bn|id),cat(id|id)"],
                        ["compare", "relu # [/]", "[relu]*2"], ["conventions", "vgg16"], ["explain", "lenet5"],
                        ["solve", "-W", "63", "-K", "7", "-S", "2", "-O", "29"], ["export", "resnet18"],
                        ["--format", "markdown", "alexnet"], ["--no-color", "-i", "3x224x224", "conv11s4x96"]]),
       st.sampled_from([[], ["-q"], ["--depth", "1"]]))
def test_odd_output_streams(stream, args, options):
    stderr = io.StringIO()
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = STREAMS[stream](), stderr
    try:
        with pytest.raises(SystemExit) as exited:
            # The options are the run command's; other commands take the arguments as drawn.
            main.main(args if args[0] in main.commands else options + args, prog_name="convcalc")
    finally:
        sys.stdout, sys.stderr = real
    assert exited.value.code in STREAM_STATUSES[stream], (stream, args, exited.value.code, stderr.getvalue())
    assert "Traceback" not in stderr.getvalue()
    if exited.value.code == 2:
        assert stderr.getvalue().startswith("convcalc: error:"), stderr.getvalue()


@LIMITS
@given(BIG, st.sampled_from(["output", "params", "same", "rf", "macs", "memory", "any"]),
       st.sampled_from(["1", "2", "3", "any"]), st.booleans(), st.sampled_from(["", "1\n2\n", "x\n" * 3, "9" * 70]))
def test_quiz_surfaces(seed, kind, dims, network, answers):
    """Issue 13: any seed (up to the 60-digit limit and past it), kind, rank and answer text."""
    args = ["quiz", "--seed", seed, "--kind", kind, "--dims", dims, "--count", "3"] + (["--network"] * network)
    check([*args, "--json"])
    result = runner.invoke(main, args, input=answers, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert result.exit_code in (0, 2)
