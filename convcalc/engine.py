"""The pure engine: a parsed spec and an input shape in, one row of numbers per layer out.

No I/O and no printing; integers stay exact and ratios are Fractions.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from .constructs import BRANCH_CONSTRUCTS, CONSTRUCTS, listed
from .errors import SpecError
from .gc_pause import gc_paused
from .geometry import AxisStep, fit_message, ratio, slide, window_facts
from .keras import bare_name
from .kinds import GLOBAL, KINDS, Args, Context, Effect, Option, OptionError, Options, suggest
from .records import Record
from .syntax import MAX_NESTING, Arg, Call, Document, Layer, Ref, Seq
from .tensor import AXIS_NAMES, Tensor, format_dims
from .units import short_fraction

# A tensor size beyond this is refused: numbers stay exact, but sizes like 10^5000
# (a hundred stride-10^59 upsamplings) are not a network and cannot even be printed.
MAX_SIZE = 10**60
# Expanded layers, after repeats and blocks: at 5,000 every output format answers within
# 2 s, even for 60-digit sizes (JSON of 100,000 layers took 6.5 s; see README "Limits").
MAX_LAYERS = 5_000
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}


class Field(Record):
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
        return cls((1,) * rank, (1,) * rank, (0,) * rank, tensor.spatial)

    def advance(self, steps: tuple[AxisStep, ...]) -> "Field":
        size, jump, start = [], [], []
        for r, j, s, step in zip(self.size, self.jump, self.start, steps):
            size.append(r + step.grow * j)
            start.append(s + step.shift * j)
            jump.append(j * step.scale)
        return Field(tuple(size), tuple(jump), tuple(start), self.positions)

    def cover_all(self) -> "Field":
        """A window over every current position (global pooling, fc)."""
        steps = tuple(AxisStep(n - 1, ratio(n - 1, 2), n) for n in self.positions)
        return self.advance(steps)._replace(positions=(1,) * len(self.positions))

    def effective_padding(self) -> tuple:
        """Araujo's effective padding, (size - 1)/2 - start: how far the first field reaches before
        the input."""
        # Over common denominators and one ratio(): a stride-2 pool makes every later start a half,
        # and Fraction's own arithmetic made three Fractions per axis of every row.
        return tuple(ratio((r.numerator - r.denominator) * s.denominator - 2 * r.denominator * s.numerator,
                           2 * r.denominator * s.denominator)
                     for r, s in zip(self.size, self.start))


class Row(Record):
    """One layer, or one block (repeat, res, cat, named block) holding its rows.

    A block's numbers are the sums of the layers inside it (what each adds: ``counted_sums``);
    ``children`` holds a repeat's or named block's rows, ``branches`` a res's (body, shortcut),
    a cat's, mul's or split's branches, or a side's or aux's one head.
    """

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
    children: tuple["Row", ...] = ()
    branches: tuple[tuple["Row", ...], ...] = ()
    # With --explain: the formulas behind the numbers, in the user's numbers.
    explanation: tuple[str, ...] = ()
    input: Tensor | None = None
    # The built layer object (kinds/*), for exporters; None for blocks.
    layer: object = None
    # What the layer does at its input (its kind's Effect: windows, padding, field steps); None
    # for blocks.
    effect: Effect | None = None
    # True when the row stands for a use of a named block, ``bottleneck(64, 256)``.
    call: bool = False
    pos: int = 0  # where the layer is written in the spec
    # A side or aux head's own output (the row's ``output`` is the main path, which goes on from
    # the head's input); None for every other row.
    head_output: Tensor | None = None
    # True for an aux(...) row and every row inside it: run in training only, so its parameters
    # count but its MACs and memory are not in the inference totals (``counted_sums``).
    training_only: bool = False
    # Remarks that are not warnings (a gate that sees the whole input).
    notes: tuple[str, ...] = ()

    @property
    def padding(self) -> tuple[tuple[int, int], ...] | None:
        """The padding the layer used per axis, (low, high); None for a block or a layer without."""
        return self.effect.padding if self.effect is not None else None

    @property
    def exact_output(self) -> tuple[Fraction, ...] | None:
        """The unrounded output size per axis of a sliding window (54.25), else None."""
        sliding = self.effect.sliding if self.effect is not None else None
        return sliding.exact_outputs if sliding is not None else None

    @property
    def read_as(self) -> str | None:
        """How a layer's item was read, every value spelled out (kinds' read_as); None for blocks.
        Formatted when asked for: an analysis (a fit search candidate, a batch line) may never be."""
        return reading(self.layer) if self.layer is not None else None

    @property
    def is_block(self) -> bool:
        return bool(self.children or self.branches)

    def contents(self) -> tuple["Row", ...]:
        return self.children + tuple(row for branch in self.branches for row in branch)

    def leaves(self) -> list["Row"]:
        """The layer rows under this row (itself, for a layer), in forward order."""
        return collect_leaves((self,), [])


@lru_cache(maxsize=4096)
def reading(layer) -> str:
    """``layer.read_as()``, formatted once: analyses share their built layers (MEMOS)."""
    return layer.read_as()


def collect_leaves(rows, found: list) -> list:
    """``found`` with the layer rows under ``rows`` appended: one list for the whole walk (nested
    generators cost a step per level for every leaf, and networks nest blocks five deep)."""
    for row in rows:
        if row.children or row.branches:
            collect_leaves(row.children, found)
            for branch in row.branches:
                collect_leaves(branch, found)
        else:
            found.append(row)
    return found


def block_row(index: str, text: str, kind: str, tensor: Tensor, output: Tensor, field: Field, children=(),
              branches=(), warnings=()) -> Row:
    """A block's row: the sums of what it holds."""
    children, branches = tuple(children), tuple(tuple(b) for b in branches)
    inner = children + tuple(row for branch in branches for row in branch)
    params, buffers, macs, memory = counted_sums(inner)
    return Row(
        index=index, text=text, kind=kind, output=output, field=field, input=tensor,
        params=params, buffers=buffers, macs=macs, memory_bytes=memory,
        fit="exact" if all(r.fit == "exact" for r in inner) else "non-integer",
        warnings=tuple(warnings), children=children, branches=branches,
    )


