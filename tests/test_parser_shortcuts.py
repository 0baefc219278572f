"""The parser's shortcuts give what its careful code gives (issue 14): a run of whole numbers
read by WHOLE_NUMBERS, the Keras-name regex asked only where such a name may start, the
regexes' character classes, a layer item reused from PLAIN_LAYERS."""

from __future__ import annotations

import re
import sys
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcalc import syntax
from convcalc.errors import SpecError
from convcalc.keras import FOREIGN, suffixed_name
from convcalc.syntax import BLANK, BLANKS, LETTERS, NAME, NUMBER, WHOLE_NUMBERS, Parser, parse_document
from convcalc.tensor import DIGITS

CHECKS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Non-ASCII letters that keras.py's regex reads as ASCII ones, case-insensitively.
ODD_LETTERS = "\u0130\u0131\u017f\u212a"
NUMBER_TOKENS = ["0", "3", "64", "7" * 60, "7" * 61, ".", ".5", "1.5", "x", "{a}", "{", "}", "p", "2d", "-", ",", " "]


@CHECKS
@given(st.sampled_from("0123456789.{"), st.lists(st.sampled_from(NUMBER_TOKENS), max_size=8).map("".join))
def test_whole_numbers_are_read_as_the_careful_loop_reads_them(first, rest):
    def numbers():
        try:
            return syntax.parse_numbers(Parser(first + rest, None), 0)
        except SpecError as error:
            return error.message, error.position

    with mock.patch.object(syntax, "WHOLE_NUMBERS", re.compile("(?!)")):  # never matches
        careful = numbers()
    assert numbers() == careful


def odd_spelling(name: str, mask: int) -> str:
    """``name`` with the letters that ``mask`` picks written as the ODD_LETTERS read as them."""
    odd = {"i": "\u0131", "k": "\u212a", "s": "\u017f"}
    return "".join(odd.get(c, c) if mask >> n & 1 else c for n, c in enumerate(name))


KERAS_LIKE = st.builds(lambda name, mask, digit, tail: odd_spelling(name, mask) + digit + tail,
                       st.sampled_from(sorted(FOREIGN) + ["max_pool", "convx"]), st.integers(0, 2**20),
                       st.sampled_from("0123"), st.sampled_from(["d", "d3", "dx", "d_", "dtranspose", "", "D", "d,"]))


@CHECKS
@given(KERAS_LIKE | st.text(alphabet="abcdglmnopr_" + "123d" + "0459" + ODD_LETTERS + "xK,", min_size=1, max_size=16))
def test_the_keras_regex_is_asked_wherever_it_could_match(text):
    src = Parser(text, None).src
    named = NAME.match(src)
    if named is not None and suffixed_name(src) is not None:
        assert syntax.may_be_suffixed(src, named.end(1))


def test_the_regexes_character_classes_are_the_sets():
    chars = [chr(n) for n in range(0x2200)] + [chr(0x212A), chr(sys.maxunicode)]
    assert {c for c in chars if NAME.fullmatch(c)} == LETTERS
    assert {c for c in chars if NAME.fullmatch("a" + c)} == LETTERS | DIGITS
    assert {c for c in chars if BLANKS.fullmatch(c)} == BLANK
    assert {c for c in chars if NUMBER.fullmatch(c)} == DIGITS | {"."}
    assert {c for c in chars if WHOLE_NUMBERS.fullmatch(c)} == DIGITS


NAMES = ["conv", "tconv", "dw", "pool", "maxpool", "fc", "bn", "gn", "in", "relu", "relu6", "dropout", "pad", "up",
         "resize", "id", "Conv", "BN", "maxpooling", "batchnorm", "max_pool", "lea\u212ayrelu", "b"]
PARTS = ["", "3", "3x3", "1x1x128", "s2", "p1", "p0x3", "x64", "nb", "ceil", "psame", "affine", "input", "nearest",
         "0.5", ".5", "{a}", "{ a }", "2d", "1d", "3d", "x", "d", "op1", "g2", "7" * 61, "-", "K", "\u212a", "#c"]
SEPARATORS = [",", ", ", " ,", "->", "\n", ",\n", " # note\n", ", -> ", "-"]
ITEMS = st.lists(st.tuples(st.sampled_from(NAMES), st.lists(st.sampled_from(PARTS), max_size=3).map("".join)).map(
    "".join), min_size=1, max_size=6)


class Forgetful(dict):
    """A PLAIN_LAYERS that never has an item: every layer goes through the careful code."""

    def get(self, key, default=None):
        return default


def outcome(text: str):
    try:
        return repr(parse_document(text))
    except SpecError as error:
        return error.message, error.position


def joined(items: list[str], separators: list[str]) -> str:
    return "".join(item + separators[n % len(separators)] for n, item in enumerate(items[:-1])) + items[-1]


@CHECKS
@given(ITEMS, st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3), st.sampled_from(["", "  ", "cat(id | "]))
def test_a_reused_layer_item_is_the_item_parsed_again(items, separators, prefix):
    first = joined(items, [","])
    # The same items elsewhere: other positions, other separators and ends.
    again = prefix + joined(items[::-1], separators) + (")" if prefix.startswith("cat") else "")
    with mock.patch.object(syntax, "PLAIN_LAYERS", Forgetful()):
        careful = outcome(first), outcome(again)
    with mock.patch.object(syntax, "PLAIN_LAYERS", {}):
        reused = outcome(first), outcome(again)
        assert reused == (outcome(first), outcome(again))  # every plain item from the table this time
    assert reused == careful


def test_the_reused_items_are_bounded():
    with mock.patch.object(syntax, "PLAIN_LAYERS", {}), mock.patch.object(syntax, "MAX_PLAIN_LAYERS", 3):
        parse_document(",".join(f"conv{n}" for n in range(1, 11)))
        assert len(syntax.PLAIN_LAYERS) <= 3
