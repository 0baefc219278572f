"""convcalc: shapes, receptive fields, parameters and multiply-adds of a CNN from a one-line spec."""

__version__ = "0.1.0"
