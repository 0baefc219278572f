"""The PyTorch export as text (no torch needed) and, when torch is installed, as a module."""

from __future__ import annotations

import pytest


def test_same_max_pool_beyond_half_the_kernel_pads_explicitly(run_cli):
    # 'same' for a 3-wide window dilated by 2 on 5: total padding 2*(3-1) = 4, so 2 a side,
    # more than PyTorch's MaxPool1d allows (3 // 2 = 1): the export must pad with -inf first.
    # (Found by tests/test_torch_property.py: the module used to fail in PyTorch.)
    code = run_cli("export", "-i", "1x5", "maxpool3s1d2psame").stdout
    assert 'nn.ConstantPad1d((2, 2), float("-inf"))' in code
    assert "padding=(0,)" in code
    torch = pytest.importorskip("torch", reason="needs PyTorch to run the module")
    namespace = {"__name__": "exported"}
    exec(code, namespace)
    assert tuple(namespace["Net"]()(torch.zeros(1, 1, 5)).shape) == (1, 1, 5)


def test_asymmetric_same_average_pool_has_no_twin(run_cli):
    result = run_cli("export", "-i", "1x8x8", "avgpool2s2psame,conv3")
    assert result.exit_code == 0  # 8 = 4*2: symmetric, zero padding, exportable
    result = run_cli("export", "-i", "1x7x7", "avgpool2s2psame")
    assert result.exit_code == 2 and "has no PyTorch twin" in result.stderr


def test_export_names_block_classes_and_shapes(run_cli):
    code = run_cli("export", "resnet18").stdout
    assert "class Basic_64(nn.Sequential):" in code and "class Down_128(nn.Sequential):" in code
    assert "# conv7x7s2p3x64nb -> 64x112x112" in code
