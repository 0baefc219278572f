"""Every conv, linear and pooling layer of the shipped examples against PyTorch.

tests/data/torch_layers.json was written by tests/oracle/torch_networks.py: forward
hooks on independent PyTorch definitions of the networks (torch 2.13, CPU), in
forward order. Global/adaptive pools are left out of the comparison because
torchvision's DenseNet pools with a function call that no hook sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import leaves

TORCH_LAYERS = json.loads((Path(__file__).parent / "data" / "torch_layers.json").read_text())
TORCH_MODULES = {"Conv2d": "conv", "Linear": "fc", "MaxPool2d": "pool", "AvgPool2d": "pool"}
CONVCALC_KINDS = {"conv": "conv", "dw": "conv", "fc": "fc", "linear": "fc", "pool": "pool", "maxpool": "pool",
                  "avgpool": "pool"}


@pytest.mark.parametrize("network", sorted(TORCH_LAYERS))
def test_layers_match_pytorch(network, run_json):
    truth = [layer for layer in TORCH_LAYERS[network]["layers"] if layer["module"] in TORCH_MODULES]
    document = run_json("-i", TORCH_LAYERS[network]["input"], network)
    ours = [row for row in leaves(document["layers"]) if row["kind"] in CONVCALC_KINDS]
    assert len(ours) == len(truth)
    for number, (row, layer) in enumerate(zip(ours, truth), 1):
        where = f"{network} layer {number}: {row['layer']} vs {layer['module']}"
        assert CONVCALC_KINDS[row["kind"]] == TORCH_MODULES[layer["module"]], where
        assert row["output"] == layer["output"], where
        assert row["params"] == layer["params"], where
