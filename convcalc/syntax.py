"""Spec text -> a tree of nodes carrying their source positions.

A hand-written parser of small functions, each ``parse_x(src, pos) -> (pos, value)``.
``src`` is the text with its ASCII letters lower-cased (so positions match the original);
every error goes through ``fail`` and points at a column.

Speed (issue 14: 10^5-layer specs, batches of thousands of small ones), as measured: runs of
characters (names, numbers, blank lines) are matched by compiled regexes anchored at ``pos``,
single characters are tested in Python (cheaper than a match). Two shortcuts come before the
careful code, which alone raises errors: a layer item parsed before is reused (PLAIN_LAYERS),
a run of whole numbers is read in one match (WHOLE_NUMBERS); tests/test_parser_shortcuts.py
checks that they give what the careful code gives.

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

import re
from fractions import Fraction

from .constructs import BRANCH_CONSTRUCTS, listed
from .errors import SpecError
from .gc_pause import gc_paused
from .keras import suffixed_name
from .kinds import NAMES_WITH_DIGITS, OPTION_WORDS
from .kinds.base import NAME_WORDS
from .records import Record
from .tensor import DIGITS, MAX_DIGITS

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz_")
SPACE = frozenset(" \t\r")
NEWLINE = "\n"
COMMENT = "#"
# Characters that end an item: what may follow a complete layer.
ITEM_END = frozenset(",\n|)]#-") | SPACE
# What may end a layer item written in letters and digits alone for its nodes to be reused
# (parse_element): a '-' is left out, an error unless it begins '->'.
PLAIN_END = ITEM_END - {"-"}
# What starts a blank: a space, a line break or a comment.
BLANK = SPACE | frozenset((NEWLINE, COMMENT))
# What a number starts with: a digit, a decimal point or the brace of a {param}.
NUMBER_START = DIGITS | frozenset(".{")
# Option words (declared in the kinds' registry), longest first so that "psame" wins over "p".
WORD_OPTIONS = tuple(sorted((tag for tag, (numbers, *_) in OPTION_WORDS.items() if not numbers), key=len, reverse=True))
OPTIONS = tuple(sorted(OPTION_WORDS, key=len, reverse=True))
# The alternatives are tried in order, so the longest option word that matches wins, as in OPTIONS.
OPTION = re.compile("|".join(map(re.escape, OPTIONS)))
OPTION_HINT = ", ".join(tag for tag in OPTION_WORDS if tag not in NAME_WORDS)
OPENERS = {")": "(", "]": "["}
# side(...) and aux(...) are written with parentheses but hold one head: '|' is not theirs.
STRAY_BAR = f"'|' separates branches only directly inside " \
            f"{listed((f'{n}(...)' for n, m in BRANCH_CONSTRUCTS.items() if not getattr(m, 'ONE_HEAD', False)), 'or')}"
# Guards against pathological input (a spec nested 10,000 brackets deep, a
# megabyte-long spec, a 5,000-digit number that Python would refuse to print).
MAX_NESTING = 100
MAX_SPEC_CHARS = 1_000_000
# Layer items of letters and digits alone, each parsed once a process (parse_element): the node
# first read, by its lower-cased text. Emptied when it holds MAX_PLAIN_LAYERS.
PLAIN_LAYERS: dict[str, Layer] = {}
MAX_PLAIN_LAYERS = 10_000
# The runs the parser skips or reads, as regexes: [a-z_] and [0-9] are LETTERS and DIGITS
# (ASCII only, unlike \w and \d), [ \t\r] is SPACE. (A single character is tested in Python:
# that costs less than a regex match.)
BLANKS = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")  # spaces, newlines and comments
NAME = re.compile(r"([a-z_]+)[a-z_0-9]*")  # group 1: its letters, after which a layer's numbers start
NUMBER = re.compile(r"[0-9]*(?:\.[0-9]*)?")
# The usual run of numbers in one match, before the careful loop (which alone raises errors):
# whole numbers joined by x ("3x3x64"), not followed by what would make parse_numbers read
# more (a digit, a decimal point, an x before a number or a {param}).
WHOLE_NUMBERS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}(?:x[0-9]{{1,{MAX_DIGITS}}})*(?![0-9.]|x[0-9{{])")


# The nodes are records (records.py): a 10^5-layer spec makes 10^5 of them, and a record is made
# three times faster than a frozen dataclass. Nothing compares nodes: a record equals any tuple
# of the same values.
class Ref(Record):
    """A block parameter used in place of a number: ``{mid}``."""

    name: str
    pos: int


class Arg(Record):
    """One run of numbers in a layer item: the leading sizes (tag "") or an option.
    ``last_pos``: where its last number starts (a trailing channel count is blamed there); 0 for a
    word option, which has none."""

    tag: str
    values: tuple
    pos: int
    last_pos: int = 0


class Layer(Record):
    """A layer item, ``conv3x3s2p1x64``: its kind's name and its runs of numbers (``Arg``).
    ``has_refs``: some number is a {param}, filled in when the block is used."""

    name: str
    args: tuple[Arg, ...]
    text: str
    pos: int
    has_refs: bool = False


class Seq(Record):
    """Elements one after the other: the network, a block's body, a group or a branch."""

    items: tuple
    pos: int


