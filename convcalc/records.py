"""``Record``: the base of convcalc's values (tensors, fields, rows, layers, parser nodes), a tuple
with named fields, declared as a ``typing.NamedTuple`` is::

    class Tensor(Record):
        channels: int
        spatial: tuple[int, ...] = ()

and made, read and compared as one is (fields by name or position, defaults, ``_replace``,
equality and hashing as tuples, pickling).

Why not ``typing.NamedTuple`` or ``collections.namedtuple``: defining such a class compiles the
source of its constructor (and typing's, under ``from __future__ import annotations``, checks
every annotation), about 0.6-0.9 M instructions a class; the ~50 classes convcalc defines at
start-up spent some 35 M that way, a seventh of importing its CLI (issue 14). Here the constructor
of every arity is compiled once, and each class's is that code with its field names put in
(``code.replace``): the same bytecode, so a record is made as fast as a namedtuple.
"""

from __future__ import annotations

from types import CodeType, FunctionType

try:
    from _collections import _tuplegetter  # what collections.namedtuple's fields are: C, fast
except ImportError:  # another Python's implementation
    from operator import itemgetter

    def _tuplegetter(index: int, doc: str):
        return property(itemgetter(index), doc=doc)

# The constructors' only global: a record is made by tuple.__new__ on its values, in field order.
CONSTRUCTOR_GLOBALS = {"_tuple_new": tuple.__new__}
# Arity -> the code of ``lambda _cls, _0, _1, ...: _tuple_new(_cls, (_0, _1, ...))``.
TEMPLATES: dict[int, CodeType] = {}


def constructor(name: str, fields: tuple[str, ...], defaults: tuple) -> FunctionType:
    """``__new__(cls, field, ...)`` for a record of these fields (the last ``len(defaults)`` optional)."""
    template = TEMPLATES.get(len(fields))
    if template is None:
        names = "".join(f"_{index}, " for index in range(len(fields)))
        template = TEMPLATES[len(fields)] = eval(f"lambda _cls, {names}: _tuple_new(_cls, ({names}))",
                                                 CONSTRUCTOR_GLOBALS).__code__
    code = template.replace(co_varnames=("_cls", *fields), co_name="__new__", co_qualname=f"{name}.__new__")
    return FunctionType(code, CONSTRUCTOR_GLOBALS, "__new__", defaults or None)


class RecordType(type):
    """Makes a Record subclass's annotated names its fields (in order; a value given is the default)."""

    def __new__(mcls, name: str, bases: tuple, namespace: dict):
        namespace["__slots__"] = ()  # no per-record __dict__: a record is its tuple
        cls = super().__new__(mcls, name, bases, namespace)
        annotations = namespace.get("__annotations__")
        if annotations is None:  # a Python that defers annotations (PEP 649) keeps them on the class
            annotations = getattr(cls, "__annotations__", {})
        if not annotations:
            return cls  # Record itself
        fields = tuple(annotations)
        if any(field.startswith("_") for field in fields):
            raise TypeError(f"{name}: a record's field names do not start with '_' (its methods' do)")
        if any(getattr(base, "_fields", ()) for base in bases):
            raise TypeError(f"{name}: a record takes no fields from another: declare them all in one class")
        defaults = []
        for field in fields:
            if field in namespace:
                defaults.append(namespace[field])
            elif defaults:
                raise TypeError(f"{name}.{field}: a field without a default after one with a default")
        for index, field in enumerate(fields):
            setattr(cls, field, _tuplegetter(index, f"Alias for field number {index}"))
        cls._fields = fields
        cls.__new__ = constructor(name, fields, tuple(defaults))
        return cls


class Record(tuple, metaclass=RecordType):
    _fields = ()  # the field names, in order (set on each record class)

    def _replace(self, **changes) -> Record:
        """A copy with the given fields changed."""
        result = tuple.__new__(type(self), map(changes.pop, self._fields, self))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return result

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={value!r}' for name, value in zip(self._fields, self))})"

    def __getnewargs__(self) -> tuple:
        return tuple(self)