def counted_sums(rows) -> tuple[int, int, int, int]:
    """(params, buffers, MACs, memory) that the rows add to their block's and the network's
    totals. A training-only row (aux) adds its parameters and buffers, not its compute or memory:
    those are not spent at inference."""
    params = buffers = macs = memory = 0
    for row in rows:
        params += row.params
        buffers += row.buffers
        if not row.training_only:
            macs += row.macs
            memory += row.memory_bytes
    return params, buffers, macs, memory


class Totals(Record):
    params: int
    buffers: int
    macs: int
    memory_bytes: int
    output: Tensor
    field: Field
    non_integer: int


class Analysis(Record):
    input: Tensor
    rows: tuple[Row, ...]
    total: Totals
    batch: int
    dtype: str

    def leaves(self) -> list[Row]:
        """Every layer row, in forward order, however deep in blocks."""
        return collect_leaves(self.rows, [])

    def heads(self):
        """The side and aux rows, however deep in blocks: the network's extra outputs."""
        def walk(rows):
            for row in rows:
                if row.head_output is not None:
                    yield row
                yield from walk(row.contents())
        yield from walk(self.rows)


class Settings(Record):
    batch: int = 1
    dtype: str = "float32"
    strict: bool = False
    explain: bool = False
    max_layers: int = MAX_LAYERS
    # True: shapes and fits only, for the fit search, which analyses a network at many inputs:
    # the receptive field stays as it was (exact field fractions cost most of the time in
    # strided tconv chains), and rows carry no explanation.
    sizes_only: bool = False


class WorkedLayer(Record):
    """A layer item at one input: its row's numbers but for where it stands (index, field)."""

    layer: object  # the built kind object
    effect: Effect
    fits: bool  # every window fits its input evenly
    fit_warnings: tuple[str, ...]  # why not, one per distinct misfit (none with sizes only)
    # The row's warnings: where the item could also have been read another way, the misfits, the kind's.
    warnings: tuple[str, ...]
    memory_bytes: int
    rescales: bool  # the jump may change (a stride, an upsampling, a global window): its bounds are checked