# Block nodes carry ``construct``: the name of their module in constructs/, which the engine
# and the exporter dispatch on (a class attribute where it is fixed, not a field).
class Repeat(Record):
    """``[conv3p1x64, relu]*2``: a group and its repeat count (a number or a {param})."""

    body: Seq
    count: object
    text: str
    pos: int

    construct = "repeat"


class Branches(Record):
    """``res(a | b)``, ``cat(a | b | c)``: a construct written with branches (one ``Seq`` each)."""

    construct: str
    branches: tuple[Seq, ...]
    text: str
    pos: int


class Call(Record):
    """A use of a named block, ``bottleneck(64, 256, 1)``."""

    name: str
    args: tuple
    text: str
    pos: int

    construct = "block"


class Definition(Record):
    """A named block, ``bottleneck(mid, out, stride) = ...``: its parameter names and body.
    ``source``, ``label``: set on a block imported by ``use``, the text and label of the file that
    defines it (its positions point there); None on the document's own."""

    name: str
    params: tuple[str, ...]
    body: Seq
    pos: int
    source: str | None = None
    label: str | None = None


class Use(Record):
    """A line ``use resnet_blocks`` or ``use ../blocks.cnn``: the name as written, and where."""

    name: str
    pos: int


class Document(Record):
    """A parsed spec: its network (a ``Seq``), named blocks by name, ``input`` line (its text
    and position, or None and 0) and ``use`` lines."""

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
        # Lower-case only ASCII so that every position still maps 1:1 to the source (some
        # non-ASCII characters lower-case to two); ASCII text, the usual, in one call.
        self.src = source.lower() if source.isascii() else "".join(c.lower() if c.isascii() else c for c in source)

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
    # Spaces come one at a time (", ", " | "): a loop costs less than a regex match.
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
    if pos < len(src) and src[pos] in BLANK:
        return BLANKS.match(src, pos).end()
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
    name = NAME.match(src, pos)
    return (pos, "") if name is None else (name.end(), name.group())


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
        if pos < len(src) and src[pos] == ",":  # the usual, tested first: a comma right after the item
            pos = skip_blank(src, pos + 1)
            pos, item = parse_element(p, pos, depth)
            items.append(item)
            continue
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
    # A name first, the usual element: none of the checks below holds at a letter.
    named = NAME.match(src, pos)
    if named is not None:
        end = named.end()
        if end < len(src) and src[end] == "(":
            name = named.group()
            if name in BRANCH_CONSTRUCTS:
                return parse_branches(p, pos, name, end + 1, depth)
            return parse_call(p, pos, name, end + 1)
        # A layer item of letters and digits alone (conv3p1x64, relu) ended by a separator, a
        # space, a comment or a closer is read from its own characters only (and the next one's
        # ending it): it reads the same wherever it stands. So it is parsed once (in this spec or
        # an earlier one: a 10^5-layer network repeats a few dozen items, a batch its networks'),
        # and its copies take that node with the positions moved. Measured in instructions: a
        # sequential spec's layers cost half as much, a DenseNet chain's a third less, a ten-layer
        # spec parsed before half.
        if end < len(src) and src[end] not in PLAIN_END:
            return parse_layer(p, pos, named.end(1))
        key = src[pos:end]
        known = PLAIN_LAYERS.get(key)
        if known is not None:
            args = moved(known.args, pos - known.pos) if known.args else ()
            return end, Layer(known.name, args, p.source[pos:end], pos, known.has_refs)
        end, layer = parse_layer(p, pos, named.end(1))
        if len(PLAIN_LAYERS) >= MAX_PLAIN_LAYERS:
            PLAIN_LAYERS.clear()
        PLAIN_LAYERS[key] = layer
        return end, layer
    if depth == 0 and pos < len(src) and src[pos] in ")]":
        # Outside any bracket a closer has nothing to close.
        raise p.fail(f"unmatched '{src[pos]}': no '{OPENERS[src[pos]]}' before it", pos)
    if depth == 0 and pos < len(src) and src[pos] == "|":
        raise p.fail(STRAY_BAR, pos)
    if pos >= len(src) or src[pos] in ",|)]\n" or src.startswith("->", pos):
        raise p.fail("empty item: expected a layer", pos)
    if src[pos] == "[":
        return parse_repeat(p, pos, depth)
    raise p.fail(f"unexpected '{p.source[pos]}': expected a layer such as conv3x3p1x64", pos)


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


