"""Solve the transposed convolution's size formula for its one missing number.

    O = (W-1)S - 2P + D(K-1) + 1 + OP      (PyTorch ConvTranspose; 0 <= OP < max(S, D))

The formula is linear, so each unknown has at most one value per output padding: when the
output padding is not given it is tried from 0 to max(S, D) - 1 (PyTorch's limit) and each value
that gives a whole solution is listed. Pure: no I/O.
"""

from __future__ import annotations

from .solve import MINIMUM, Answer, Solution, SolveError, TRANSPOSED_FORMULA

UNKNOWNS = ("O", "P", "OP", "S", "W")


def output(v: dict) -> int:
    return (v["W"] - 1) * v["S"] - 2 * v["P"] + v["D"] * (v["K"] - 1) + 1 + v["OP"]


def check(v: dict) -> str:
    return (f"({v['W']}-1)*{v['S']} - 2*{v['P']} + {v['D']}*({v['K']}-1) + 1 + {v['OP']} = {output(v)}")


def solve_transposed(values: dict) -> Answer:
    v = dict(values)
    v.setdefault("D", 1)
    if "K" not in v:
        raise SolveError("a transposed convolution is solved for -O, -P, --op, -S or -W: give -K")
    missing = [name for name in UNKNOWNS if name not in v]
    op_free = "OP" in missing and len(missing) == 2  # output padding tried over its range
    unknown = next((name for name in missing if name != "OP"), "OP") if op_free or len(missing) == 1 else None
    if unknown is None:
        raise SolveError(f"give all but one of -W -K -S -P -O (--op 0 unless asked for); missing: "
                         f"{', '.join(missing) or 'nothing'}")
    if unknown == "O":
        v.setdefault("OP", 0)
        o = output(v)
        if o < 1:
            return Answer("O", v, f"O = {check(v)}", (), None, f"the output {o} is below 1", TRANSPOSED_FORMULA)
        return Answer("O", v, f"O = {check(v)}", (Solution(o, o, True, check(v)),), formula=TRANSPOSED_FORMULA)
    ops = [v["OP"]] if "OP" in v else candidate_ops(v, unknown)
    found, lines = [], []
    for op in ops if unknown != "OP" else [None]:
        trial = {**v, "OP": op} if op is not None else dict(v)
        value, line = SOLVE[unknown](trial)
        lines.append(line)
        if value is None or value < MINIMUM.get(unknown, 0):
            continue
        trial[unknown] = value
        limit = max(trial["S"], trial["D"])
        if not 0 <= trial["OP"] < limit:
            continue
        found.append(Solution(value, output(trial), True, check(trial) + (f" (op {trial['OP']})" if op_free else "")))
    reason = None if found else (f"no whole {unknown} (with 0 <= OP < max(S, D), as PyTorch requires) gives "
                                 f"O = {v['O']}")
    inverted = symbolic(unknown, v) if op_free else "; ".join(dict.fromkeys(lines))
    return Answer(unknown, values, inverted, tuple(found), None, reason, TRANSPOSED_FORMULA)


def symbolic(unknown: str, v: dict) -> str:
    """The equation with the output padding left as OP (it was not given), in the user's numbers."""
    line = SOLVE[unknown]({**v, "OP": 0})[1]
    if unknown == "P":
        head, _, value = line.rpartition(" = ")
        return f"{head.replace(' + 0 - ', ' + OP - ')} = {value} + OP, OP from 0 to {max(v['S'], v['D']) - 1}"
    head, _, value = line.partition(" (W = 1")[0].rpartition(" = ")
    return f"{head[:-len(' - 0')]} - OP = {value} - OP, 0 <= OP < max(S, D)"


# Output paddings tried when none is given: the first few (a stride may have 60 digits).
TRIED_OPS = 8


def candidate_ops(v: dict, unknown: str) -> list[int]:
    """Output paddings to try: 0 up to PyTorch's limit max(S, D) - 1, at most TRIED_OPS of them;
    for the input the one that divides evenly, whatever its size."""
    limit = max(v.get("S", 1), v["D"]) if unknown != "S" else TRIED_OPS
    ops = list(range(min(limit, TRIED_OPS)))
    if unknown == "W":
        rest = v["O"] + 2 * v["P"] - v["D"] * (v["K"] - 1) - 1
        ops = sorted({*ops, rest % v["S"]})
    return ops


def solve_padding(v: dict) -> tuple[int | None, str]:
    twice = (v["W"] - 1) * v["S"] + v["D"] * (v["K"] - 1) + 1 + v["OP"] - v["O"]
    line = (f"2P = ({v['W']}-1)*{v['S']} + {v['D']}*({v['K']}-1) + 1 + {v['OP']} - {v['O']} = {twice}")
    return (twice // 2 if twice % 2 == 0 else None), line


def solve_output_padding(v: dict) -> tuple[int | None, str]:
    base = (v["W"] - 1) * v["S"] - 2 * v["P"] + v["D"] * (v["K"] - 1) + 1
    line = (f"OP = {v['O']} - (({v['W']}-1)*{v['S']} - 2*{v['P']} + {v['D']}*({v['K']}-1) + 1) = {v['O'] - base}, "
            f"which must lie in 0 .. {max(v['S'], v['D']) - 1}")
    return v["O"] - base, line


def solve_stride(v: dict) -> tuple[int | None, str]:
    rest = v["O"] + 2 * v["P"] - v["D"] * (v["K"] - 1) - 1 - v["OP"]
    line = f"({v['W']}-1)*S = {v['O']} + 2*{v['P']} - {v['D']}*({v['K']}-1) - 1 - {v['OP']} = {rest}"
    if v["W"] == 1:
        return None, line + " (W = 1: every stride gives the same output)"
    return (rest // (v["W"] - 1) if rest % (v["W"] - 1) == 0 else None), line


def solve_input(v: dict) -> tuple[int | None, str]:
    rest = v["O"] + 2 * v["P"] - v["D"] * (v["K"] - 1) - 1 - v["OP"]
    line = f"(W-1)*{v['S']} = {v['O']} + 2*{v['P']} - {v['D']}*({v['K']}-1) - 1 - {v['OP']} = {rest}"
    return (rest // v["S"] + 1 if rest % v["S"] == 0 else None), line


SOLVE = {"P": solve_padding, "OP": solve_output_padding, "S": solve_stride, "W": solve_input}
