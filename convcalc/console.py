"""The ``convcalc`` console script: the CLI (cli.py), started without collecting its own start-up.

Importing the CLI makes some 100,000 objects that live as long as the process (click, the
modules, the kinds' registry); a garbage collection among them finds nothing and took ~2 ms of
every start. So none runs while they are made, and then they are set aside for good
(``gc.freeze``): later collections, a long ``convcalc batch``'s among them, look only at new objects.
"""

from __future__ import annotations

import gc

from .gc_pause import gc_paused


def main():
    with gc_paused():
        from .cli import main as cli_main

        gc.freeze()
    return cli_main()
