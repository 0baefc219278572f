"""Pause cyclic garbage collection while building large acyclic trees.

The parser's nodes and the engine's rows never form cycles, so a collection finds
nothing in them; run while 10^5 of them are being built it only makes the work
super-linear.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
