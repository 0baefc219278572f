"""convcalc.records.Record, the base of every value class, must behave as typing.NamedTuple does
(the oracle here: the same class declared both ways), for every record class convcalc defines."""

from __future__ import annotations

import pickle
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import convcalc.cli  # noqa: F401  (every module that defines records at start-up)
import convcalc.render.table  # noqa: F401
from convcalc.records import Record


class Row(Record):
    index: str
    count: int  # shadows tuple.count, as a NamedTuple field may
    output: tuple
    macs: int = 0
    notes: tuple = ()

    @property
    def doubled(self) -> int:
        return 2 * self.macs

    kind = "row"  # a class attribute, not a field (no annotation)


class TypingRow(NamedTuple):
    index: str
    count: int
    output: tuple
    macs: int = 0
    notes: tuple = ()


values = st.one_of(st.integers(), st.text(max_size=5), st.tuples(st.integers()))


@given(values, values, values, values, values, st.integers(min_value=3, max_value=5))
def test_a_record_is_made_read_and_changed_as_a_named_tuple(a, b, c, d, e, given_count):
    args = (a, b, c, d, e)[:given_count]
    record, named = Row(*args), TypingRow(*args)
    assert tuple(record) == tuple(named)
    assert record == named and hash(record) == hash(named)  # both compare as their tuples
    assert [getattr(record, f) for f in TypingRow._fields] == [getattr(named, f) for f in TypingRow._fields]
    assert Row._fields == TypingRow._fields
    assert repr(record) == repr(named).replace("TypingRow", "Row")
    keywords = dict(zip(TypingRow._fields, args))
    assert Row(**keywords) == TypingRow(**keywords)
    assert record._replace(macs=e, index=d) == named._replace(macs=e, index=d)
    assert type(record._replace(notes=a)) is Row
    assert pickle.loads(pickle.dumps(record)) == record
    assert type(pickle.loads(pickle.dumps(record))) is Row


def test_what_a_record_refuses_as_a_named_tuple_does():
    with pytest.raises(TypeError):
        Row("1", 2)  # a field without a default left out
    with pytest.raises(TypeError):
        Row("1", 2, (), 3, (), "extra")
    with pytest.raises(TypeError):
        Row("1", 2, (), nonsense=3)
    with pytest.raises(ValueError, match="unexpected field names"):
        Row("1", 2, ())._replace(nonsense=1)
    with pytest.raises(AttributeError):
        Row("1", 2, ()).macs = 5  # frozen
    with pytest.raises(AttributeError):
        Row("1", 2, ()).anything = 5  # no __dict__


def test_methods_and_class_attributes_stay_what_they_are():
    row = Row("1", 2, (), macs=21)
    assert row.doubled == 42 and row.kind == "row" and row.count == 2
    assert "kind" not in Row._fields and "doubled" not in Row._fields


def test_declarations_a_record_refuses():
    with pytest.raises(TypeError, match="without a default after"):
        class Bad(Record):
            a: int = 0
            b: int
    with pytest.raises(TypeError, match="do not start with"):
        class Hidden(Record):
            _a: int
    with pytest.raises(TypeError, match="in one class"):
        class Wider(Row):
            extra: int


def record_classes(cls=Record):
    for sub in cls.__subclasses__():
        yield sub
        yield from record_classes(sub)


def test_every_convcalc_record_reads_each_field_back():
    classes = [c for c in record_classes() if c.__module__.startswith("convcalc.")]
    assert len(classes) > 40, [c.__name__ for c in classes]  # the engine's, the kinds', the parser's...
    for cls in classes:
        marks = {name: object() for name in cls._fields}
        made = cls(**marks)
        assert all(getattr(made, name) is mark for name, mark in marks.items()), cls
        assert list(made) == list(marks.values()), cls
