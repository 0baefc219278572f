"""Pause cyclic garbage collection while building large acyclic trees.

The parser's nodes and the engine's rows never form cycles, so a collection finds
nothing in them; run while 10^5 of them are being built it only makes the work
super-linear.
"""

from __future__ import annotations

import gc


class gc_paused:  # noqa: N801 (used as a function is: ``with gc_paused():``)
    """A class rather than a ``contextlib.contextmanager`` generator: a third of the cost, which
    counts when a batch parses thousands of ten-layer specs (1 us of 15)."""

    def __enter__(self) -> None:
        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *exception) -> None:
        if self.collecting:
            gc.enable()
