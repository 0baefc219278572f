"""Solve the output-size formula for its one missing number.

    O = floor((W + 2P - D(K-1) - 1) / S) + 1

Given all but one of W (input), K (kernel), S (stride), P (padding), D (dilation)
and O (output), list every whole-number value of the missing one, each with
whether the division comes out even. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from .geometry import Window, format_fraction

NAMES = ("W", "K", "S", "P", "D", "O")
MINIMUM = {"W": 1, "K": 1, "S": 1, "P": 0, "D": 1, "O": 1}
FORMULA = "O = floor((W + 2P - D(K-1) - 1)/S) + 1"
# Beyond this many values, solutions are summarised as a range instead of listed;
# an open-ended range (S > N when O = 1) lists its first few.
MAX_LISTED = 50
OPEN_LISTED = 3


class SolveError(ValueError):
    """The request cannot be answered as asked (too many unknowns, bad values)."""


@dataclass(frozen=True)
class Solution:
    """One value of the unknown, the output it gives, and whether the division comes out even."""

    value: int
    output: int
    exact: bool
    check: str  # the formula with this value in it


@dataclass(frozen=True)
class Answer:
    """What ``convcalc solve`` (and ``convcalc.solve()``) found: every whole-number value of the
    unknown with its check, the inequality that was solved, or why there is no solution."""

    unknown: str
    known: dict
    inverted: str  # the inequality solved, in the user's numbers
    solutions: tuple[Solution, ...]
    more_from: int | None = None  # every value from here up also works (listed up to MAX_LISTED)
    reason: str | None = None  # why there is no solution

    def to_dict(self) -> dict:
        """The ``convcalc solve --json`` document."""
        from .render.json_out import SCHEMA_VERSION

        return {
            "schema_version": SCHEMA_VERSION,
            "unknown": self.unknown,
            "given": {name: self.known[name] for name in NAMES if name in self.known},
            "inverted": self.inverted,
            "solutions": [{"value": s.value, "output": s.output, "exact": s.exact, "check": s.check}
                          for s in self.solutions],
            "and_every_value_from": self.more_from,
            "impossible": self.reason,
        }


def output_of(w: int, k: int, s: int, p: int, d: int) -> Window:
    return Window(w, k, s, p, p, d)


def solve(known: dict[str, int | None], same: bool = False) -> Answer:
    values = {name: value for name, value in known.items() if value is not None}
    for name, value in values.items():
        if value < MINIMUM[name]:
            raise SolveError(f"{name} must be at least {MINIMUM[name]}, got {value}")
    if same:
        if "O" in values:
            raise SolveError("--same sets the output (ceil(W/S)); do not give -O as well")
        if "W" not in values:
            raise SolveError("--same needs the input size -W")
        values["O"] = -(-values["W"] // values.get("S", 1))
        values.setdefault("S", 1)
    missing = [name for name in NAMES if name not in values]
    if missing != ["D"] and "D" in missing:
        values["D"] = 1  # dilation is 1 unless it is the one asked for
        missing.remove("D")
    if len(missing) != 1:
        if not missing:
            raise SolveError("all six numbers are given: leave out the one to solve for")
        raise SolveError(f"give all but one of -W -K -S -P -D -O; missing: {', '.join(missing)}")
    unknown = missing[0]
    return SOLVERS[unknown](values)


def solutions(values: dict, unknown: str, low: int, high: int | None) -> tuple[tuple[Solution, ...], int | None]:
    """Every value from low to high (open-ended when high is None) that gives the wanted O."""
    low = max(low, MINIMUM[unknown])
    listed = MAX_LISTED if high is not None else OPEN_LISTED
    stop = high if high is not None else low + listed - 1
    found = []
    for value in range(low, min(stop, low + listed - 1) + 1):
        args = {**values, unknown: value}
        window = output_of(args["W"], args["K"], args["S"], args["P"], args["D"])
        if window.numerator >= 0 and window.output == args.get("O", window.output):
            found.append(Solution(value, window.output, window.fits, f"{window.formula()} = {format_fraction(window.exact_output)}"))
    more = low + listed if high is None or high - low + 1 > listed else None
    return tuple(found), more


def answer(values: dict, unknown: str, inverted: str, low: int, high: int | None, reason: str) -> Answer:
    found, more = solutions(values, unknown, low, high)
    return Answer(unknown, values, inverted, found, more, None if found else reason)


def solve_output(v: dict) -> Answer:
    window = output_of(v["W"], v["K"], v["S"], v["P"], v["D"])
    if window.numerator < 0:
        return Answer("O", v, f"O = {window.formula()}", (), None,
                      f"the kernel span D(K-1)+1 = {window.span} is larger than the padded input "
                      f"W + 2P = {v['W'] + 2 * v['P']}")
    return Answer("O", v, f"O = {window.formula()}",
                  (Solution(window.output, window.output, window.fits, f"{window.formula()} = {format_fraction(window.exact_output)}"),))


def reach(v: dict) -> int:
    return v["D"] * (v["K"] - 1)


def solve_padding(v: dict) -> Answer:
    s, o, w, r = v["S"], v["O"], v["W"], reach(v)
    low = -(-((o - 1) * s - w + r + 1) // 2)
    high = (o * s - w + r) // 2
    inverted = (f"({o}-1)*{s} <= {w} + 2P - {r} - 1 < {o}*{s}  ->  "
                f"P from ceil(({o - 1}*{s} - {w} + {r} + 1)/2) = {low} to floor(({o}*{s} - {w} + {r})/2) = {high}")
    at_zero = output_of(w, v["K"], s, 0, v["D"])
    if high < 0:
        reason = (f"even with no padding the output is {at_zero.output} > {o}: "
                  "padding only makes the output larger; use a larger stride or kernel")
    else:
        reason = (f"2P would have to lie between {(o - 1) * s - w + r + 1} and {o * s - w + r}, "
                  "and no even number does: symmetric padding cannot give this output (asymmetric padding can)")
    return answer(v, "P", inverted, low, high, reason)


def solve_input(v: dict) -> Answer:
    s, o, p, r = v["S"], v["O"], v["P"], reach(v)
    low = (o - 1) * s - 2 * p + r + 1
    high = o * s - 2 * p + r
    inverted = (f"({o}-1)*{s} <= W + 2*{p} - {r} - 1 < {o}*{s}  ->  "
                f"W from {o - 1}*{s} - 2*{p} + {r} + 1 = {low} to {o}*{s} - 2*{p} + {r} = {high}")
    return answer(v, "W", inverted, low, high, f"W would have to be at most {high}, but an input has at least 1 pixel")


def solve_stride(v: dict) -> Answer:
    o = v["O"]
    window = output_of(v["W"], v["K"], 1, v["P"], v["D"])
    n = window.numerator
    if n < 0:
        return Answer("S", v, "", (), None, f"the kernel span {window.span} is larger than the padded input "
                                            f"{v['W'] + 2 * v['P']}: no stride gives any output")
    if o == 1:
        inverted = f"floor({n}/S) = 0  ->  S > {n}"
        return answer(v, "S", inverted, n + 1, None, "")
    low, high = n // o + 1, n // (o - 1)
    inverted = f"floor({n}/S) = {o - 1}  ->  {n}/{o} < S <= {n}/{o - 1}  ->  S from {low} to {high}"
    reason = (f"even stride 1 gives {window.formula()} = {window.output} < {o}: "
              "a convolution's output cannot exceed W + 2P - D(K-1); add padding or use a transposed conv") \
        if n + 1 < o else f"no whole stride lies in ({n}/{o}, {n}/{o - 1}]"
    return answer(v, "S", inverted, low, high, reason)


def solve_kernel(v: dict) -> Answer:
    s, o, w, p, d = v["S"], v["O"], v["W"], v["P"], v["D"]
    low = -(-(w + 2 * p - o * s) // d) + 1
    high = (w + 2 * p - 1 - (o - 1) * s) // d + 1
    inverted = (f"({o}-1)*{s} <= {w} + 2*{p} - {d}(K-1) - 1 < {o}*{s}  ->  K from {max(low, 1)} to {high}")
    return answer(v, "K", inverted, low, high,
                  f"even a 1-wide kernel gives {output_of(w, 1, s, p, d).output} < {o}" if high < 1 else
                  "no whole kernel size fits")


def solve_dilation(v: dict) -> Answer:
    s, o, w, p, k = v["S"], v["O"], v["W"], v["P"], v["K"]
    if k == 1:
        window = output_of(w, 1, s, p, 1)
        inverted = "a 1-wide kernel has no gaps: D does not change the output"
        if window.output != o:
            return Answer("D", v, inverted, (), None, f"with K = 1 the output is {window.output} for every D")
        return answer(v, "D", inverted, 1, None, "")
    low = -(-(w + 2 * p - o * s) // (k - 1))
    high = (w + 2 * p - 1 - (o - 1) * s) // (k - 1)
    inverted = f"({o}-1)*{s} <= {w} + 2*{p} - D*({k}-1) - 1 < {o}*{s}  ->  D from {max(low, 1)} to {high}"
    return answer(v, "D", inverted, low, high,
                  f"even dilation 1 gives {output_of(w, k, s, p, 1).output} < {o}" if high < 1 else
                  "no whole dilation fits")


SOLVERS = {"O": solve_output, "P": solve_padding, "W": solve_input, "S": solve_stride, "K": solve_kernel,
           "D": solve_dilation}
