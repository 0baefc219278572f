"""The Python API: ``convcalc.analyse``, ``analyse_many``, ``compare``, ``export``, ``solve`` and ``examples``.

Each function takes what the command line takes, as keyword arguments, and returns the object
the CLI renders (convcalc/report.py). Problems with a spec, an input or a solve request raise
convcalc.SpecError (a ValueError); a keyword argument outside its choices raises ValueError,
one of the wrong type TypeError.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence

from .engine import DTYPE_BYTES, MAX_LAYERS
from .errors import SpecError
from .report import CONVENTION_NAMES, Comparison, Options, Report, build_report
from .solve import Answer, SolveError
from .solve import solve as solve_formula
from .tensor import LAYOUTS

def analyse(spec: str | os.PathLike[str], *, input: str | Sequence[int] | None = None, layout: str = "chw",
            batch: int = 1, dtype: str = "float32", convention: str = "torchvision", strict: bool = False,
            max_layers: int = MAX_LAYERS, explain: bool = False) -> Report:
    """Analyse a network, layer by layer, as ``convcalc SPEC`` does.

    spec: a spec string (``"conv3x3p1x64,relu,pool2,fc10"``), a path to a ``.cnn`` file (a
        ``pathlib.Path``, or a string ending in ``.cnn`` or holding a path separator), or the
        name of a shipped example (``"resnet50"``).
    input: ``"3x32x32"`` or ``(3, 32, 32)``, in ``layout`` order; None: the file's ``input``
        line, else 3x224x224 (the report's ``notes`` say so).
    layout: ``"chw"`` (PyTorch) or ``"hwc"`` (TensorFlow): how ``input`` is read and shapes shown.
    batch, dtype: for activation memory. convention: how the compute totals in
        ``to_dict()["convention"]`` and the table's compute column count (torchvision, torchinfo,
        ptflops, torch). strict: a layer that does not fit its input evenly is an error.
    max_layers: refuse specs that expand to more layers. explain: add each layer's formulas.

    Returns a Report: ``.layers``, ``.total``, ``.notes``, ``.to_dict()`` (the ``--json``
    document); it shows as the table in a terminal and as an HTML table in Jupyter.
    Raises SpecError for a bad spec or input, with ``.line``, ``.column`` and ``.caret``.
    """
    text, file = source(spec)
    report = build_report(text, options(input, layout, batch, dtype, strict, max_layers, explain, convention), file)
    report.counter()  # a layer the convention cannot count is an error now, not when the report is shown
    return report


def analyse_many(specs: Iterable[str | dict], *, input: str | Sequence[int] | None = None, layout: str = "chw",
                 batch: int = 1, dtype: str = "float32", convention: str = "torchvision", strict: bool = False,
                 max_layers: int = MAX_LAYERS, jobs: int = 1) -> Iterator[dict]:
    """Analyse many specs, as ``convcalc batch`` does: one ``--json`` document (a dict) per spec, in order.

    specs: each a spec string (text, a .cnn path or a shipped name, as ``analyse`` takes), a line
        holding a JSON object ``{"spec": ..., "input": ...}``, or such a dict; blank strings are
        skipped (they still count as lines). ``input`` and the other keywords are as ``analyse``'s;
        an item's own ``"input"`` wins over ``input``.
    jobs: spread the work over this many processes (concurrent.futures), results still in order.

    A spec that fails gives ``{"error": message, "line": L, "column": C, "spec": text}`` in its place
    (L: its place among ``specs``, from 1; C: the column in the spec, or in the item's input when
    ``"in": "input"``) and the stream goes on.
    """
    settings = options(input, layout, batch, dtype, strict, max_layers, False, convention)
    if not isinstance(jobs, int) or isinstance(jobs, bool):
        raise TypeError(f"jobs must be a whole number, got {jobs!r}")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    work = ((number, item, settings) for number, item in enumerate(specs, 1)
            if not (isinstance(item, str) and not item.strip()))
    if jobs == 1:
        yield from map(batch_entry, work)
        return
    from concurrent.futures import ProcessPoolExecutor
    from itertools import islice

    # Whole chunks to each process (one task per spec would cost more in pickling than the
    # analysis); a slice of the stream at a time, so a long stdin is not read ahead whole.
    chunk = 64
    with ProcessPoolExecutor(jobs) as pool:
        while True:
            part = list(islice(work, chunk * jobs * 4))
            if not part:
                return
            yield from pool.map(batch_entry, part, chunksize=chunk)


def batch_entry(work: tuple) -> dict:
    """One item of ``analyse_many``: its ``--json`` document, or the error object in its place."""
    number, item, settings = work
    spec = item
    try:
        if isinstance(item, str) and item.lstrip().startswith("{"):
            try:
                item = json.loads(item)
            except json.JSONDecodeError as error:
                return {"error": f"not a JSON object: {error.msg}", "line": number, "column": error.colno,
                        "spec": spec}
        if isinstance(item, dict):
            spec = item.get("spec")
            if not isinstance(spec, str) or set(item) - {"spec", "input"}:
                return {"error": 'a JSON line is {"spec": "...", "input": "3x32x32"} (input optional)',
                        "line": number, "column": 1, "spec": spec}
            if item.get("input") is not None:
                settings = settings.replace(input=shape_text(item["input"]))
        elif not isinstance(item, str):
            raise TypeError(f"a spec is a string or a dict, got {type(item).__name__}")
        report = build_report(spec.strip(), settings)
        report.counter()
        return report.to_dict()
    except SpecError as error:
        failed = {"error": error.message, "line": number, "column": error.column, "spec": spec}
        if error.label is not None:
            failed["in"] = error.label  # "input", or the .cnn file the error is in
        return failed
    except (TypeError, ValueError) as error:
        return {"error": str(error), "line": number, "column": None, "spec": spec}


def compare(a: str | os.PathLike[str], b: str | os.PathLike[str], *, input: str | Sequence[int] | None = None,
            layout: str = "chw", batch: int = 1, dtype: str = "float32", strict: bool = False,
            max_layers: int = MAX_LAYERS) -> Comparison:
    """Two designs' totals side by side, as ``convcalc compare A B`` (``to_dict()`` is its
    ``--json``). Without ``input`` each spec uses its own input line, or the default."""
    settings = options(input, layout, batch, dtype, strict, max_layers)
    (text_a, file_a), (text_b, file_b) = source(a), source(b)
    return Comparison(os.fspath(a), os.fspath(b), build_report(text_a, settings, file_a),
                      build_report(text_b, settings, file_b))


def export(spec: str | os.PathLike[str], *, input: str | Sequence[int] | None = None, layout: str = "chw",
           to: str = "torch", strict: bool = False, max_layers: int = MAX_LAYERS) -> str:
    """The text of a self-contained Python module defining the network as a PyTorch
    ``nn.Module``, as ``convcalc export SPEC`` prints it (torch is needed to run it, not to write it)."""
    if to != "torch":
        raise ValueError(f"to must be 'torch', got {to!r}")
    text, file = source(spec)
    return build_report(text, options(input, layout, 1, "float32", strict, max_layers), file).torch_module()


def solve(*, W: int | None = None, K: int | None = None, S: int | None = None, P: int | None = None,
          D: int | None = None, O: int | None = None, same: bool = False, ceil: bool = False,  # noqa: E741
          transposed: bool = False, OP: int | None = None) -> Answer:
    """Solve O = floor((W + 2P - D(K-1) - 1)/S) + 1 for the one number left out, as ``convcalc solve``.

    Give all but one of W (input), K (kernel), S (stride), P (padding), D (dilation, 1 unless
    it is the unknown) and O (output); ``same=True`` asks for the padding that keeps the size (its
    exact before/after split in ``.notes``); ``ceil=True`` solves pooling in ceil mode;
    ``transposed=True`` solves O = (W-1)S - 2P + D(K-1) + 1 + OP (``OP``: output padding).
    Returns an Answer: ``.unknown``, ``.solutions`` (each ``.value``, ``.exact``, ``.check``),
    ``.inverted`` (the inequality solved, in your numbers), ``.more_from`` and ``.reason`` (why
    there is no solution, else None); ``to_dict()`` is ``convcalc solve --json``.
    """
    known = {"W": W, "K": K, "S": S, "P": P, "D": D, "O": O, **({"OP": OP} if OP is not None else {})}
    for name, value in known.items():
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise TypeError(f"{name} must be a whole number, got {value!r}")
    try:
        return solve_formula(known, same, ceil=ceil, transposed=transposed)
    except SolveError as error:
        given = " ".join(f"{name}={value}" for name, value in known.items() if value is not None)
        named = re.match(r"(\w) must be", str(error))
        raise SpecError(str(error), given, given.find(f"{named[1]}=") if named else 0) from None


def examples() -> list[str]:
    """The shipped example networks' names (each is a SPEC; block libraries are left out)."""
    from .sources import network_names

    return network_names()


