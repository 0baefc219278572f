"""convcalc: shapes, receptive fields, parameters and multiply-adds of a CNN from a one-line spec.

    >>> import convcalc
    >>> r = convcalc.analyse("conv3x3p1x64,relu,pool2,fc10", input="3x32x32")
    >>> r.total.params
    165642
    >>> r.layers[0].output
    (64, 32, 32)

``analyse``, ``analyse_many``, ``compare``, ``export``, ``solve`` and ``examples`` are in convcalc/api.py; the
objects they return in convcalc/report.py. Importing convcalc is cheap: the engine (and click
and rich, which only the CLI and the tables use) load when a function is first called.
"""

from __future__ import annotations

import sys

__version__ = "0.1.0"
__all__ = ["analyse", "analyse_many", "compare", "export", "solve", "examples", "SpecError", "Report", "Comparison", "Layer",
           "Total", "ReceptiveField", "Answer"]

# Where each public name lives; loaded on first use (PEP 562).
_HOME = {"analyse": "api", "analyse_many": "api", "compare": "api", "export": "api", "solve": "api", "examples": "api",
         "SpecError": "errors", "Report": "report", "Comparison": "report", "Layer": "views", "Total": "views",
         "ReceptiveField": "views", "Answer": "solve"}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .api import analyse, analyse_many, compare, examples, export, solve
    from .errors import SpecError
    from .report import Comparison, Report
    from .solve import Answer
    from .views import Layer, ReceptiveField, Total


def __getattr__(name: str):
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'convcalc' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(type(sys)):
    """convcalc.solve and convcalc.export name both API functions and submodules (solve.py,
    export.py): importing a submodule must not put it in the function's place. The modules stay
    importable by their full names (``from convcalc.solve import ...``)."""

    def __setattr__(self, name: str, value) -> None:
        if name in _HOME and isinstance(value, type(sys)):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