class Scope(Record):
    """Inside a named block: its parameters' values and the calls that led here; inside a branch
    construct (res, cat, mul, split, side, aux): the input tensor of the innermost one."""

    values: dict
    calls: tuple[str, ...] = ()
    # The input of the innermost enclosing branch construct (set by each, ``branch_scope``), or
    # the network input at the top level: what a bare ``resize`` resizes to.
    branch_input: Tensor | None = None
    # The network's input, everywhere (``resizeinput``).
    network_input: Tensor | None = None


# What the engine works out once per process and reuses in every analysis: pure functions of an
# item's text and its input, so that a batch of specs, the fit search's candidates and an API
# caller's loop share them (bn, relu and a stage's convs recur across designs). Each memo is
# cleared when it reaches MEMO_ENTRIES entries: bounded memory in a long batch.
MEMO_ENTRIES = 50_000
# Every such memo, for forget(); other modules' too (conventions' counts), through process_memo().
PROCESS_MEMOS: list[dict] = []


def process_memo() -> dict:
    """A new per-process memo, emptied by forget()."""
    memo: dict = {}
    PROCESS_MEMOS.append(memo)
    return memo


# (bytes per value, sizes only) -> {(text, input, context): the layer worked out there}: analyses
# whose rows agree on memory (batch x dtype) and on what they hold (sizes only: no misfit messages).
MEMOS: dict[tuple[int, bool], dict] = process_memo()
# (text, rank) -> the item's options as its kind reads them: they depend on nothing else, so every
# mode shares them (the fit search's sizes-only candidates read the items the analysis read).
ARGS: dict[tuple[str, int], Args] = process_memo()
# (id(item), block arguments) -> (item, the item with them filled in), and -> (item, its text): a
# block's items at the same arguments recur in every analysis of a network (a batch, the fit
# search's candidates), and filling them in took a sixth of a ResNet-50 analysis (Engine.per_use).
FILLED: dict[tuple, tuple] = process_memo()
WRITTEN: dict[tuple, tuple] = process_memo()
# A block used by its bare name -> the Call it stands for: one Call per item, so that the entries
# above, keyed by the Call's id, are found again in the next analysis.
BARE_CALLS: dict[tuple, tuple] = process_memo()


def forget() -> None:
    """Empty the per-process memos, as in a new process (benchmarks time cold analyses)."""
    for memo in PROCESS_MEMOS:
        memo.clear()
    slide.cache_clear()
    window_facts.cache_clear()
    reading.cache_clear()


def remembered(memo: dict, key, value):
    """``value``, kept in ``memo`` under ``key``; a full memo (MEMO_ENTRIES) is emptied first."""
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


def memo_for(bytes_per_value: int, sizes_only: bool) -> dict:
    """The worked-layer memo for one bytes-per-value and mode."""
    key = (bytes_per_value, sizes_only)
    memo = MEMOS.get(key)
    if memo is None:
        memo = MEMOS[key] = {}
    return memo


EMPTY_SCOPE = Scope({})


