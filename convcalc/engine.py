"""The pure engine: a parsed spec and an input shape in, one row of numbers per layer out.

No I/O and no printing; integers stay exact and ratios are Fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .errors import SpecError
from .geometry import AxisStep, fit_message
from .kinds import GLOBAL, KINDS, Args, Effect, suggest
from .syntax import Document, Layer, Ref
from .tensor import Tensor

AXIS_NAMES = {1: ("W",), 2: ("H", "W"), 3: ("D", "H", "W")}
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}


@dataclass(frozen=True)
class Field:
    """Receptive field per input axis: size, jump and start (centre of the first output's field).

    ``positions`` is how many outputs there are along each axis now; a flat
    vector keeps the count it had before flattening, so a later fc covers it.
    """

    size: tuple
    jump: tuple
    start: tuple
    positions: tuple[int, ...]

    @classmethod
    def of_input(cls, tensor: Tensor) -> "Field":
        rank = tensor.rank
        return cls((1,) * rank, (1,) * rank, (Fraction(0),) * rank, tensor.spatial)

    def advance(self, steps: tuple[AxisStep, ...]) -> "Field":
        size, jump, start = [], [], []
        for r, j, s, step in zip(self.size, self.jump, self.start, steps):
            size.append(r + step.grow * j)
            start.append(s + step.shift * j)
            jump.append(j * step.scale)
        return Field(tuple(size), tuple(jump), tuple(start), self.positions)

    def cover_all(self) -> "Field":
        """A window over every current position (global pooling, fc)."""
        steps = tuple(AxisStep(n - 1, Fraction(n - 1, 2), n) for n in self.positions)
        return Field(**{**self.advance(steps).__dict__, "positions": (1,) * len(self.positions)})

    def effective_padding(self) -> tuple:
        """Araujo's effective padding: how far the first field reaches before the input."""
        return tuple(Fraction(r - 1, 2) - s for r, s in zip(self.size, self.start))


@dataclass(frozen=True)
class Row:
    index: str
    text: str
    kind: str
    output: Tensor
    field: Field
    params: int
    buffers: int
    macs: int
    memory_bytes: int
    fit: str  # "exact" or "non-integer"
    warnings: tuple[str, ...]
    padding: tuple[tuple[int, int], ...] | None
    # The unrounded output size per axis of a sliding window (54.25), else None.
    exact_output: tuple[Fraction, ...] | None = None


@dataclass(frozen=True)
class Totals:
    params: int
    buffers: int
    macs: int
    memory_bytes: int
    output: Tensor
    field: Field
    non_integer: int


@dataclass(frozen=True)
class Analysis:
    input: Tensor
    rows: tuple[Row, ...]
    total: Totals
    batch: int
    dtype: str


@dataclass(frozen=True)
class Settings:
    batch: int = 1
    dtype: str = "float32"
    strict: bool = False


class Engine:
    """Walks a document's layers, carrying the tensor and receptive field along."""

    def __init__(self, document: Document, settings: Settings):
        self.document = document
        self.settings = settings
        self.bytes_per_value = settings.batch * DTYPE_BYTES[settings.dtype]
        self.rows: list[Row] = []

    def fail(self, message: str, pos: int) -> SpecError:
        return SpecError(message, self.document.source, pos, self.document.label)

    def run(self, tensor: Tensor) -> Analysis:
        start = tensor
        field = Field.of_input(tensor)
        for item in self.document.network.items:
            tensor, field = self.layer(item, tensor, field)
        rows = tuple(self.rows)
        total = Totals(
            params=sum(r.params for r in rows),
            buffers=sum(r.buffers for r in rows),
            macs=sum(r.macs for r in rows),
            memory_bytes=sum(r.memory_bytes for r in rows),
            output=tensor,
            field=field,
            non_integer=sum(r.fit != "exact" for r in rows),
        )
        return Analysis(start, rows, total, self.settings.batch, self.settings.dtype)

    def layer(self, item, tensor: Tensor, field: Field) -> tuple[Tensor, Field]:
        if not isinstance(item, Layer):
            raise self.fail("groups, res(...) and cat(...) are not supported yet", item.pos)
        kind = KINDS.get(item.name)
        if kind is None:
            guess = suggest(item.name)
            hint = f" - did you mean '{guess}{item.text[len(item.name):]}'?" if guess else ""
            raise self.fail(f"unknown layer '{item.text}'{hint}", item.pos)
        for arg in item.args:
            for value in arg.values:
                if isinstance(value, Ref):
                    raise self.fail(f"'{{{value.name}}}' is a block parameter, used outside a block", value.pos)
        args = Args(item, self.fail, tensor.rank, kind)
        effect: Effect = kind.build(args, tensor).effect(tensor)
        field = self.moved_field(field, effect, effect.output)
        warnings = list(effect.warnings)
        fit_warnings = self.fit_warnings(effect, tensor)
        if fit_warnings and self.settings.strict:
            raise self.fail(f"'{item.text}' does not fit its input evenly (--strict): {fit_warnings[0]}", item.pos)
        self.rows.append(Row(
            index=str(len(self.rows) + 1),
            text=item.text,
            kind=item.name,
            output=effect.output,
            field=field,
            params=effect.params,
            buffers=effect.buffers,
            macs=effect.macs,
            memory_bytes=effect.output.elements * self.bytes_per_value,
            fit="non-integer" if fit_warnings else "exact",
            warnings=tuple(fit_warnings + warnings),
            padding=effect.padding,
            exact_output=tuple(w.exact_output for w in effect.windows) or None,
        ))
        return effect.output, field

    @staticmethod
    def moved_field(field: Field, effect: Effect, output: Tensor) -> Field:
        if effect.rf == GLOBAL:
            return field.cover_all()
        if effect.rf is not None:
            field = field.advance(effect.rf)
        if output.spatial:
            field = Field(field.size, field.jump, field.start, output.spatial)
        return field

    @staticmethod
    def fit_warnings(effect: Effect, tensor: Tensor) -> list[str]:
        """One message per distinct misfit, naming its axes (``H and W: ...``)."""
        names = AXIS_NAMES.get(tensor.rank, ())
        by_message: dict[str, list[str]] = {}
        for axis, window in zip(names, effect.windows):
            if not window.fits:
                by_message.setdefault(fit_message(window), []).append(axis)
        return [f"{' and '.join(axes)}: {message}" for message, axes in by_message.items()]


def analyse(document: Document, tensor: Tensor, settings: Settings = Settings()) -> Analysis:
    return Engine(document, settings).run(tensor)
