"""The registry of layer kinds: each module declares its kinds as ``Kind`` entries; every stage
(parser, engine, conventions, help, tests) reads them from here."""

from __future__ import annotations

from . import conv, dense, norm, pool, resample, shape
from .base import COSTS, GLOBAL, OPTION_WORDS, Args, Context, Effect, Kind, Option, OptionError, Options

# Every entry once, in the order the help lists them.
ENTRIES: tuple[Kind, ...] = (*conv.KINDS, *pool.KINDS, *dense.KINDS, *norm.KINDS, *shape.KINDS, *resample.KINDS)
# Every name and alias -> its entry.
KINDS: dict[str, Kind] = {name: kind for kind in ENTRIES for name in kind.names}
if len(KINDS) != sum(len(kind.names) for kind in ENTRIES):
    raise ImportError("a layer kind name is registered twice")
# Names that end in a digit, so the parser does not read the digit as a size (relu6).
NAMES_WITH_DIGITS = tuple(name for name in KINDS if name[-1].isdigit())

__all__ = ["COSTS", "ENTRIES", "GLOBAL", "KINDS", "NAMES_WITH_DIGITS", "OPTION_WORDS", "Args", "Context", "Effect", "Kind",
           "Option", "OptionError", "Options", "cheatsheet", "suggest"]


def cheatsheet() -> list[str]:
    """The spec part of ``--help``: one line per kind from its summary, then the option words."""
    lines = []
    for kind in ENTRIES:
        example, _, what = kind.summary.partition(": ")
        lines.append(f"  {example:<16} {what}" if len(example) <= 16 else f"  {example}  {what}")
    words = [f"{tag}{'<n>' if numbers else ''} {meaning.split(' (')[0].split(':')[0]}"
             for tag, (numbers, meaning, *_) in OPTION_WORDS.items()]
    line = "  options:"
    for word in words:
        if len(line) + len(word) > 88:
            lines.append(line + ",")
            line = "           "
        line += ("" if line.endswith(" ") else ", " if not line.endswith(":") else " ") + word
    return [*lines, line]


def suggest(name: str, known=()) -> str | None:
    """The closest known layer (or block) name, for "did you mean".."""
    import difflib  # only on an error: start-up does not pay for it

    matches = difflib.get_close_matches(name, [*KINDS, *known], n=1, cutoff=0.5)
    return matches[0] if matches else None
