"""The table of layer kinds: each module owns its kinds' arithmetic; this joins their tables."""

from __future__ import annotations

import difflib

from . import conv, dense, norm, pool, shape
from .base import GLOBAL, Args, Effect, Kind

KINDS: dict[str, Kind] = {**conv.KINDS, **pool.KINDS, **dense.KINDS, **norm.KINDS, **shape.KINDS}

__all__ = ["GLOBAL", "KINDS", "Args", "Effect", "Kind", "suggest"]


def suggest(name: str, known=()) -> str | None:
    """The closest known layer (or block) name, for "did you mean".."""
    matches = difflib.get_close_matches(name, [*KINDS, *known], n=1, cutoff=0.5)
    return matches[0] if matches else None