class Engine:
    """Walks a document's layers, carrying the tensor and receptive field along; block
    constructs (constructs/*) are walked by their own modules, which call back here."""

    kinds = KINDS  # for constructs: a block use that names a layer kind
    suggest = staticmethod(suggest)

    def __init__(self, document: Document, settings: Settings):
        self.document = document
        self.settings = settings
        self.bytes_per_value = settings.batch * DTYPE_BYTES[settings.dtype]
        self.layer_cache: dict[tuple[str, Tensor, Context | None], WorkedLayer] = \
            memo_for(self.bytes_per_value, settings.sizes_only)
        self.layer_count = 0
        # Blocks open now: block uses, [...], res and cat together. The parser caps each
        # definition's brackets, but a use inside brackets inside a use... multiplies them.
        self.nesting = 0
        # Where the block use being expanded is written in the network, for the layer-limit error.
        self.use_pos = 0
        # The text that positions point into: the document's, or a used file's inside its block.
        self.origin = (document.source, document.label)
        for name, definition in document.definitions.items():
            if name in KINDS:
                self.origin = self.origin_of(definition)
                raise self.fail(f"'{name}' is a layer kind; give the block another name", definition.pos)

    def fail(self, message: str, pos: int) -> SpecError:
        return SpecError(message, self.origin[0], pos, self.origin[1])

    def origin_of(self, definition) -> tuple:
        """(source, label) of a block's text: its file's when it came by ``use``."""
        if definition.source is None:
            return self.document.source, self.document.label
        return definition.source, definition.label

    def run(self, tensor: Tensor) -> Analysis:
        """The analysis at one input; an engine may run many (the fit search), its caches kept."""
        self.layer_count = self.nesting = self.use_pos = 0
        start = tensor
        rows, tensor, field = self.sequence(self.document.network, tensor, Field.of_input(tensor),
                                            Scope({}, branch_input=tensor, network_input=tensor), "")
        params, buffers, macs, memory = counted_sums(rows)
        total = Totals(
            params=params,
            buffers=buffers,
            macs=macs,
            memory_bytes=memory,
            output=tensor,
            field=field,
            non_integer=sum(leaf.fit != "exact" for r in rows for leaf in r.leaves()),
        )
        return Analysis(start, tuple(rows), total, self.settings.batch, self.settings.dtype)

    def sequence(self, seq: Seq, tensor: Tensor, field: Field, scope: Scope, prefix: str,
                 rows: list | None = None) -> tuple[list[Row], Tensor, Field]:
        rows = [] if rows is None else rows
        for item in seq.items:
            row = self.element(item, tensor, field, scope, f"{prefix}{len(rows) + 1}")
            rows.append(row)
            tensor, field = row.output, row.field
        return rows, tensor, field

    def element(self, item, tensor: Tensor, field: Field, scope: Scope, index: str) -> Row:
        if isinstance(item, Layer):
            if not (self.document.definitions and item.text.lower() in self.document.definitions):
                return self.layer(self.filled(item, scope) if item.has_refs else item, tensor, field,
                                  index, self.use_pos if scope.calls else item.pos, scope)
            item = self.per_use(BARE_CALLS, item, EMPTY_SCOPE, lambda: Call(item.text.lower(), (), item.text, item.pos))
        if self.nesting >= MAX_NESTING:
            raise self.fail(f"blocks nest more than {MAX_NESTING} levels deep (block uses, [...], "
                            f"{listed(BRANCH_CONSTRUCTS, 'and')} counted together)", item.pos)
        self.nesting += 1
        try:
            return CONSTRUCTS[item.construct].run(self, item, tensor, field, scope, index)
        finally:
            self.nesting -= 1

    def number(self, value, scope: Scope):
        """A number as written, or a block parameter's value."""
        return resolve_number(value, scope, self.fail)

    def written(self, item, scope: Scope) -> str:
        """The item's text with the block's arguments filled in."""
        return self.per_use(WRITTEN, item, scope, lambda: filled_text(item.text, scope))

    @staticmethod
    def per_use(cache: dict, item, scope: Scope, work):
        """``work()`` once per item and block arguments. The entry holds the item: its id cannot
        pass to another while the entry lives (the engine makes a Call on the fly for a block used
        by its bare name: ``BARE_CALLS``)."""
        key = (id(item), tuple(scope.values.items()))
        cached = cache.get(key)
        if cached is None:
            cached = remembered(cache, key, (item, work()))
        return cached[1]

    @staticmethod
    def branch_scope(scope: Scope, tensor: Tensor) -> Scope:
        """The scope for a branch construct's branches: ``tensor`` is their construct's input."""
        return Scope(scope.values, scope.calls, tensor, scope.network_input)

    def block_result(self, item, scope: Scope, index: str, kind: str, tensor: Tensor, output: Tensor, field: Field,
                     children=(), branches=(), warnings=(), explain=None, sums_line: bool = True) -> Row:
        """A construct's row: the sums of its rows, and with --explain its own lines (``explain()``),
        then the sums and the receptive field (``sums_line=False``: the construct's lines say it all)."""
        row = block_row(index, self.written(item, scope), kind, tensor, output, field, children, branches, warnings)
        return self.explained(row, explain(), sums_line) if explain is not None else row

    def explained(self, row: Row, lines: list[str], sums_line: bool = True) -> Row:
        """A block row with its own formulas, and the sums it reports."""
        if not self.settings.explain:
            return row
        if sums_line:
            sizes = "x".join(short_fraction(v) for v in row.field.size)
            lines += [f"params, MACs, memory = sums over its {sum(1 for _ in row.leaves())} layers",
                      f"RF = the largest over its paths = {sizes}"]
        return row._replace(explanation=tuple(lines))

    def filled(self, item: Layer, scope: Scope) -> Layer:
        """The item with the block's arguments in place of its ``{param}`` numbers."""
        return self.per_use(FILLED, item, scope, lambda: substitute(item, scope, self.fail))

    def layer(self, item: Layer, tensor: Tensor, field: Field, index: str, use_pos: int,
              scope: Scope | None = None) -> Row:
        # The path every layer of every analysis takes: written for speed (issue 14), the work
        # that depends only on the item and its input done once, in worked_layer.
        self.layer_count += 1
        if self.layer_count > self.settings.max_layers:
            self.check_layer_count(self.layer_count, use_pos)
        worked = self.worked_layer(item, tensor, scope)
        effect = worked.effect
        settings = self.settings
        if not worked.fits and settings.strict:
            # The fit search (sizes only) wants to know that a candidate fails, not why.
            why = "" if settings.sizes_only else f": {worked.fit_warnings[0]}"
            raise self.fail(f"'{item.text}' does not fit its input evenly (--strict){why}", item.pos)
        before = field
        if not settings.sizes_only:
            field = self.moved_field(item, field, effect, worked.rescales)
        return Row(
            index=index,
            text=item.text,
            kind=item.name,
            output=effect.output,
            field=field,
            params=effect.params,
            buffers=effect.buffers,
            macs=effect.macs,
            memory_bytes=worked.memory_bytes,
            fit="exact" if worked.fits else "non-integer",
            warnings=worked.warnings,
            explanation=(f"read as: {reading(worked.layer)}", *worked.layer.explain(tensor, effect),
                         *rf_lines(before, effect, field)) if settings.explain and not settings.sizes_only else (),
            input=tensor,
            layer=worked.layer,
            effect=effect,
            pos=item.pos,
        )

    def check_layer_count(self, count: int, pos: int) -> None:
        if count > self.settings.max_layers:
            raise self.fail(f"the spec expands to more than {self.settings.max_layers:,} layers "
                            f"(raise the limit with --max-layers)", pos)

    def worked_layer(self, item: Layer, tensor: Tensor, scope: Scope | None = None) -> "WorkedLayer":
        """Everything about a layer that depends only on its text and its input (and, for a kind
        that reads the context, such as bare ``resize``, the scope's tensors), worked out once:
        a network repeats its blocks, and the arithmetic is pure."""
        kind = KINDS.get(item.name)
        context = Context(scope.branch_input, scope.network_input) if kind is not None and kind.context \
            and scope is not None else None
        key = (item.text, tensor, context)
        cached = self.layer_cache.get(key)
        if cached is not None:
            return cached
        if kind is None:
            foreign = bare_name(item.name)
            if foreign is not None:
                raise self.fail(foreign, item.pos)
            guess = suggest(item.name, self.document.definitions)
            hint = f" - did you mean '{guess}{item.text[len(item.name):]}'?" if guess else ""
            raise self.fail(f"unknown layer '{item.text}'{hint}", item.pos)
        try:
            args = self.args(item, tensor.rank, kind)
            built = kind.build(args, tensor, context or Context(tensor, tensor)) if kind.context \
                else kind.build(args, tensor)
            effect = built.effect(tensor)
        except OptionError as error:
            raise self.fail(error.message, item.pos + error.at) from None
        output = effect.output
        if output.channels > MAX_SIZE or max(output.spatial, default=0) > MAX_SIZE:
            raise self.fail(f"'{item.text}' gives an output of {format_dims(output.dims('chw'))}: "
                            f"sizes above 10^60 are not supported", item.pos)
        sliding = effect.sliding
        fits = sliding is None or sliding.fits
        # The messages (with the fixes that fit) are the costly part of a misfit: not for sizes only.
        fit_warnings = () if fits or self.settings.sizes_only else tuple(self.fit_warnings(effect, tensor))
        worked = WorkedLayer(
            layer=built, effect=effect, fits=fits, fit_warnings=fit_warnings,
            warnings=tuple(args.notes) + fit_warnings + effect.warnings,
            memory_bytes=output.elements * self.bytes_per_value,
            rescales=effect.rf == GLOBAL or isinstance(effect.rf, tuple) and any(s.scale != 1 for s in effect.rf))
        return remembered(self.layer_cache, key, worked)

    def args(self, item: Layer, rank: int, kind) -> Args:
        key = (item.text, rank)
        args = ARGS.get(key)
        return args if args is not None else remembered(ARGS, key, Args(options_of(item), rank, kind))

    def moved_field(self, item: Layer, field: Field, effect: Effect, rescales: bool) -> Field:
        rf = effect.rf
        if rf == GLOBAL:
            field = field.cover_all()
        elif rf is not None:
            field = field.advance(rf)
        if rescales and any(j.numerator > MAX_SIZE or j.denominator > MAX_SIZE for j in field.jump):
            # Strides multiply the jump (transposed convs divide it; a global window multiplies it by
            # the positions it covers): unbounded, the exact fractions would take megabytes and
            # could not be printed.
            raise self.fail(f"'{item.text}' takes the receptive field's jump (the product of the strides so "
                            f"far) past 10^60 or below 10^-60: not supported", item.pos)
        spatial = effect.output.spatial
        if spatial and spatial != field.positions:
            field = Field(field.size, field.jump, field.start, spatial)
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


