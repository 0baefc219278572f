"""CLI-level fuzzing: random argument lists, environments and output streams, each case a real
`python -m convcalc` process (fuzz.py runs in-process and cannot close stdout or set a locale).

Run: python fuzzer/cli_fuzz.py [SECONDS] [SEED]     (default 180 s; about 3-5 cases a second)

A case draws arguments (fuzz.py's generators, plus picture paths, stdin specs and characters
that act on a terminal), an environment (NO_COLOR, FORCE_COLOR, COLUMNS, PYTHONIOENCODING,
LC_ALL), stdin (empty, closed, text, /dev/zero) and stdout (a pipe, closed, /dev/full, a reader
that reads one byte and goes away). The only allowed outcomes: exit 0, 1 or 2, within 10 s and
500 MB; stderr holds only `convcalc: note:` lines and, on exit 2, one `convcalc: error:` line
(then the echoed text and its caret); never a traceback, never a complaint about the pipe.
Anything else is printed with its case, to become a case in tests/data/streams.toml.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from generators import random_arguments, random_spec

ROOT = Path(__file__).resolve().parent.parent
CASE_SECONDS = 10
MEGABYTES = 500
ENVIRONMENTS = {
    "NO_COLOR": ["", "1"],
    "FORCE_COLOR": ["", "1", "0"],
    "COLUMNS": ["20", "80", "400", "x"],
    "PYTHONIOENCODING": ["ascii", "utf-8", "latin-1"],
    "LC_ALL": ["C", "C.UTF-8"],
}
STDINS = ["empty", "closed", "text", "/dev/zero"]
# A pipe half of the time, so that most cases get far enough to print.
STDOUTS = ["pipe", "pipe", "pipe", "closed", "/dev/full", "gone"]
# Specs that succeed, with blocks (tree guides), misfits (warnings) and notes to print.
SPECS = ["res(conv3p1,relu|conv1),cat(relu|id),conv2s3", "[relu]*2,conv3s2", "resnet50", "conv3,relu,gap,fc10"]
ODD_TEXT = ["\x1b[31m", "\u200b", "é", "\t", "\ufeff", "[/]", "[bold]", "a/b", "x.cnn"]


def random_case(rng: random.Random, folder: str) -> dict:
    if rng.random() < 0.3:
        args = ["-i", "3x32x32", rng.choice(SPECS)]
    elif rng.random() < 0.5:
        args = ["-i", rng.choice(["3x16x16", "3x32x32", "1x64", "2x8x8x8"]), random_spec(rng)]
    else:
        args = random_arguments(rng)
    # Mostly none, so that most cases get as far as printing.
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        extra = rng.choice([
            ["--svg", rng.choice([folder, f"{folder}/a.svg", "/dev/full", "/nonexistent/a.svg"])],
            ["--html", rng.choice([f"{folder}/a.html", "/dev/full"])],
            ["-"], ["-f", rng.choice(["/dev/zero", "/dev/null", folder])],
            [rng.choice(["--json", "--no-color", "-q"])],
            [random_spec(rng) + rng.choice(ODD_TEXT)],
            ["compare", random_spec(rng), rng.choice(ODD_TEXT)],
        ])
        args[rng.randint(0, len(args)):0] = extra
    env = {name: rng.choice(values) for name, values in ENVIRONMENTS.items() if rng.random() < 0.3}
    return {"args": args, "env": env, "stdin": rng.choice(STDINS), "stdout": rng.choice(STDOUTS),
            "text": random_spec(rng) + rng.choice(ODD_TEXT + [""])}


def run(case: dict, folder: str) -> tuple[int, str]:
    env = {key: value for key, value in os.environ.items() if key not in ENVIRONMENTS}
    env.update(case["env"], PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "convcalc", *case["args"]]
    if case["stdin"] == "closed" or case["stdout"] == "closed":
        # Only a shell can start a process with descriptor 0 or 1 closed.
        quoted = " ".join("'" + part.replace("'", "'\\''") + "'" for part in command)
        command = ["bash", "-c", quoted + (" <&-" if case["stdin"] == "closed" else "")
                   + (" >&-" if case["stdout"] == "closed" else "")]
    text_file = os.path.join(folder, "stdin.txt")
    with open(text_file, "w", encoding="utf-8") as handle:
        handle.write(case["text"] if case["stdin"] == "text" else "")
    stdin = open("/dev/zero" if case["stdin"] == "/dev/zero" else text_file, "rb")
    stdout = open("/dev/full", "wb") if case["stdout"] == "/dev/full" else subprocess.PIPE
    with subprocess.Popen(command, env=env, cwd=folder, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE) as proc:
        try:
            if case["stdout"] == "gone":
                proc.stdout.read(1)
                proc.stdout.close()
            _, err = proc.communicate(timeout=CASE_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return -1, "hang"
        finally:
            stdin.close()
    return proc.returncode, err.decode("utf-8", "replace")


def problem(status: int, err: str) -> str | None:
    """What is wrong with an outcome, or None."""
    if status == -1:
        return f"no answer within {CASE_SECONDS} s"
    if "Traceback" in err or "Exception ignored" in err or "Broken pipe" in err:
        return "traceback or pipe complaint"
    if status not in (0, 1, 2):
        return f"exit status {status}"
    lines = err.splitlines()
    notes = 0
    while notes < len(lines) and lines[notes].startswith("convcalc: note: "):
        notes += 1
    rest = lines[notes:]
    if status in (0, 1) and rest:
        return "stderr beyond notes on success"
    if status == 2 and not (rest and rest[0].startswith("convcalc: error: ") and len(rest) in (1, 3)):
        return "exit 2 without exactly one error line (+ echo and caret)"
    return None


def main_loop(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    findings = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        while time.perf_counter() - start < seconds:
            case = random_case(rng, folder)
            status, err = run(case, folder)
            wrong = problem(status, err)
            if resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > MEGABYTES * 1024 and not findings:
                # The peak over all cases so far: the first case that passes it is the one to look at.
                wrong = wrong or f"more than {MEGABYTES} MB"
            if wrong:
                findings += 1
                print(f"FINDING {wrong}\n  case: {case!r}\n  status {status}, stderr: {err[:600]!r}", flush=True)
            outcomes["finding" if wrong else f"exit {status}"] += 1
    print(f"done: {sum(outcomes.values()):,} cases in {time.perf_counter() - start:.0f} s (seed {seed}): "
          f"{dict(outcomes)}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main_loop(float(sys.argv[1]) if len(sys.argv) > 1 else 180,
                       int(sys.argv[2]) if len(sys.argv) > 2 else 1))
