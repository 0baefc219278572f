"""How the engine scales on long DenseNet-style concat chains (issue 3, acceptance 7).

Run: python benchmarks/chain.py
Prints layers, seconds and layers/second for chains of 125..2000 dense layers
(each: cat(id | bn, relu, conv1x1x128nb, bn, relu, conv3x3p1x32nb)), and the
fitted scaling exponent (1.0 = linear).
"""

from __future__ import annotations

import math
import time

from convcalc.engine import analyse
from convcalc.syntax import parse_document
from convcalc.tensor import Tensor

DENSE = "cat(id | bn, relu, conv1x1x128nb, bn, relu, conv3x3p1x32nb)"


def measure(count: int) -> float:
    spec = ", ".join([DENSE] * count)
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        analyse(parse_document(spec), Tensor(64, (56, 56)))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    counts = [125, 250, 500, 1000, 2000]
    times = [measure(n) for n in counts]
    print(f"{'dense layers':>12} {'layers':>8} {'seconds':>9} {'layers/s':>10}")
    for n, t in zip(counts, times):
        layers = 7 * n  # id + 6 layers per dense layer
        print(f"{n:>12} {layers:>8} {t:>9.4f} {layers / t:>10.0f}")
    xs, ys = [math.log(n) for n in counts], [math.log(t) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    print(f"scaling exponent: {slope:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
