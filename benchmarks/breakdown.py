"""Where the time goes, for the issue-14 targets benchmarks/run.py reports as not met (not part of
the test suite).

Run: python benchmarks/breakdown.py      (about a minute on 2 cores)

1. `convcalc --json resnet50` in fresh processes (median of 11, the package byte-compiled):
   importing click, importing convcalc's CLI, loading and parsing the spec, analysing, the
   whole-network fit search, building the JSON document, json.dumps.
2. The fit search on resnet50 at 224, after a cold analysis: reading the residue class off that
   analysis, then how many candidate inputs it analyses, how many layer steps they take, and how
   many of those meet a layer at an input it has not seen (each such step builds the layer anew:
   nothing is shared between candidates, whose sizes all differ).
3. A ten-layer spec through convcalc.analyse_many, cold, split into parsing, analysing, the
   convention's count and the JSON document (median of 5 runs over 1,000 different specs).
4. What stays when the arithmetic is free: the throughput targets' workloads run a second time
   with the memos warm (every layer item already worked out at its input, every spec parsed), so
   what is left is walking the network, building its rows and the JSON documents; and what the
   documents alone cost, built by CPython's C json parser from their own text (json.loads), the
   fastest CPython builds such dicts. Also the start-up budget: what 1.3x `import click` leaves
   over the floor, beside the --json resnet50 work after its imports (phase 1's last five).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PHASES = r'''
import time
T0 = time.perf_counter()
import gc; gc.disable()
import click
T1 = time.perf_counter()
import convcalc.cli
gc.freeze(); gc.enable()
T2 = time.perf_counter()
from convcalc.sources import load_document, input_tensor
from convcalc.engine import analyse, Settings
from convcalc.report import Report, Options
document = load_document("resnet50", None)
T3 = time.perf_counter()
start = input_tensor(document, None, "chw")
analysis = analyse(document, start.tensor, Settings())
T4 = time.perf_counter()
report = Report(document, analysis, Options(), start.note)
report.fit
T5 = time.perf_counter()
result = report.to_dict()
T6 = time.perf_counter()
import json
json.dumps(result)
T7 = time.perf_counter()
print(" ".join(str(b - a) for a, b in zip((T0, T1, T2, T3, T4, T5, T6), (T1, T2, T3, T4, T5, T6, T7))))
'''
PHASE_NAMES = ("import click", "import convcalc's CLI", "load + parse resnet50", "analyse",
               "fit search", "JSON document", "json.dumps")


def startup_phases(runs: int = 11) -> float:
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "convcalc")], check=True,
                   stdout=subprocess.DEVNULL)
    env = {**os.environ, "PYTHONPATH": ROOT}
    samples = [[float(v) for v in subprocess.run([sys.executable, "-c", PHASES], capture_output=True, text=True,
                                                 env=env, check=True).stdout.split()] for _ in range(runs)]
    print(f"convcalc --json resnet50, phase by phase (fresh processes, median of {runs})")
    medians = [statistics.median(s[n] for s in samples) for n in range(len(PHASE_NAMES))]
    for name, median in zip(PHASE_NAMES, medians):
        print(f"  {name:<24} {median * 1000:6.1f} ms")
    return sum(medians[2:])  # the work after the imports


def fit_search_steps() -> None:
    import convcalc
    from convcalc.engine import Engine, forget
    from convcalc.fixes import fitting_classes, fitting_inputs

    counts = {"runs": 0, "steps": 0, "new": 0}
    run, worked = Engine.run, Engine.worked_layer

    def counting_run(self, tensor):
        counts["runs"] += 1
        return run(self, tensor)

    def counting_worked(self, item, tensor, scope=None):
        counts["steps"] += 1
        context = None  # resnet50 has no context kinds: the key is the item's text and its input
        counts["new"] += (item.text, tensor, context) not in self.layer_cache
        return worked(self, item, tensor, scope)

    # Each search after a cold analysis of the network, as a process runs it.
    forget()
    report = convcalc.analyse("resnet50")
    Engine.run, Engine.worked_layer = counting_run, counting_worked
    try:
        fit = fitting_inputs(report.document, report.analysis, report.options.max_layers)
    finally:
        Engine.run, Engine.worked_layer = run, worked
    times, classes = [], []
    for _ in range(7):
        forget()
        report = convcalc.analyse("resnet50")
        t0 = time.process_time()
        fitting_classes(report.analysis.rows, report.analysis.input.rank)  # what the search does first
        t1 = time.process_time()
        fitting_inputs(report.document, report.analysis, report.options.max_layers)
        t2 = time.process_time()
        classes.append(t1 - t0)
        times.append(t2 - t1)
    seconds, reading = statistics.median(times), statistics.median(classes)
    print(f"\nfit search, resnet50 at 224 -> {fit.below.spatial} / {fit.above.spatial}: {seconds * 1000:.1f} ms "
          f"after a cold analysis: the residue class {reading * 1000:.1f} ms, then {counts['runs']} candidate "
          f"analyses, {counts['steps']} layer steps, {counts['new']} at an input not seen before, "
          f"{(seconds - reading) / counts['steps'] * 1e6:.1f} us a step")


def batch_split() -> None:
    from run import ten_layer_specs

    from convcalc.engine import Settings, analyse, forget
    from convcalc.report import Options, Report
    from convcalc.syntax import parse_document
    from convcalc.tensor import Tensor

    specs = ten_layer_specs(1000)
    tensor = Tensor(3, (32, 32))
    stages = {"parse": [], "analyse": [], "convention": [], "JSON document": []}
    for _ in range(5):
        forget()
        spent = dict.fromkeys(stages, 0.0)
        for spec in specs:
            t0 = time.process_time()
            document = parse_document(spec)
            t1 = time.process_time()
            analysis = analyse(document, tensor, Settings())
            t2 = time.process_time()
            report = Report(document, analysis, Options())
            report.counter()
            t3 = time.process_time()
            report.to_dict()
            t4 = time.process_time()
            for name, (a, b) in zip(stages, ((t0, t1), (t1, t2), (t2, t3), (t3, t4))):
                spent[name] += b - a
        for name in stages:
            stages[name].append(spent[name] / len(specs))
    print("\nten-layer spec, per spec (cold, median of 5 runs over 1,000 different specs)")
    for name, values in stages.items():
        print(f"  {name:<14} {statistics.median(values) * 1e6:6.0f} us")
    print(f"  {'total':<14} {sum(statistics.median(v) for v in stages.values()) * 1e6:6.0f} us")


def cpu_best(work, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def floors(work_after_imports: float) -> None:
    import json

    from run import TEN_LAYERS, dense, resnet50_at, side_by_side, ten_layer_specs

    import convcalc
    from convcalc.engine import Settings, analyse, forget
    from convcalc.gc_pause import gc_paused
    from convcalc.syntax import parse_document
    from convcalc.tensor import Tensor

    click = side_by_side({"click": [sys.executable, "-c", "import click"]})["click"]
    print(f"\nstart-up budget: 1.3 x `import click` ({click * 1000:.1f} ms, median of 11) leaves "
          f"{0.3 * click * 1000:.1f} ms for importing convcalc and the work; the --json resnet50 work after "
          f"its imports took {work_after_imports * 1000:.1f} ms (phase 1)")
    print("\nwith the arithmetic free (memos warm: every item parsed and worked out at its input before; best of 5)")
    forget()
    ten = ten_layer_specs(1000)
    for label, specs, shape, target in (("ten-layer specs", ten, "3x32x32", 5000),
                                        ("resnet50 at 40 sizes that fit", resnet50_at(97), None, 500)):
        def run():
            return sum(1 for _ in convcalc.analyse_many(specs, input=shape))
        run()
        print(f"  {label:<34} {len(specs) / cpu_best(run):>9,.0f} specs/s (target >= {target:,})")
    chain, tensor = parse_document(dense(10_000)), Tensor(64, (8, 8))
    layers = len(analyse(chain, tensor, Settings(max_layers=10**7)).leaves())
    seconds = cpu_best(lambda: analyse(chain, tensor, Settings(max_layers=10**7)))
    print(f"  {'dense chain, analysed':<34} {layers / seconds:>9,.0f} layers/s (target >= 200,000)")
    print("\nthe documents alone, built by json.loads from their own text (C code, collections paused; best of 5)")
    for label, report in (("ten-layer spec", convcalc.analyse(TEN_LAYERS, input="3x32x32")),
                          ("resnet50 at 225", convcalc.analyse("resnet50", input="3x225x225"))):
        text = json.dumps(report.to_dict())
        with gc_paused():
            seconds = cpu_best(lambda: [json.loads(text) for _ in range(20)]) / 20
        print(f"  {label:<16} {len(text):>8,} bytes  {seconds * 1e6:>7,.0f} us  (at most {1 / seconds:,.0f} a second)")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    work = startup_phases()
    fit_search_steps()
    batch_split()
    floors(work)
