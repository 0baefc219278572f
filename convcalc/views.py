"""Frozen views of a report's --json rows and totals, for the Python API (``report.layers``,
``report.total``): built from the very dicts the JSON renderer writes, so they cannot disagree.
Loaded only when a view is first asked for."""

from __future__ import annotations

from dataclasses import dataclass


def frozen(value):
    """JSON lists as tuples, all the way down."""
    return tuple(frozen(item) for item in value) if isinstance(value, list) else value


@dataclass(frozen=True)
class ReceptiveField:
    """One number per spatial axis (Araujo et al.): field size, jump, start, effective padding and stride."""

    size: tuple
    jump: tuple
    start: tuple
    effective_padding: tuple
    effective_stride: tuple

    @classmethod
    def from_dict(cls, document: dict) -> "ReceptiveField":
        return cls(**{key: frozen(value) for key, value in document.items()})


@dataclass(frozen=True)
class Layer:
    """One row of the report, as its ``--json`` object: a layer, or a block holding its rows
    (``children`` for a repeat or named block, ``branches`` for res, cat, mul, split, side, aux)."""

    index: str
    layer: str
    kind: str
    read_as: str | None
    output: tuple[int, ...]  # in the report's layout
    params: int
    buffers: int
    macs: int
    flops: int
    memory_bytes: int
    receptive_field: ReceptiveField
    padding: tuple[tuple[int, int], ...] | None
    fit: str  # "exact" or "non-integer"
    exact_output: tuple | None
    warnings: tuple[str, ...]
    activations: int = 0  # output elements per sample
    stored_activations: int = 0  # elements stored as a new tensor (ReLU, dropout in place: 0)
    weights: int = 0  # parameters that are not biases
    biases: int = 0
    whole_input: bool = False  # fc / global pooling: the receptive field is the whole input
    keras_output: tuple[int, ...] | None = None  # Keras's shape where it differs (gap under hwc)
    explain: tuple[str, ...] = ()
    # issue 12's constructs: a row's notes (a mul gate that sees the whole input), a side or aux
    # head's own output, and rows that run in training only (inside aux); absent in JSON otherwise
    notes: tuple[str, ...] = ()
    head_output: tuple[int, ...] | None = None
    training_only: bool = False
    children: tuple["Layer", ...] = ()
    branches: tuple[tuple["Layer", ...], ...] = ()

    @classmethod
    def from_dict(cls, document: dict) -> "Layer":
        values = {key: frozen(value) for key, value in document.items()}
        values["receptive_field"] = ReceptiveField.from_dict(document["receptive_field"])
        values["children"] = tuple(cls.from_dict(child) for child in document.get("children", ()))
        values["branches"] = tuple(tuple(cls.from_dict(row) for row in branch)
                                   for branch in document.get("branches", ()))
        return cls(**values)


@dataclass(frozen=True)
class Total:
    """The network's totals, as the ``--json`` document's ``total``."""

    params: int
    trainable_params: int
    buffers: int
    macs: int
    flops: int
    memory_bytes: int
    output: tuple[int, ...]
    receptive_field: ReceptiveField
    non_integer_layers: int
    activations: int = 0
    stored_activations: int = 0
    weights: int = 0
    biases: int = 0
    params_bytes: int = 0  # params x bytes per value at the dtype
    memory: dict | None = None  # activation bytes by convention: outputs, stored, training
    keras: dict | None = None  # model.summary(): trainable, non-trainable, total params

    @classmethod
    def from_dict(cls, document: dict) -> "Total":
        values = {key: frozen(value) for key, value in document.items()}
        values["receptive_field"] = ReceptiveField.from_dict(document["receptive_field"])
        return cls(**values)
