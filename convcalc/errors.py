"""The one error type of convcalc: a message tied to a column of the text it is about."""

from __future__ import annotations

# Lines longer than this are shown as a window around the offending column,
# so a caret under column 400 of a one-line ResNet spec stays on screen.
ECHO_WIDTH = 100


class SpecError(Exception):
    """A problem with user text (spec, spec file or --input), at a character offset.

    ``source`` is the whole text, ``position`` an index into it; ``label`` names
    where the text came from (a file name, "input", or None for a spec string).
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

    def render(self) -> str:
        """One line naming the problem, then the offending line with a caret under the column."""
        line_no, column = self.line_and_column()
        # split("\n"), not splitlines(): a position just after a final newline is on an empty last line.
        text = self.source.split("\n")[line_no - 1].rstrip("\r")
        if self.label is None:
            where = f"column {column}"
        elif self.label == "input" or self.label.startswith("-"):  # --input, or an option's value
            where = f"{'--input' if self.label == 'input' else self.label}, column {column}"
        else:
            where = f"{self.label}:{line_no}:{column}"
        offset = column - 1
        if len(text) > ECHO_WIDTH:
            start = max(0, min(offset - ECHO_WIDTH // 2, len(text) - ECHO_WIDTH))
            shown = text[start : start + ECHO_WIDTH]
            prefix = "..." if start > 0 else ""
            suffix = "..." if start + ECHO_WIDTH < len(text) else ""
            text = prefix + shown + suffix
            offset = offset - start + len(prefix)
        return f"error: {self.message} ({where})\n  {text}\n  {' ' * offset}^"
