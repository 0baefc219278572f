"""``name(1, 2)``: a use of a named block from a spec file, its parameters filled in."""

from __future__ import annotations

KIND = "block"
BRANCHES = False  # written name(numbers): the grammar's own call form
TORCH_CLASS = None  # a class of its own per distinct use, an nn.Sequential of the rows
TORCH_HELPER = ""


def run(engine, item, tensor, field, scope, index):
    definition = engine.document.definitions.get(item.name)
    if definition is None and item.name in engine.kinds:
        numbers = "x".join(str(a) for a in item.args) or "3"
        written = item.name + numbers if engine.kinds[item.name].sizes else item.name
        raise engine.fail(f"'{item.name}' is a layer kind, not a block: write it without parentheses, "
                          f"numbers right after the name (e.g. '{written}')", item.pos)
    if definition is None:
        guess = engine.suggest(item.name, engine.document.definitions)
        hint = f" - did you mean '{guess}'?" if guess else ""
        raise engine.fail(f"unknown block '{item.name}'{hint}", item.pos)
    if item.name in scope.calls:
        raise engine.fail(f"block '{item.name}' uses itself ({' -> '.join(scope.calls + (item.name,))})", item.pos)
    if not scope.calls:
        engine.use_pos = item.pos
    if len(item.args) != len(definition.params):
        wanted = ", ".join(definition.params) or "nothing"
        raise engine.fail(f"block '{item.name}' takes {len(definition.params)} argument(s) ({wanted}), "
                          f"got {len(item.args)}", item.pos)
    values = dict(zip(definition.params, (engine.number(a, scope) for a in item.args)))
    inner = scope._replace(values=values, calls=scope.calls + (item.name,))
    # Inside the block, positions point into the file that defines it (a used file's, maybe).
    outer, engine.origin = engine.origin, engine.origin_of(definition)
    try:
        return called(engine, item, definition.body, tensor, field, scope, inner, index)
    finally:
        engine.origin = outer


def called(engine, item, body, tensor, field, scope, inner, index):
    if len(body.items) == 1 and hasattr(body.items[0], "construct"):
        # A block that is one res/cat/repeat is shown as that block, under the call's name.
        row = engine.element(body.items[0], tensor, field, inner, index)
        return row._replace(text=engine.written(item, scope), call=True)
    rows, output, field = engine.sequence(body, tensor, field, inner, f"{index}.")
    return engine.block_result(item, scope, index, KIND, tensor, output, field, children=rows)._replace(call=True)


def torch_branches(row) -> list:
    return [row.children]


def torch_submodules(row, module) -> list:
    return [module]
