"""The CLI at its edges, as data (tests/data/streams.toml): output streams, stdin, locales,
colour, picture files, where a spec comes from. Cases that need a real process (a closed or
full stdout, a reader that goes away, a locale) run as subprocesses; the rest through CliRunner."""

from __future__ import annotations

import os
import pty
import re
import resource
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from convcalc.cli import main

CASES = tomllib.loads((Path(__file__).parent / "data" / "streams.toml").read_text())["case"]
ROOT = Path(__file__).parent.parent
# The bounds for any input; the time is generous for a loaded CI machine.
SECONDS = 10
MEGABYTES = 500
# `{a*100000}` in an argument stands for 100,000 copies of "a" (too long to write in the table).
REPEAT = re.compile(r"\{(.)\*(\d+)\}")
# How a case's stdout is set up in a subprocess: stdout = "..." in the table.
STDOUT = {"pipe": subprocess.PIPE, "closed": None, "full": "/dev/full"}


def expand(text: str, tmp: Path) -> str:
    return REPEAT.sub(lambda m: m[1] * int(m[2]), text.replace("{tmp}", str(tmp)))


def bounded_memory() -> None:
    # Address space bounds resident memory from above: past it the process fails with a
    # MemoryError traceback, which the test reports.
    resource.setrlimit(resource.RLIMIT_AS, (MEGABYTES * 2**20, MEGABYTES * 2**20))


def run_process(case: dict, args: list[str], tmp: Path) -> tuple[int, str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "PYTHONIOENCODING", "LC_ALL", "LANG")}
    env.update(case.get("env", {}), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "convcalc", *args]
    stdin = case.get("stdin")
    stdin_file = None if stdin in (None, "closed") or not stdin.startswith("/") else open(stdin, "rb")
    stdout = case.get("stdout", "pipe")
    if stdout == "gone":
        # The reader takes one line and goes away (convcalc ... | head -1).
        shell = " ".join(f"'{part}'" for part in command) + " | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"
        done = subprocess.run(["bash", "-c", shell], env=env, cwd=tmp, capture_output=True, timeout=SECONDS,
                              preexec_fn=bounded_memory)
        return done.returncode, "", done.stderr.decode("utf-8", "replace")
    if stdout == "tty":
        return run_at_terminal(command, env, tmp)
    handle = open(STDOUT[stdout], "wb") if stdout == "full" else STDOUT[stdout]
    # close_fds + pass_fds cannot close fd 0/1, so the shell closes them for us (<&- and >&-).
    closers = (" <&-" if stdin == "closed" else "") + (" >&-" if stdout == "closed" else "")
    if closers:
        command = ["bash", "-c", " ".join(f"'{part}'" for part in command) + closers]
    done = subprocess.run(command, env=env, cwd=tmp, timeout=SECONDS, stderr=subprocess.PIPE, preexec_fn=bounded_memory,
                          stdout=handle if stdout != "closed" else subprocess.DEVNULL,
                          stdin=stdin_file, input=None if stdin_file or stdin in (None, "closed")
                          else stdin.encode())
    return done.returncode, (done.stdout or b"").decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def run_at_terminal(command: list[str], env: dict, tmp: Path) -> tuple[int, str, str]:
    """stdout a pseudo-terminal, as a user at a terminal has it."""
    leader, follower = pty.openpty()
    with subprocess.Popen(command, env=env, cwd=tmp, stdout=follower, stderr=subprocess.PIPE,
                          preexec_fn=bounded_memory) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        err = proc.stderr.read()
        status = proc.wait(timeout=SECONDS)
    os.close(leader)
    return status, b"".join(chunks).decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.parametrize("case", [pytest.param(case, id=case["name"]) for case in CASES])
def test_stream_case(case, tmp_path, monkeypatch):
    for name, text in case.get("files", {}).items():
        (tmp_path / name).write_text(expand(text, tmp_path), encoding="utf-8")
    args = [expand(arg, tmp_path) for arg in case["args"]]
    started = time.monotonic()
    if case.get("process"):
        status, out, err = run_process(case, args, tmp_path)
    else:
        monkeypatch.chdir(tmp_path)
        stdin = case["stdin_bytes"].encode("latin-1") if "stdin_bytes" in case else case.get("stdin")
        result = CliRunner().invoke(main, args, input=stdin,
                                                    env=case.get("env"), catch_exceptions=False)
        status, out, err = result.exit_code, result.stdout, result.stderr
    assert time.monotonic() - started < SECONDS
    assert "Traceback" not in err, err
    assert status == case["exit"], (status, err)
    if case["exit"] == 0:
        assert case["stderr"] in err if "stderr" in case else err == "", err
    else:
        assert err.startswith("convcalc: error: ") and case["stderr"] in err.splitlines()[0], err
        assert len(err.splitlines()) in (1, 3), err  # the line, then the echo and its caret
    for text in case.get("stderr_lacks", []):
        assert expand(text, tmp_path) not in err, err
    for text in case.get("stdout_has", []):
        assert text in out, (text, out[:2000])
    for text in case.get("stdout_lacks", []):
        assert text not in out, (text, out[:2000])