def options_of(item: Layer) -> Options:
    """The item as its kind reads it: a value, positions counted from the item's start."""
    pos = item.pos
    return Options(item.name, item.text, tuple(Option(a.tag, a.values, a.pos - pos, a.last_pos - pos)
                                               for a in item.args))


PARAM_REF = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")


def resolve_number(value, scope: Scope, fail):
    if not isinstance(value, Ref):
        return value
    if value.name not in scope.values:
        known = ", ".join(scope.values) or "none here"
        where = f"block '{scope.calls[-1]}'" if scope.calls else "the top level"
        raise fail(f"unknown parameter '{{{value.name}}}' in {where} (parameters: {known})", value.pos)
    return scope.values[value.name]


def substitute(item: Layer, scope: Scope, fail) -> Layer:
    """The layer with its ``{param}`` numbers replaced by the block's arguments."""
    args = tuple(Arg(a.tag, tuple(resolve_number(v, scope, fail) for v in a.values), a.pos, a.last_pos)
                 for a in item.args)
    return Layer(item.name, args, filled_text(item.text, scope), item.pos, has_refs=False)


def filled_text(text: str, scope: Scope) -> str:
    """Source text with each ``{param}`` replaced by its value, on one line."""
    if scope.values:
        text = PARAM_REF.sub(lambda m: str(scope.values.get(m.group(1).lower(), m.group(0))), text)
    return " ".join(text.split())


