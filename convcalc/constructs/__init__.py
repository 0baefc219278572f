"""The table of block constructs: each module owns one construct; this joins them.

A construct module declares (the same names in every module):

- ``KIND``: the row kind it makes (``row.kind``, JSON ``kind``);
- ``BRANCHES``: True when it is written ``name(a | b | ...)``; the parser reads such names from
  ``BRANCH_CONSTRUCTS`` and calls ``check_branches(branches, fail)``, where the construct checks
  its own arity (``ONE_HEAD = True``: one head, no ``|``, as side and aux; the parser's stray-``|``
  message leaves it out). Repeats ``[...]*N`` and block uses ``name(1, 2)`` have fixed forms in the grammar;
- ``run(engine, item, tensor, field, scope, index) -> Row``: how its branches combine shapes,
  receptive fields (``base.merge_fields``) and counts (``engine.block_result`` sums what each row
  adds, ``engine.counted_sums``: an aux row only its params), with its explain lines; ``engine`` is the
  walker (``sequence``, ``fail``, ``number``, ``block_result``, ``branch_scope``: the scope for a
  branch construct's branches, recording its input for a bare ``resize``);
- ``TORCH_CLASS`` / ``TORCH_HELPER``: the exporter's module class and its source (None and ""
  for a plain ``nn.Sequential``); ``torch_branches(row)``: the row lists written as that class's
  ``nn.Sequential`` arguments; ``torch_submodules(row, module)``: the same parts found again in
  the built PyTorch module (the property tests pair rows with modules through it).

Construct modules import nothing from the parser, the engine or the kinds (the parser imports
this table), only ``base``.
"""

from __future__ import annotations

from . import aux, call, cat, mul, repeat, res, side, split

CONSTRUCTS = {module.KIND: module for module in (repeat, res, cat, mul, split, side, aux, call)}
# Constructs written name(a | b | ...), by name.
BRANCH_CONSTRUCTS = {kind: module for kind, module in CONSTRUCTS.items() if module.BRANCHES}


def listed(words, conjunction: str) -> str:
    """``a, b or c``."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


__all__ = ["BRANCH_CONSTRUCTS", "CONSTRUCTS", "listed"]
