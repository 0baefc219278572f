"""The one error type of convcalc: a message tied to a column of the text it is about."""

from __future__ import annotations

import re
import unicodedata

# Lines longer than this are shown as a window around the offending column,
# so a caret under column 400 of a one-line ResNet spec stays on screen.
ECHO_WIDTH = 100
# A word of the message longer than this (a 100,000-character name it quotes) keeps its ends only.
MESSAGE_WORD = 80
TAB = 8
# Characters that would act on the terminal or not show at all: control, format (U+200B, bidi
# overrides), line separators, surrogates (undecodable argument bytes), private use, unassigned.
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def escaped(char: str) -> str:
    """A character as it may reach a terminal: itself, or its name (`\\x1b`, `U+200B`)."""
    if unicodedata.category(char) not in HIDDEN:
        return char
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"U+{ord(char):04X}"


def printable(text: str) -> str:
    """User text made safe for one line of stderr (a tab is shown as \\x09 too)."""
    return "".join(escaped(char) for char in text)


def shortened(message: str) -> str:
    return re.sub(rf"\S{{{MESSAGE_WORD + 1},}}",
                  lambda word: word[0][: MESSAGE_WORD // 2] + "..." + word[0][-MESSAGE_WORD // 4:], message)


def echoed(text: str, index: int) -> tuple[str, int]:
    """The line as echoed (tabs expanded to the caret's tab stops, hidden characters named)
    and the column of ``index`` in it, so the caret stands under the character it means."""
    shown: list[str] = []
    width = 0
    caret = None
    for position, char in enumerate(text):
        if position == index:
            caret = width
        piece = " " * (TAB - width % TAB) if char == "\t" else escaped(char)
        shown.append(piece)
        width += len(piece)
    return "".join(shown), width if caret is None else caret


def window(text: str, offset: int) -> tuple[str, int]:
    """At most ECHO_WIDTH characters of ``text`` around ``offset``, cuts marked with "..."."""
    if len(text) <= ECHO_WIDTH:
        return text, offset
    start = max(0, min(offset - ECHO_WIDTH // 2, len(text) - ECHO_WIDTH))
    prefix = "..." if start > 0 else ""
    suffix = "..." if start + ECHO_WIDTH < len(text) else ""
    return prefix + text[start : start + ECHO_WIDTH] + suffix, offset - start + len(prefix)


class SpecError(ValueError):
    """A problem with user text (spec, spec file or --input), at a character offset.

    ``source`` is the whole text, ``position`` an index into it; ``label`` names
    where the text came from (a file name, "input", or None for a spec string).
    ``message``, ``line``, ``column`` and ``caret`` (the offending line echoed, with a caret
    under the column) are the parts of ``str(error)``, which is what the CLI prints.
    """

    def __init__(self, message: str, source: str, position: int, label: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.position = max(0, min(position, len(source)))
        self.label = label

    def line_and_column(self) -> tuple[int, int]:
        """1-based line and column of ``position``."""
        before = self.source[: self.position]
        line = before.count("\n") + 1
        column = self.position - (before.rfind("\n") + 1) + 1
        return line, column

    @property
    def line(self) -> int:
        """1-based line of the offending character."""
        return self.line_and_column()[0]

    @property
    def column(self) -> int:
        """1-based column of the offending character in its line."""
        return self.line_and_column()[1]

    @property
    def caret(self) -> str:
        """The offending line (a window of a long one) and a caret under the column, two lines."""
        return self.render().split("\n", 1)[1]

    def __str__(self) -> str:
        return self.render()[len("error: "):]

    def render(self) -> str:
        """One line naming the problem, then the offending line with a caret under the column."""
        line_no, column = self.line_and_column()
        # split("\n"), not splitlines(): a position just after a final newline is on an empty last line.
        text = self.source.split("\n")[line_no - 1].rstrip("\r")
        if self.label is None:
            where = f"line {line_no}, column {column}" if "\n" in self.source else f"column {column}"
        elif self.label == "input" or self.label.startswith("-"):  # --input, or an option's value
            where = f"{'--input' if self.label == 'input' else self.label}, column {column}"
        else:
            where = f"{self.label}:{line_no}:{column}"
        # Windowed before the escaping (a 1,000,000-character line costs nothing), then again
        # after it, since an escape shows one character as four.
        text, offset = window(text, column - 1)
        text, offset = window(*echoed(text, offset))
        return f"error: {printable(shortened(self.message))} ({printable(where)})\n  {text}\n  {' ' * offset}^"
