"""Long fuzzing run: random text, mutated real specs and random CLI argument lists.

Run: python fuzzer/fuzz.py [CASES] [SEED]     (default 100,000 cases; a few minutes)

The only allowed outcomes are a result (exit 0; 1 for `solve` with no solution) or
an error on stderr that starts with "convcalc: error:" with exit status 2. A
Python exception, another exit status, or a case using more than 10 s of CPU is
a finding: it is printed with its arguments, to become a regression case.
"""

from __future__ import annotations

import gc
import random
import signal
import sys
import time
from collections import Counter

from click.testing import CliRunner
from generators import random_arguments, random_spec

from convcalc.cli import main

CASE_SECONDS = 10


class Hang(Exception):
    pass


def on_alarm(signum, frame):
    raise Hang()


def one_case(runner: CliRunner, rng: random.Random) -> tuple[str, list[str]]:
    if rng.random() < 0.5:
        args = ["-i", rng.choice(["3x16x16", "3x32x32", "1x64", "2x8x8x8"]), random_spec(rng)]
    else:
        args = random_arguments(rng)
    # CPU seconds of this process, not wall time: a machine busy with other work must not turn
    # a 1 s case into a "hang".
    signal.setitimer(signal.ITIMER_PROF, CASE_SECONDS)
    try:
        result = runner.invoke(main, args, input="", catch_exceptions=True)
    except Hang:
        return "hang", args
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"exception {type(result.exception).__name__}: {result.exception}", args
    if result.exit_code in (0, 1):
        return f"exit {result.exit_code}", args
    if result.exit_code == 2 and result.stderr.startswith("convcalc: error:") and "Traceback" not in result.stderr:
        return "exit 2", args
    return f"bad exit {result.exit_code}: {result.stderr[:200]!r}", args


def main_loop(cases: int, seed: int) -> int:
    signal.signal(signal.SIGPROF, on_alarm)
    rng = random.Random(seed)
    runner = CliRunner()
    outcomes: Counter[str] = Counter()
    findings = []
    start = time.perf_counter()
    for number in range(1, cases + 1):
        outcome, args = one_case(runner, rng)
        if outcome.startswith(("exit 0", "exit 1", "exit 2")):
            outcomes[outcome] += 1
        else:
            outcomes["finding"] += 1
            findings.append((outcome, args))
            print(f"FINDING {outcome}\n  args: {args!r}", flush=True)
        if number % 10_000 == 0:
            # click's CliRunner keeps a few stream objects alive per invocation (click 8.4), so a
            # long run grows; frozen, they are no longer traversed by every garbage collection.
            gc.freeze()
            print(f"{number:,} cases, {time.perf_counter() - start:.0f} s: {dict(outcomes)}", flush=True)
    print(f"done: {cases:,} cases in {time.perf_counter() - start:.0f} s (seed {seed}): {dict(outcomes)}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main_loop(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
                       int(sys.argv[2]) if len(sys.argv) > 2 else 1))