def parse_layer(p: Parser, pos: int, end: int) -> tuple[int, Layer]:
    """``conv3x3s2p1x64``: a name, leading numbers, then options; ``end`` is where the letters
    at ``pos`` end."""
    src = p.src
    if may_be_suffixed(src, end):
        foreign = suffixed_name(src, pos)
        if foreign is not None:
            raise p.fail(foreign[1], pos)
    name = src[pos:end]
    # Word options may follow a bare name directly: "inaffine" is "in" + "affine". (Most names
    # end with none: one call says so.)
    stripped = name.endswith(WORD_OPTIONS)
    while stripped:
        stripped = False
        for word in WORD_OPTIONS:
            if name.endswith(word) and len(name) > len(word):
                name, end, stripped = name[: -len(word)], end - len(word), True
    if src.startswith(NAMES_WITH_DIGITS, pos):
        for special in NAMES_WITH_DIGITS:
            if src.startswith(special, pos) and (pos + len(special) == len(src) or src[pos + len(special)] not in DIGITS):
                end, name = pos + len(special), special
    args = []
    cursor = end
    if cursor < len(src) and src[cursor] in NUMBER_START:
        cursor, values, last = parse_numbers(p, cursor)
        args.append(Arg("", values, end, last))
    while cursor < len(src) and src[cursor] not in ITEM_END:
        cursor, arg = parse_option(p, cursor, name)
        args.append(arg)
    if src.startswith("-", cursor) and not src.startswith("->", cursor):
        raise p.fail(f"unexpected '-' in '{p.source[pos:cursor + 1]}'", cursor)
    text = p.source[pos:cursor]
    # Every '{' in a layer's text opens a {param}: parse_number made it a Ref (or failed).
    return cursor, Layer(name, tuple(args), text, pos, "{" in text)


def may_be_suffixed(src: str, end: int) -> bool:
    """Whether a Keras / PyTorch class name with a dimension suffix (``maxpooling2d``, keras.py)
    may start where the letters ending at ``end`` start: its digit follows the letters, unless a
    non-ASCII letter stands among them (keras.py's regex reads the Kelvin sign as k). The regex
    is asked only then: most layers are neither."""
    return end < len(src) and (src[end] in "123" or not src[end].isascii())


def moved(args: tuple[Arg, ...], shift: int) -> tuple[Arg, ...]:
    """A layer's args written ``shift`` characters later (a word option has no number: its
    ``last_pos`` stays 0)."""
    return tuple([Arg(tag, values, at + shift, last + shift if values else 0) for tag, values, at, last in args])


def parse_option(p: Parser, pos: int, layer_name: str) -> tuple[int, Arg]:
    src = p.src
    option = OPTION.match(src, pos)
    if option is not None:
        word, cursor = option.group(), option.end()
        if word in WORD_OPTIONS:
            return cursor, Arg(word, (), pos)
        if cursor < len(src) and src[cursor] in NUMBER_START:
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
    src = p.src
    whole = WHOLE_NUMBERS.match(src, pos)
    if whole is not None:
        text = whole.group()
        return whole.end(), tuple(map(int, text.split("x"))), pos + text.rfind("x") + 1
    last = pos
    pos, first = parse_number(p, pos)
    values = [first]
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
    pos = NUMBER.match(src, pos).end()
    text = src[start:pos]
    if not text.strip("."):
        raise p.fail("expected a number", start)
    if len(text) > MAX_DIGITS:
        raise p.fail(f"numbers longer than {MAX_DIGITS} digits are not supported", start)
    return pos, (Fraction(text) if "." in text else int(text))
