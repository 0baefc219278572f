"""``convcalc solve``: every whole-number solution, with the formula it inverted."""

from __future__ import annotations

import json

from ..solve import FORMULA, NAMES, Answer


def render_solution(answer: Answer) -> str:
    given = ", ".join(f"{name}={answer.known[name]}" for name in NAMES if name in answer.known)
    lines = [f"Solving {FORMULA} for {answer.unknown}, given {given}"]
    if answer.inverted:
        lines.append(f"  {answer.inverted}")
    if answer.reason:
        lines.append(f"No whole-number {answer.unknown}: {answer.reason}.")
        return "\n".join(lines)
    for solution in answer.solutions:
        fit = "exact fit" if solution.exact else "non-integer fit (rounded down)"
        lines.append(f"{answer.unknown} = {solution.value}   {fit}: {solution.check}")
    if answer.more_from is not None:
        lines.append(f"... and every {answer.unknown} >= {answer.more_from} as well")
    return "\n".join(lines)


def render_solution_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), indent=2)
