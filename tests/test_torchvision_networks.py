"""The shipped networks against torchvision's own numbers (issue 12).

tests/data/torchvision_networks.json was written from torchvision itself by
tests/oracle/torchvision_reference.py (published num_params and GFLOPS, the input of the
default weights, exact MACs = torch's FlopCounterMode // 2, the output shape); its
"others" (U-Net, DCGAN, NiN, inception_v4) come from PyTorch builds of their sources.
One case per table entry (U-Net's among the "others"): a shipped network must equal it
exactly, its inference-time side outputs included; an entry that no shipped file covers
yet is skipped as "not expressible yet", so the remaining work shows in every run
(pytest -rs lists them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convcalc.sources import network_names

TABLE = json.loads((Path(__file__).parent / "data" / "torchvision_networks.json").read_text())
ENTRIES = {entry["name"]: entry for entry in TABLE["networks"] + TABLE["others"]}
# convcalc's own examples of networks that torchvision does not build: no table entry.
OWN_EXAMPLES = {"lenet5", "alexnet2012", "zfnet"}
SHIPPED = set(network_names())


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_shipped_network_equals_torchvision(name, run_json):
    if name not in SHIPPED:
        pytest.skip(f"{name}: not expressible yet")
    entry = ENTRIES[name]
    document = run_json(name)
    total = document["total"]
    assert document["input"] == entry["input"], "the file's input line is the published input"
    assert total["params"] == entry.get("published_num_params", entry["params"])
    assert total["macs"] == entry["macs"]
    assert round(total["macs"] / 1e9, 3) == entry.get("published_gflops", entry["gflops"])
    assert total["output"] == entry["output"]
    # heads that run at inference (the segmentation networks' aux FCNHead, a side(...)) are the
    # model's other outputs; training-only heads (Inception-v3's aux(...)) are not
    side_outputs = [head["output"] for head in document.get("outputs", []) if not head.get("training_only")]
    assert side_outputs == list(entry.get("side_outputs", {}).values())


def test_every_shipped_network_has_a_table_entry():
    assert sorted(SHIPPED - set(ENTRIES) - OWN_EXAMPLES) == []
