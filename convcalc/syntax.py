"""Spec text -> a tree of nodes carrying their source positions.

A hand-written parser of small functions, each ``parse_x(src, pos) -> (pos, value)``.
``src`` is the text lower-cased character by character (so positions match the
original); every error goes through ``fail`` and points at a column.

Grammar (informal)::

    document   = { line }                      lines: input decl | use | definition | items
    input decl = "input" shape
    use        = "use" name-or-path            import another file's blocks (resolved in sources.py)
    definition = name [ "(" name { "," name } ")" ] "=" sequence
    sequence   = element { separator element }  separator: "," | "->" | newline
    element    = "[" sequence "]" "*" count
               | branch "(" sequence { "|" sequence } ")"   branch: a construct in constructs/ (res, cat, mul,
                                                              split; side and aux take one sequence)
               | name "(" number { "," number } ")"       a named block's use
               | layer
    layer      = name [ numbers ] { option }                 conv3x3s2p1x64
    numbers    = number { "x" number }
    option     = word [ numbers ]                            s2, p0x3, psame, nb
    number     = digits [ "." digits ] | "{" name "}"        {name}: a block parameter
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .constructs import BRANCH_CONSTRUCTS, listed
from .errors import SpecError
from .gc_pause import gc_paused
from .kinds import NAMES_WITH_DIGITS, OPTION_WORDS
from .kinds.base import NAME_WORDS
from .tensor import DIGITS, MAX_DIGITS

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz_")
SPACE = frozenset(" \t\r")
NEWLINE = "\n"
COMMENT = "#"
# Characters that end an item: what may follow a complete layer.
ITEM_END = frozenset(",\n|)]#-") | SPACE
# Option words (declared in the kinds' registry), longest first so that "psame" wins over "p".
WORD_OPTIONS = tuple(sorted((tag for tag, (numbers, *_) in OPTION_WORDS.items() if not numbers), key=len, reverse=True))
OPTIONS = tuple(sorted(OPTION_WORDS, key=len, reverse=True))
OPTION_HINT = ", ".join(tag for tag in OPTION_WORDS if tag not in NAME_WORDS)
OPENERS = {")": "(", "]": "["}
# side(...) and aux(...) are written with parentheses but hold one head: '|' is not theirs.
STRAY_BAR = f"'|' separates branches only directly inside " \
            f"{listed((f'{n}(...)' for n, m in BRANCH_CONSTRUCTS.items() if not getattr(m, 'ONE_HEAD', False)), 'or')}"
# Guards against pathological input (a spec nested 10,000 brackets deep, a
# megabyte-long spec, a 5,000-digit number that Python would refuse to print).
MAX_NESTING = 100
MAX_SPEC_CHARS = 1_000_000


@dataclass(frozen=True)
class Ref:
    """A block parameter used in place of a number: ``{mid}``."""

    name: str
    pos: int


@dataclass(frozen=True)
class Arg:
    """One run of numbers in a layer item: the leading sizes (tag "") or an option."""

    tag: str
    values: tuple
    pos: int
    last_pos: int = 0  # where its last number starts: a trailing channel count is blamed there


@dataclass(frozen=True)
class Layer:
    name: str
    args: tuple[Arg, ...]
    text: str
    pos: int
    has_refs: bool = False  # some number is a {param}, filled in when the block is used


@dataclass(frozen=True)
class Seq:
    items: tuple
    pos: int


# Block nodes carry ``construct``: the name of their module in constructs/, which the engine
# and the exporter dispatch on.
@dataclass(frozen=True)
class Repeat:
    body: Seq
    count: object
    text: str
    pos: int
    construct = "repeat"


@dataclass(frozen=True)
class Branches:
    """``res(a | b)``, ``cat(a | b | c)``: a construct written with branches."""

    construct: str
    branches: tuple[Seq, ...]
    text: str
    pos: int


@dataclass(frozen=True)
class Call:
    """A use of a named block, ``bottleneck(64, 256, 1)``."""

    name: str
    args: tuple
    text: str
    pos: int
    construct = "block"


@dataclass(frozen=True)
class Definition:
    name: str
    params: tuple[str, ...]
    body: Seq
    pos: int
    # Set on a block imported by ``use``: the text and label of the file that defines it
    # (its positions point there). None: the document's own.
    source: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Use:
    """A line ``use resnet_blocks`` or ``use ../blocks.cnn``: the name as written, and where."""

    name: str
    pos: int


@dataclass(frozen=True)
class Document:
    source: str
    label: str | None
    network: Seq
    definitions: dict
    input_text: str | None
    input_pos: int
    uses: tuple[Use, ...] = ()


class Parser:
    """Holds the source so the parse functions can raise positioned errors."""

    def __init__(self, source: str, label: str | None):
        self.source = source
        self.label = label
        # Lower-case only ASCII so that every position still maps 1:1 to the source.
        self.src = "".join(c.lower() if c.isascii() else c for c in source)

    def fail(self, message: str, pos: int) -> SpecError:
        return SpecError(message, self.source, pos, self.label)


def parse_document(source: str, label: str | None = None, library: bool = False) -> Document:
    """Parse a spec string or file into its network, named blocks, input and ``use`` lines.

    ``library``: the text is read for its blocks (by ``use``), so it may have no layers.
    """
    with gc_paused():
        return parse_source(source, label, library)


def parse_source(source: str, label: str | None, library: bool = False) -> Document:
    p = Parser(source, label)
    if len(source) > MAX_SPEC_CHARS:
        raise p.fail(f"the spec is longer than {MAX_SPEC_CHARS:,} characters", MAX_SPEC_CHARS)
    src = p.src
    items: list = []
    definitions: dict[str, Definition] = {}
    uses: list[Use] = []
    input_text, input_pos = None, 0
    pos = skip_blank(src, 0)
    while pos < len(src):
        if is_input_line(src, pos):
            if input_text is not None:
                raise p.fail("the input is declared twice", pos)
            pos, (input_text, input_pos) = parse_word_line(p, pos, "input", "a shape, e.g. input 3x224x224")
        elif is_use_line(src, pos):
            pos, (name, name_pos) = parse_word_line(p, pos, "use", "a spec file, e.g. use resnet_blocks")
            uses.append(Use(name, name_pos))
            after = skip_comment(src, skip_space(src, pos))
            if after < len(src) and src[after] != NEWLINE:
                raise p.fail("'use' takes one name or path per line", after)
        elif (definition := try_parse_definition(p, pos)) is not None:
            pos, value = definition
            if value.name in definitions:
                raise p.fail(f"block '{value.name}' is defined twice", value.pos)
            definitions[value.name] = value
        else:
            pos, line_items = parse_items(p, pos, newline_ends=True, depth=0)
            items.extend(line_items)
        pos = skip_blank(src, pos)
    if not items:
        where = len(source.rstrip())
        if library:
            return Document(source, label, Seq((), where), definitions, input_text, input_pos, tuple(uses))
        if definitions:
            raise p.fail(f"no layers: this spec only defines blocks ({', '.join(definitions)}); "
                         f"a file like that is a library for 'use NAME' in other spec files", where)
        raise p.fail("empty spec: no layers given (e.g. \"conv3x3p1x64,relu,pool2\")", where)
    return Document(source, label, Seq(tuple(items), items[0].pos), definitions, input_text, input_pos,
                    tuple(uses))


def skip_space(src: str, pos: int) -> int:
    while pos < len(src) and src[pos] in SPACE:
        pos += 1
    return pos


def skip_comment(src: str, pos: int) -> int:
    if pos < len(src) and src[pos] == COMMENT:
        end = src.find(NEWLINE, pos)
        return len(src) if end < 0 else end
    return pos


def skip_blank(src: str, pos: int) -> int:
    """Skip spaces, comments and newlines."""
    while True:
        start = pos
        pos = skip_comment(src, skip_space(src, pos))
        if pos < len(src) and src[pos] == NEWLINE:
            pos += 1
        if pos == start:
            return pos


def is_input_line(src: str, pos: int) -> bool:
    return src.startswith("input", pos) and pos + 5 < len(src) and src[pos + 5] in SPACE


def is_use_line(src: str, pos: int) -> bool:
    """``use NAME`` (or a bare ``use``, to say it needs a name); ``use = ...`` and
    ``use(a) = ...`` stay block definitions."""
    if not (src.startswith("use", pos) and (pos + 3 == len(src) or src[pos + 3] in SPACE or src[pos + 3] in "\n#")):
        return False
    after = skip_space(src, pos + 3)
    return after >= len(src) or src[after] not in "=("


def parse_word_line(p: Parser, pos: int, word: str, needs: str) -> tuple[int, tuple[str, int]]:
    """A line ``word VALUE``: VALUE as written (case kept) and its position."""
    start = skip_space(p.src, pos + len(word))
    end = start
    while end < len(p.src) and p.src[end] not in SPACE and p.src[end] not in (NEWLINE, COMMENT):
        end += 1
    if end == start:
        raise p.fail(f"'{word}' needs {needs}", start)
    return end, (p.source[start:end], start)


def parse_name(src: str, pos: int) -> tuple[int, str]:
    start = pos
    while pos < len(src) and (src[pos] in LETTERS or (pos > start and src[pos] in DIGITS)):
        pos += 1
    return pos, src[start:pos]


def try_parse_definition(p: Parser, pos: int) -> tuple[int, Definition] | None:
    """A line ``name(a, b) = body``; None when the line is not a definition."""
    src = p.src
    end, name = parse_name(src, pos)
    if not name or name in BRANCH_CONSTRUCTS:
        return None
    params: list[str] = []
    cursor = skip_space(src, end)
    if cursor < len(src) and src[cursor] == "(":
        close = src.find(")", cursor)
        if close < 0:
            return None
        inner = src[cursor + 1 : close]
        after = skip_space(src, close + 1)
        if after >= len(src) or src[after] != "=":
            return None
        cursor += 1
        for raw in inner.split(","):
            word = raw.strip()
            if not word or parse_name(word, 0)[0] != len(word) or word[0] in DIGITS:
                raise p.fail(f"a block parameter must be a name, got '{word}'", cursor)
            if word in params:
                raise p.fail(f"parameter '{word}' is listed twice", cursor)
            params.append(word)
            cursor += len(raw) + 1
        cursor = after
    if cursor >= len(src) or src[cursor] != "=":
        return None
    body_pos = skip_space(src, cursor + 1)
    if body_pos >= len(src) or src[body_pos] in (NEWLINE, COMMENT):
        raise p.fail(f"block '{name}' has an empty body", body_pos)
    body_end, items = parse_items(p, body_pos, newline_ends=True, depth=0)
    return body_end, Definition(name, tuple(params), Seq(tuple(items), body_pos), pos)


def parse_items(p: Parser, pos: int, newline_ends: bool, depth: int) -> tuple[int, list]:
    """Elements separated by ``,``/``->`` (and by newlines unless ``newline_ends``).

    Stops before ``|``, ``)``, ``]``, the end, or (when ``newline_ends``) a newline
    that does not follow a separator.
    """
    src = p.src
    if depth > MAX_NESTING:
        raise p.fail(f"nesting deeper than {MAX_NESTING} levels", pos)
    pos = skip_blank(src, pos) if not newline_ends else skip_comment(src, skip_space(src, pos))
    pos, item = parse_element(p, pos, depth)
    items = [item]
    while True:
        pos = skip_comment(src, skip_space(src, pos))
        if pos >= len(src) or src[pos] in "|)]":
            return pos, items
        if src[pos] == NEWLINE:
            if newline_ends:
                return pos, items
            pos = skip_blank(src, pos)
            if pos >= len(src) or src[pos] in "|)]":
                return pos, items
            if src[pos] == "," or src.startswith("->", pos):
                pos = parse_separator(p, pos)
        else:
            pos = parse_separator(p, pos)
        # After a separator the list goes on, across line breaks too.
        pos = skip_blank(src, pos)
        pos, item = parse_element(p, pos, depth)
        items.append(item)


def parse_separator(p: Parser, pos: int) -> int:
    src = p.src
    if src[pos] == ",":
        return pos + 1
    if src.startswith("->", pos):
        return pos + 2
    raise p.fail(f"expected ',' between items, found '{p.source[pos]}'", pos)


def parse_element(p: Parser, pos: int, depth: int) -> tuple[int, object]:
    src = p.src
    if depth == 0 and pos < len(src) and src[pos] in ")]":
        # Outside any bracket a closer has nothing to close.
        raise p.fail(f"unmatched '{src[pos]}': no '{OPENERS[src[pos]]}' before it", pos)
    if depth == 0 and pos < len(src) and src[pos] == "|":
        raise p.fail(STRAY_BAR, pos)
    if pos >= len(src) or src[pos] in ",|)]\n" or src.startswith("->", pos):
        raise p.fail("empty item: expected a layer", pos)
    if src[pos] == "[":
        return parse_repeat(p, pos, depth)
    end, name = parse_name(src, pos)
    if not name:
        raise p.fail(f"unexpected '{p.source[pos]}': expected a layer such as conv3x3p1x64", pos)
    if end < len(src) and src[end] == "(":
        if name in BRANCH_CONSTRUCTS:
            return parse_branches(p, pos, name, end + 1, depth)
        return parse_call(p, pos, name, end + 1)
    return parse_layer(p, pos)


def parse_repeat(p: Parser, pos: int, depth: int) -> tuple[int, Repeat]:
    src = p.src
    end, items = parse_items(p, pos + 1, newline_ends=False, depth=depth + 1)
    if end < len(src) and src[end] == "|":
        raise p.fail(STRAY_BAR, end)
    if end >= len(src) or src[end] != "]":
        raise p.fail("unclosed '[': expected ']'", pos if end >= len(src) else end)
    cursor = skip_space(src, end + 1)
    if cursor >= len(src) or src[cursor] != "*":
        raise p.fail("a group needs a repeat count: [ ... ]*N", cursor)
    start = skip_space(src, cursor + 1)
    cursor, count = parse_number(p, start)
    if isinstance(count, Fraction):
        raise p.fail(f"a repeat count must be a whole number, got '{p.source[start:cursor]}'", start)
    return cursor, Repeat(Seq(tuple(items), pos + 1), count, p.source[pos:cursor], pos)


def parse_branches(p: Parser, pos: int, name: str, cursor: int, depth: int) -> tuple[int, object]:
    src = p.src
    branches = []
    while True:
        cursor, items = parse_items(p, cursor, newline_ends=False, depth=depth + 1)
        branches.append(Seq(tuple(items), items[0].pos))
        if cursor >= len(src):
            raise p.fail(f"unclosed '{name}(': expected ')'", pos)
        if src[cursor] == ")":
            break
        if src[cursor] != "|":
            raise p.fail(f"expected '|' or ')' in {name}(...), found '{p.source[cursor]}'", cursor)
        cursor += 1
    cursor += 1
    BRANCH_CONSTRUCTS[name].check_branches(branches, p.fail)
    return cursor, Branches(name, tuple(branches), p.source[pos:cursor], pos)


def parse_call(p: Parser, pos: int, name: str, cursor: int) -> tuple[int, Call]:
    src = p.src
    args = []
    cursor = skip_space(src, cursor)
    if cursor < len(src) and src[cursor] == ")":
        return cursor + 1, Call(name, (), p.source[pos : cursor + 1], pos)
    while True:
        cursor = skip_space(src, cursor)
        cursor, value = parse_number(p, cursor)
        args.append(value)
        cursor = skip_space(src, cursor)
        if cursor < len(src) and src[cursor] == ",":
            cursor += 1
            continue
        if cursor < len(src) and src[cursor] == ")":
            return cursor + 1, Call(name, tuple(args), p.source[pos : cursor + 1], pos)
        raise p.fail(f"expected ',' or ')' in {name}(...)", cursor)


def parse_layer(p: Parser, pos: int) -> tuple[int, Layer]:
    """``conv3x3s2p1x64``: a name, leading numbers, then options."""
    src = p.src
    end = pos
    while end < len(src) and src[end] in LETTERS:
        end += 1
    name = src[pos:end]
    # Word options may follow a bare name directly: "inaffine" is "in" + "affine".
    stripped = True
    while stripped:
        stripped = False
        for word in WORD_OPTIONS:
            if name.endswith(word) and len(name) > len(word):
                name, end, stripped = name[: -len(word)], end - len(word), True
    for special in NAMES_WITH_DIGITS:
        if src.startswith(special, pos) and (pos + len(special) == len(src) or src[pos + len(special)] not in DIGITS):
            end, name = pos + len(special), special
    args = []
    cursor = end
    if cursor < len(src) and (src[cursor] in DIGITS or src[cursor] in ".{"):
        cursor, values, last = parse_numbers(p, cursor)
        args.append(Arg("", values, end, last))
    while cursor < len(src) and src[cursor] not in ITEM_END:
        cursor, arg = parse_option(p, cursor, name)
        args.append(arg)
    if src.startswith("-", cursor) and not src.startswith("->", cursor):
        raise p.fail(f"unexpected '-' in '{p.source[pos:cursor + 1]}'", cursor)
    has_refs = any(isinstance(v, Ref) for arg in args for v in arg.values)
    return cursor, Layer(name, tuple(args), p.source[pos:cursor], pos, has_refs)


def parse_option(p: Parser, pos: int, layer_name: str) -> tuple[int, Arg]:
    src = p.src
    for word in OPTIONS:
        if src.startswith(word, pos):
            cursor = pos + len(word)
            if word in WORD_OPTIONS:
                return cursor, Arg(word, (), pos)
            if cursor < len(src) and (src[cursor] in DIGITS or src[cursor] in ".{"):
                cursor, values, last = parse_numbers(p, cursor)
                return cursor, Arg(word, values, pos, last)
            raise p.fail(f"option '{word}' needs a number (e.g. {word}2)", cursor)
    char = p.source[pos]
    if char in DIGITS or char in LETTERS or char.isalpha():
        raise p.fail(f"unknown option '{char}' in '{layer_name}' (options: {OPTION_HINT})", pos)
    raise p.fail(f"unexpected character '{char}'", pos)


def parse_numbers(p: Parser, pos: int) -> tuple[int, tuple, int]:
    """``3x3x64`` -> (3, 3, 64) and where the last number starts; an ``x`` continues the
    list only when a number follows."""
    last = pos
    pos, first = parse_number(p, pos)
    values = [first]
    src = p.src
    while pos + 1 < len(src) and src[pos] == "x" and (src[pos + 1] in DIGITS or src[pos + 1] == "{"):
        last = pos + 1
        pos, value = parse_number(p, last)
        values.append(value)
    return pos, tuple(values), last


def parse_number(p: Parser, pos: int) -> tuple[int, object]:
    """A whole number, a decimal (kept exact as a Fraction) or a ``{param}``."""
    src = p.src
    if pos < len(src) and src[pos] == "{":
        end = src.find("}", pos)
        name = src[pos + 1 : end].strip() if end > 0 else ""
        if end < 0 or not name or parse_name(name, 0)[0] != len(name):
            raise p.fail("expected a parameter name in braces, e.g. {mid}", pos)
        return end + 1, Ref(name, pos)
    start = pos
    while pos < len(src) and src[pos] in DIGITS:
        pos += 1
    if pos < len(src) and src[pos] == ".":
        pos += 1
        while pos < len(src) and src[pos] in DIGITS:
            pos += 1
    text = src[start:pos]
    if not text.strip("."):
        raise p.fail("expected a number", start)
    if len(text) > MAX_DIGITS:
        raise p.fail(f"numbers longer than {MAX_DIGITS} digits are not supported", start)
    return pos, (Fraction(text) if "." in text else int(text))
