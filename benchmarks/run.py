"""convcalc benchmarks: process start-up and engine throughput (not part of the test suite).

Run: python benchmarks/run.py        (about a minute on 2 cores)

1. Start-up: wall time of `python -c pass`, `convcalc --json resnet50` and
   `convcalc resnet50` (table), best of 15 runs each, side by side; ratios to bare Python.
   Targets: JSON <= 3x, table <= 5x.
2. Engine throughput (parse and analyse, in process) on generated specs of 10^2..10^5
   layers: a sequential stack, nested repeats, and DenseNet-style concat chains;
   layers/second and the fitted scaling exponent of time vs layers (1.0 = linear).
   Target: >= 100,000 layers/s (analysis) on the sequential stack.
"""

from __future__ import annotations

import math
import random
import shutil
import subprocess
import sys
import time

from convcalc.engine import Settings, analyse
from convcalc.syntax import parse_document
from convcalc.tensor import Tensor

RUNS = 15


def wall(command: list[str]) -> float:
    best = math.inf
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def startup() -> None:
    convcalc = shutil.which("convcalc") or sys.exit("convcalc is not on PATH: pip install . first")
    bare = wall([sys.executable, "-c", "pass"])
    json_path = wall([convcalc, "--json", "resnet50"])
    table_path = wall([convcalc, "resnet50"])
    print("start-up (best of %d)" % RUNS)
    print(f"  python -c pass            {bare * 1000:7.1f} ms")
    print(f"  convcalc --json resnet50  {json_path * 1000:7.1f} ms   {json_path / bare:5.2f}x  (target <= 3x)")
    print(f"  convcalc resnet50 (table) {table_path * 1000:7.1f} ms   {table_path / bare:5.2f}x  (target <= 5x)")


def sequential(layers: int) -> str:
    rng = random.Random(layers)
    return ",".join(f"conv3p1x{rng.randint(8, 64)},bn,relu" for _ in range(layers // 3))


def nested(layers: int) -> str:
    inner = max(layers // 100, 1)
    return f"[[conv3p1x16,relu]*{inner // 2 or 1},bn]*100"


def dense(layers: int) -> str:
    return ",".join(["cat(id | bn, relu, conv1x1x128nb, bn, relu, conv3x3p1x32nb)"] * (layers // 7))


def measure(spec: str, tensor: Tensor) -> tuple[int, float, float]:
    best_parse = best_analyse = math.inf
    rows = 0
    for _ in range(3):
        start = time.perf_counter()
        document = parse_document(spec)
        parsed = time.perf_counter()
        analysis = analyse(document, tensor, Settings(max_layers=10**7))
        done = time.perf_counter()
        best_parse, best_analyse = min(best_parse, parsed - start), min(best_analyse, done - parsed)
        rows = sum(1 for _ in analysis.leaves())
    return rows, best_parse, best_analyse


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def throughput() -> None:
    print("\nengine throughput (best of 3)")
    print(f"  {'shape':<11} {'layers':>7} {'parse ms':>9} {'analyse ms':>11} {'analyse layers/s':>17} "
          f"{'total layers/s':>15}")
    for name, make, tensor in (("sequential", sequential, Tensor(16, (32, 32))),
                               ("nested", nested, Tensor(16, (32, 32))),
                               ("dense", dense, Tensor(64, (8, 8)))):
        points = []
        for size in (100, 1000, 10_000, 100_000):
            layers, parse, work = measure(make(size), tensor)
            points.append((layers, parse + work))
            print(f"  {name:<11} {layers:>7} {parse * 1000:>9.1f} {work * 1000:>11.1f} {layers / work:>17,.0f} "
                  f"{layers / (parse + work):>15,.0f}")
        print(f"  {name:<11} scaling exponent {exponent(points):.2f} (1.0 = linear)")


if __name__ == "__main__":
    startup()
    throughput()
