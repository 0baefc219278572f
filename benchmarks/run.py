"""convcalc benchmarks: start-up against its dependency floor, the fit search, batch throughput,
engine throughput, and torchinfo on the same network (not part of the test suite).

Run: python benchmarks/run.py        (a few minutes on 2 cores)

1. Start-up (issue 14), whole processes, median of 11, run side by side in one loop:
   the floors `python -c "import click"` (JSON) and `python -c "import click, rich.console,
   rich.table"` (tables), and convcalc as its console script runs it (this checkout's package,
   byte-compiled first, as pip compiles an installed one: this environment sets
   PYTHONDONTWRITEBYTECODE, and compiling every module at start-up would be measured instead).
   Targets: `--json resnet50` <= 1.3x the click floor; the resnet50 table (to a pipe, and at
   80 columns) <= 1.5x the click+rich floor; a small spec's table <= 1.2x it.
2. The whole-network fit search on resnet50 and densenet121 (in process, CPU time, median of 7,
   each run cold: the engine's memos emptied, then the network analysed untimed, as a new process
   does before it searches). Target: resnet50 <= 5 ms.
3. Batch throughput through the Python API (convcalc.analyse_many, one process, CPU time, the
   memos emptied before each run). Every spec differs: 1,000 ten-layer specs with random widths;
   resnet50 at 40 input sizes. Targets: >= 5,000 ten-layer specs/s, >= 500 resnet50 specs/s.
4. When torch and torchinfo import: torchinfo.summary on ResNet-50 (torchvision's when installed,
   else the module `convcalc export resnet50` writes), whole process, against convcalc --json.
5. Engine throughput (parse and analyse, in process, cold: memos emptied before each run) on
   generated specs of 10^2..10^5 layers: a sequential stack, nested repeats, DenseNet-style concat
   chains; layers/second and the fitted scaling exponent of time vs layers (1.0 = linear).
   Target: >= 200,000 layers/s analysed, exponent <= 1.05.
6. When valgrind is installed: start-up in instructions executed (callgrind), the floors and the
   commands of 1, and importing convcalc's CLI alone; counts do not move with the machine's load.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import convcalc  # noqa: E402
from convcalc.engine import Settings, analyse, forget  # noqa: E402
from convcalc.syntax import parse_document  # noqa: E402
from convcalc.tensor import Tensor  # noqa: E402

RUNS = 11
# A pipe: the table is 160 columns wide unless COLUMNS says otherwise (the 80-column runs set it).
ENV = {**{k: v for k, v in os.environ.items() if k != "COLUMNS"}, "PYTHONPATH": ROOT}
COLUMNS_80 = {**ENV, "COLUMNS": "80"}
# The console script's own code, without a shell shim in front (pyenv's costs ~100 ms).
CONVCALC = [sys.executable, "-c", "import sys; from convcalc.console import main; sys.exit(main())"]
TEN_LAYERS = "conv3p1x64,bn,relu,conv3p1x64,bn,relu,pool2,conv3p1x128,relu,fc10"


def side_by_side(commands: dict[str, list[str]], runs: int = RUNS, environments: dict | None = None) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns so that load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True,
                           env=(environments or {}).get(name, ENV))
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def verdict(value: float, target: float, smaller: bool = True) -> str:
    return "met" if (value <= target if smaller else value >= target) else "NOT met"


def startup() -> float:
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "convcalc")], check=True,
                   stdout=subprocess.DEVNULL)
    t = side_by_side({
        "bare": [sys.executable, "-c", "pass"],
        "click": [sys.executable, "-c", "import click"],
        "rich": [sys.executable, "-c", "import click, rich.console, rich.table"],
        "json": CONVCALC + ["--json", "resnet50"],
        "table": CONVCALC + ["resnet50"],
        "table80": CONVCALC + ["resnet50"],
        "small": CONVCALC + ["-i", "3x32x32", "conv3x3s1p1x64,relu,pool2,fc10"],
    }, environments={"table80": COLUMNS_80})
    print(f"start-up (whole processes, median of {RUNS}, side by side; output to a pipe)")
    print(f"  python -c pass                                 {t['bare'] * 1000:7.1f} ms")
    print(f"  python -c 'import click'          (JSON floor)  {t['click'] * 1000:7.1f} ms   "
          f"{t['click'] / t['bare']:4.1f}x bare")
    print(f"  python -c 'import click, rich...' (table floor) {t['rich'] * 1000:7.1f} ms   "
          f"{t['rich'] / t['bare']:4.1f}x bare")
    for name, floor, label, target in (("json", "click", "convcalc --json resnet50      ", 1.3),
                                       ("table", "rich", "convcalc resnet50 (table)     ", 1.5),
                                       ("table80", "rich", "convcalc resnet50 (80 columns)", 1.5),
                                       ("small", "rich", "convcalc -i 3x32x32 small table", 1.2)):
        ratio = t[name] / t[floor]
        print(f"  {label}                 {t[name] * 1000:7.1f} ms   {ratio:4.2f}x its floor "
              f"(target <= {target}x: {verdict(ratio, target)})")
    return t["json"]


def cpu_median(work, runs: int = 7, before=None) -> float:
    """Median CPU time of ``work``, each run cold (the engine's memos emptied, as in a new process,
    then ``before()`` run untimed: what that process does first)."""
    times = []
    for _ in range(runs):
        forget()
        if before is not None:
            before()
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def fit_search() -> None:
    from convcalc.fixes import fitting_inputs

    print("\nwhole-network fit search (in process, CPU time, median of 7, each after a cold analysis: as in a process)")
    for name in ("resnet50", "densenet121"):
        reports = []
        seconds = cpu_median(lambda: fitting_inputs(reports[-1].document, reports[-1].analysis,
                                                    reports[-1].options.max_layers),
                             before=lambda: reports.append(convcalc.analyse(name)))
        layers = len(reports[-1].analysis.leaves())
        target = f"(target <= 5 ms: {verdict(seconds, 0.005)})" if name == "resnet50" else ""
        print(f"  {name:<12} {layers:>4} layers  {seconds * 1000:6.1f} ms {target}")


def ten_layer_specs(count: int) -> list[str]:
    """``count`` different ten-layer specs (TEN_LAYERS with random widths): no two alike."""
    rng = random.Random(14)
    return [f"conv3p1x{a},bn,relu,conv3p1x{a},bn,relu,pool2,conv3p1x{b},relu,fc{c}"
            for a, b, c in ((rng.randint(8, 128), rng.randint(8, 256), rng.randint(2, 1000)) for _ in range(count))]


def resnet50_at(first: int) -> list[dict]:
    """Batch items: resnet50 at 40 square inputs, ``first`` and every 32nd after it (97: all fit)."""
    return [{"spec": "resnet50", "input": f"3x{first + 32 * k}x{first + 32 * k}"} for k in range(40)]


def batch_throughput() -> None:
    print("\nbatch throughput (convcalc.analyse_many, one process, CPU time, median of 3, cold; every spec differs)")
    for label, specs, shape, target in (("ten-layer specs", ten_layer_specs(1000), "3x32x32", 5000),
                                        ("resnet50 at 40 sizes that fit", resnet50_at(97), None, 500),
                                        ("resnet50 at 40 that misfit (fit search)", resnet50_at(96), None, 500)):
        seconds = cpu_median(lambda: sum(1 for _ in convcalc.analyse_many(specs, input=shape)), runs=3)
        rate = len(specs) / seconds
        print(f"  {label:<40} {rate:>8,.0f} specs/s (target >= {target:,}: {verdict(rate, target, False)})")


def peers(convcalc_json: float) -> None:
    try:
        import torch  # noqa: F401
        import torchinfo  # noqa: F401
    except ImportError:
        print("\ntorchinfo: torch or torchinfo not installed, skipped")
        return
    try:
        import torchvision  # noqa: F401

        build, source = "import torchvision; model = torchvision.models.resnet50(weights=None)", "torchvision"
        folder = None
    except ImportError:
        folder = tempfile.mkdtemp()
        with open(os.path.join(folder, "resnet50_net.py"), "w") as module:
            module.write(convcalc.export("resnet50"))
        build, source = ("import sys; sys.path.insert(0, %r); from resnet50_net import Net; model = Net()" % folder,
                         "convcalc export resnet50 (no torchvision)")
    code = f"import torch, torchinfo; {build}; torchinfo.summary(model, (1, 3, 224, 224), verbose=0)"
    t = side_by_side({"torchinfo": [sys.executable, "-c", code]}, runs=3)["torchinfo"]
    print(f"\ntorchinfo.summary(ResNet-50 from {source}), whole process, median of 3: {t * 1000:,.0f} ms; "
          f"convcalc --json resnet50 is {t / convcalc_json:.0f}x faster")


def instructions() -> None:
    """Start-up in instructions executed (valgrind's callgrind), when valgrind is installed: unlike
    wall time, the same count whatever else the machine runs (a shared VM's steal time moved the
    wall-time medians here by 10 ms from run to run)."""
    import shutil

    if shutil.which("valgrind") is None:
        print("\ninstructions: valgrind not installed, skipped")
        return
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import click (JSON floor)": [sys.executable, "-c", "import click"],
        "import click, rich (table floor)": [sys.executable, "-c", "import click, rich.console, rich.table"],
        "import convcalc's CLI": [sys.executable, "-c", "import gc; gc.disable(); import click, convcalc.cli"],
        "convcalc --json resnet50": CONVCALC + ["--json", "resnet50"],
        "convcalc resnet50 (table)": CONVCALC + ["resnet50"],
        "convcalc small table": CONVCALC + ["-i", "3x32x32", "conv3x3s1p1x64,relu,pool2,fc10"],
    }
    counts = {}
    for name, command in commands.items():
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV, check=True)
        counts[name] = int(next(line for line in done.stderr.splitlines() if "Collected" in line).split()[-1])
    click_floor, rich_floor = counts["import click (JSON floor)"], counts["import click, rich (table floor)"]
    print("\nstart-up in instructions (valgrind callgrind, one run each: the count does not vary with load)")
    for name, count in counts.items():
        floor = rich_floor if "table" in name else click_floor
        ratio = f"{count / floor:5.2f}x its floor" if name.startswith("convcalc") or name.startswith("import conv") else ""
        print(f"  {name:<34} {count / 1e6:8.1f} M  {ratio}")


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
        forget()
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
    json_time = startup()
    fit_search()
    batch_throughput()
    peers(json_time)
    throughput()
    instructions()