def source(spec: str | os.PathLike[str]) -> tuple[str | None, str | None]:
    """(spec text, file): a path object is always a file; a string is read as on the command line."""
    if isinstance(spec, os.PathLike):
        return None, os.fspath(spec)
    if not isinstance(spec, str):
        raise TypeError(f"a spec is a string or a path, got {type(spec).__name__}")
    return spec, None


def options(input: str | Sequence[int] | None, layout: str, batch: int, dtype: str, strict: bool,
            max_layers: int, explain: bool = False, convention: str = "torchvision") -> Options:
    """The keyword arguments checked, as the CLI's options are by click."""
    for name, value, choices in (("layout", layout, LAYOUTS), ("dtype", dtype, tuple(DTYPE_BYTES)),
                                 ("convention", convention, CONVENTION_NAMES)):
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    for name, value in (("batch", batch), ("max_layers", max_layers)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be a whole number, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    return Options(input=shape_text(input), layout=layout, batch=batch, dtype=dtype, strict=bool(strict),
                   explain=bool(explain), max_layers=max_layers, convention=convention)


def shape_text(shape: str | Sequence[int] | None) -> str | None:
    """``(3, 32, 32)`` as ``"3x32x32"``; a string or None as it is (the parser checks the numbers)."""
    if shape is None or isinstance(shape, str):
        return shape
    if not isinstance(shape, Sequence) or not all(isinstance(n, int) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"input is a string such as '3x32x32' or a sequence of whole numbers, got {shape!r}")
    return "x".join(str(n) for n in shape)