def rf_lines(before: Field, effect: Effect, after: Field) -> list[str]:
    """The receptive-field step in numbers: ``RF = 1 + (11-1)*1 = 11``, ``jump = 1*4 = 4``."""
    if effect.rf is None:
        return axis_rf([f"{short_fraction(v)} (unchanged)" for v in after.size], len(after.size), "RF")
    if effect.rf == GLOBAL:
        sizes = [f"{short_fraction(r)} + ({n}-1)*{short_fraction(j)} = {short_fraction(r2)} (the whole input)"
                 for r, n, j, r2 in zip(before.size, before.positions, before.jump, after.size)]
        return axis_rf(sizes, len(sizes), "RF")
    sizes, jumps = [], []
    for r, j, step, r2, j2 in zip(before.size, before.jump, effect.rf, after.size, after.jump):
        growth = step.grow_text or short_fraction(step.grow)
        sizes.append(f"{short_fraction(r)} + {growth}*{short_fraction(j)} = {short_fraction(r2)}" if step.grow else f"{short_fraction(r2)} (unchanged)")
        jumps.append(f"{short_fraction(j)}*{short_fraction(step.scale)} = {short_fraction(j2)}")
    lines = axis_rf(sizes, len(sizes), "RF")
    if any(step.scale != 1 for step in effect.rf):
        lines += axis_rf(jumps, len(jumps), "jump")
    return lines


def axis_rf(texts: list[str], rank: int, label: str) -> list[str]:
    if len(set(texts)) == 1:
        return [f"{label} = {texts[0]}"]
    return [f"{label}({name}) = {text}" for name, text in zip(AXIS_NAMES.get(rank, ()), texts)]


def analyse(document: Document, tensor: Tensor, settings: Settings = Settings()) -> Analysis:
    with gc_paused():
        return Engine(document, settings).run(tensor)
