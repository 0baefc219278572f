"""The per-process memos (engine.PROCESS_MEMOS: the worked layers, their options, block items filled in,
bare block uses, conventions' counts; geometry.slide, engine.reading) must be
invisible: an analysis gives the same document cold (memos emptied, as in a new process) and warm (after
other analyses filled them with other batches, dtypes, inputs and the fit search's sizes-only
rows), in any order. The numbers themselves are checked against PyTorch and the papers elsewhere;
here one hand-worked case pins the memory convention across batch sizes."""

from __future__ import annotations

import pytest

import convcalc
from convcalc.engine import MEMOS, forget

# Specs that share items at different inputs, batches and dtypes, misfit (so the fit search runs
# its sizes-only engine on the same items) and use block parameters, context kinds and aux heads.
CASES = [
    ("resnet50", {}),
    ("resnet50", {"input": "3x225x225", "batch": 8}),
    ("resnet50", {"input": "3x224x224", "dtype": "float16", "strict": False}),
    ("conv3p1x16,bn,relu,pool2,conv3p1x16,bn,relu,gap,fc10", {"input": "3x32x32"}),
    ("conv3p1x16,bn,relu,pool2,conv3p1x16,bn,relu,gap,fc10", {"input": "3x33x33", "batch": 2}),
    ("conv3p1x16,bn,relu,pool2,conv3p1x16,bn,relu,gap,fc10", {"input": "3x31x47", "layout": "chw"}),
    ("conv3s2p1x8,res(conv3p1x8,bn | id),up2,resize,cat(id | conv1x1x8),conv3psamex4", {"input": "3x17x17"}),
    ("googlenet", {}),
    ("densenet121", {"input": "3x97x97"}),
    # The same layers counted under other conventions (conventions.COUNTED holds one count per
    # convention and built layer).
    ("resnet50", {"convention": "ptflops"}),
    ("googlenet", {"convention": "torchinfo"}),
    ("conv3p1x16,bn,relu,pool2,conv3p1x16,bn,relu,gap,fc10", {"input": "3x32x32", "convention": "torch"}),
    # One block name and its arguments in two specs with different bodies, used with arguments and
    # by its bare name (engine.FILLED, WRITTEN and BARE_CALLS are keyed by the items' ids).
    ("blk(w) = conv3p1x{w}, relu\nblk(8), blk(16)", {"input": "3x8x8"}),
    ("blk(w) = conv1x1x{w}, bn\nblk(8), blk(16)", {"input": "3x8x8"}),
    ("blk = conv1x1x4, bn\nblk, blk", {"input": "3x8x8"}),
    ("blk = conv3p1x4\nblk, blk", {"input": "3x8x8"}),
]


def documents(order):
    return {index: convcalc.analyse(spec, **options).to_dict() for index, (spec, options) in order}


def test_memos_do_not_change_any_document():
    cases = list(enumerate(CASES))
    cold = {}
    for index, (spec, options) in cases:
        forget()
        cold[index] = convcalc.analyse(spec, **options).to_dict()
    forget()
    assert documents(cases) == cold, "warm, in order"
    assert documents(reversed(cases)) == cold, "warm, reversed"
    assert MEMOS, "the analyses filled the memos"


def test_memory_follows_the_batch_whatever_was_worked_out_before():
    # conv3x3p1x64 on 3x32x32: 64*32*32 = 65,536 output values, 4 bytes each (float32).
    for batch in (1, 8, 1, 3):
        row = convcalc.analyse("conv3x3p1x64", input="3x32x32", batch=batch).layers[0]
        assert row.memory_bytes == 65_536 * 4 * batch
    half = convcalc.analyse("conv3x3p1x64", input="3x32x32", dtype="float16").layers[0]
    assert half.memory_bytes == 65_536 * 2


@pytest.mark.parametrize("first_strict", [True, False])
def test_misfit_messages_survive_the_sizes_only_search(first_strict):
    # (224 - 11)/4 + 1 = 54.25: the fit search's sizes-only rows carry no message, the report's must.
    spec = "conv11x11s4x96,relu,conv3s2x8"
    if first_strict:
        with pytest.raises(convcalc.SpecError, match=r"54\.25"):
            convcalc.analyse(spec, input="3x224x224", strict=True)
    document = convcalc.analyse(spec, input="3x224x224").to_dict()
    assert any("54.25" in warning for warning in document["layers"][0]["warnings"])
    assert document["fitting_inputs"]["above"][1] > 224


def test_blocks_used_by_bare_name_keep_their_own_text():
    # The engine makes a Call on the fly for each bare block use; a cache keyed by its id must not
    # hand one block's text to a later one (CPython reuses a freed object's address: with the
    # entry not holding its item, one of these 80 rows came out as another block's).
    names = ["wa", "wb", "wc", "wd"]
    for body in ("conv3p1x{}", "conv3p1x{}, relu"):
        spec = "input 3x8x8\n" + "".join(f"{name} = {body.format(4 * n)}\n" for n, name in enumerate(names, 1))
        report = convcalc.analyse(spec + ",".join(names * 10))
        assert [(row.layer, row.output) for row in report.layers] == \
            [(name, (4 * n, 8, 8)) for name, n in zip(names * 10, [1, 2, 3, 4] * 10)]
