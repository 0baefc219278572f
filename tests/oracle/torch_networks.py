"""Independent ground truth from PyTorch for classic networks (golden test data).

Run as `python tests/oracle/torch_networks.py` with torch installed (CPU build is enough;
torch is NOT a dependency of convcalc and is not needed to run the test suite).

Each network is written here as a plain nn.Module that follows torchvision's model source
(alexnet.py, vgg.py, resnet.py, googlenet.py, densenet.py) or, for the networks torchvision
does not ship (LeNet-5, the two-GPU AlexNet of 2012, ZFNet), the layer list written in the
comments. A zero tensor of batch 1 is pushed through the model in eval mode and forward
hooks record, for every leaf module:

* MACs in torchvision's convention: for every Conv / ConvTranspose
  Cout * prod(out_spatial) * (Cin / groups) * prod(kernel); for every Linear
  in_features * out_features; nothing for bias, normalization, pooling or activations;
* for every Conv / Linear / Pool leaf (in forward order) its output shape (no batch dim)
  and its own parameter count.

The MAC total is cross-checked against torch.utils.flop_counter.FlopCounterMode
(FLOPs == 2 * MACs), and the parameter totals against torchvision's published numbers.

Totals: params = sum(p.numel()), buffers = running_mean + running_var elements only
(num_batches_tracked excluded), output = final output shape without the batch dim.

Outputs:
  tests/data/valid/networks_torch.toml  one [[case]] per network (totals)
  tests/data/torch_layers.json          per-leaf list per network
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.conv import _ConvNd
from torch.utils.flop_counter import FlopCounterMode
from torch.nn.modules.pooling import (
    _AdaptiveAvgPoolNd,
    _AdaptiveMaxPoolNd,
    _AvgPoolNd,
    _LPPoolNd,
    _MaxPoolNd,
)

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
TOML_OUT = TESTS / "data" / "valid" / "networks_torch.toml"
JSON_OUT = TESTS / "data" / "torch_layers.json"

POOLS = (_MaxPoolNd, _AvgPoolNd, _AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _LPPoolNd)


# --------------------------------------------------------------------------------------
# LeNet-5 (1x32x32): conv5x5->6, tanh, maxpool2, conv5x5->16, tanh, maxpool2,
# fc120, tanh, fc84, tanh, fc10.
# --------------------------------------------------------------------------------------
class LeNet5(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5),
            nn.Tanh(),
            nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.Tanh(),
            nn.MaxPool2d(kernel_size=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120),
            nn.Tanh(),
            nn.Linear(120, 84),
            nn.Tanh(),
            nn.Linear(84, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# --------------------------------------------------------------------------------------
# torchvision AlexNet ("one weird trick" single-tower variant), 3x224x224.
# --------------------------------------------------------------------------------------
class AlexNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# --------------------------------------------------------------------------------------
# AlexNet as in the 2012 paper (two GPU towers folded into one model with groups=2 where
# the towers did not talk to each other), 3x227x227.
# --------------------------------------------------------------------------------------
def paper_lrn() -> nn.LocalResponseNorm:
    # Krizhevsky et al. 2012: n=5, alpha=1e-4, beta=0.75, k=2.
    return nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0)


class AlexNet2012(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4),
            nn.ReLU(inplace=True),
            paper_lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=2),
            nn.ReLU(inplace=True),
            paper_lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(256, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=2),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(p=0.5),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# --------------------------------------------------------------------------------------
# ZFNet (Zeiler & Fergus 2013), 3x224x224: conv7x7 s2 p1 ->96, relu, LRN, maxpool3 s2
# (ceil), conv5x5 s2 ->256, relu, LRN, maxpool3 s2 (ceil), conv3x3 p1 ->384, ->384, ->256,
# maxpool3 s2, fc4096, fc4096, fc1000.
# --------------------------------------------------------------------------------------
class ZFNet(nn.Module):
    def __init__(self, num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=7, stride=2, padding=1),
            nn.ReLU(inplace=True),
            paper_lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            nn.Conv2d(96, 256, kernel_size=5, stride=2),
            nn.ReLU(inplace=True),
            paper_lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            nn.Conv2d(256, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# --------------------------------------------------------------------------------------
# torchvision VGG (configuration "D" = VGG-16), optionally with BatchNorm.
# --------------------------------------------------------------------------------------
VGG16_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
             512, 512, 512, "M"]


def vgg_features(cfg: list, batch_norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features: nn.Module, num_classes: int = 1000,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# --------------------------------------------------------------------------------------
# torchvision ResNet (v1.5: the stride of a bottleneck sits on its 3x3 conv).
# --------------------------------------------------------------------------------------
def conv3x3(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1,
                 downsample: nn.Module | None = None) -> None:
        super().__init__()
        width = planes
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block: type, layers: list[int], num_classes: int = 1000) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

    def _make_layer(self, block: type, planes: int, blocks: int,
                    stride: int = 1) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


# --------------------------------------------------------------------------------------
# torchvision GoogLeNet, aux_logits=False, transform_input=False.
# --------------------------------------------------------------------------------------
class BasicConv2d(nn.Module):
    def __init__(self, cin: int, cout: int, **kwargs) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    def __init__(self, cin: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int) -> None:
        super().__init__()
        self.branch1 = BasicConv2d(cin, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            BasicConv2d(cin, ch3x3red, kernel_size=1),
            BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        # torchvision's "5x5" branch uses a 3x3 kernel (pytorch/vision issue 906).
        self.branch3 = nn.Sequential(
            BasicConv2d(cin, ch5x5red, kernel_size=1),
            BasicConv2d(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            BasicConv2d(cin, pool_proj, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x),
                          self.branch4(x)], 1)


class GoogLeNet(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        self.conv1 = BasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = BasicConv2d(64, 64, kernel_size=1)
        self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        x = self.inception4b(x)
        x = self.inception4c(x)
        x = self.inception4d(x)
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        return self.fc(x)


# --------------------------------------------------------------------------------------
# torchvision DenseNet-BC (DenseNet-121: growth 32, bn_size 4, blocks 6/12/24/16, 64 init).
# --------------------------------------------------------------------------------------
class _DenseLayer(nn.Module):
    def __init__(self, cin: int, growth_rate: int, bn_size: int) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(cin)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(cin, bn_size * growth_rate, kernel_size=1, stride=1,
                               bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3,
                               stride=1, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        concated = torch.cat(features, 1)
        bottleneck = self.conv1(self.relu1(self.norm1(concated)))
        return self.conv2(self.relu2(self.norm2(bottleneck)))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers: int, cin: int, bn_size: int, growth_rate: int) -> None:
        super().__init__()
        for i in range(num_layers):
            self[f"denselayer{i + 1}"] = _DenseLayer(cin + i * growth_rate, growth_rate,
                                                     bn_size)

    def forward(self, init_features: torch.Tensor) -> torch.Tensor:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(cin)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(cin, cout, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    def __init__(self, growth_rate: int = 32, block_config: tuple = (6, 12, 24, 16),
                 num_init_features: int = 64, bn_size: int = 4,
                 num_classes: int = 1000) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3,
                                bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(
                f"denseblock{i + 1}",
                _DenseBlock(num_layers, num_features, bn_size, growth_rate))
            num_features += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}",
                                         _Transition(num_features, num_features // 2))
                num_features //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.features(x)
        out = F.relu(features, inplace=True)
        # Functional pool, as in torchvision: it is not a module, so no per-layer row.
        out = F.adaptive_avg_pool2d(out, (1, 1))
        out = torch.flatten(out, 1)
        return self.classifier(out)


# --------------------------------------------------------------------------------------
# The networks, their inputs, expected parameter totals and the TOML "source" texts.
# --------------------------------------------------------------------------------------
# Hand-computed parameter total for ZFNet (no published torchvision number):
#   conv1 96*3*7*7+96, conv2 256*96*5*5+256, conv3 384*256*9+384, conv4 384*384*9+384,
#   conv5 256*384*9+256, fc 9216*4096+4096, 4096*4096+4096, 4096*1000+1000.
ZFNET_PARAMS = (96 * 3 * 49 + 96) + (256 * 96 * 25 + 256) + (384 * 256 * 9 + 384) \
    + (384 * 384 * 9 + 384) + (256 * 384 * 9 + 256) \
    + (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)

NETWORKS = [
    # name, constructor, input (C, H, W), expected params, human title
    ("lenet5", LeNet5, (1, 32, 32), 61_706, "LeNet-5"),
    ("alexnet", AlexNet, (3, 224, 224), 61_100_840, "torchvision-faithful AlexNet"),
    ("alexnet2012", AlexNet2012, (3, 227, 227), 60_965_224,
     "two-tower (groups=2) AlexNet of the 2012 paper"),
    ("zfnet", ZFNet, (3, 224, 224), ZFNET_PARAMS, "ZFNet"),
    ("vgg16", lambda: VGG(vgg_features(VGG16_CFG, batch_norm=False)), (3, 224, 224),
     138_357_544, "torchvision-faithful VGG-16"),
    ("vgg16_bn", lambda: VGG(vgg_features(VGG16_CFG, batch_norm=True)), (3, 224, 224),
     138_365_992, "torchvision-faithful VGG-16-BN"),
    ("resnet18", lambda: ResNet(BasicBlock, [2, 2, 2, 2]), (3, 224, 224), 11_689_512,
     "torchvision-faithful ResNet-18"),
    ("resnet50", lambda: ResNet(Bottleneck, [3, 4, 6, 3]), (3, 224, 224), 25_557_032,
     "torchvision-faithful ResNet-50"),
    ("googlenet", GoogLeNet, (3, 224, 224), 6_624_904,
     "torchvision-faithful GoogLeNet (aux_logits=False)"),
    ("densenet121", DenseNet, (3, 224, 224), 7_978_856,
     "torchvision-faithful DenseNet-121"),
]


def conv_macs(module: _ConvNd, output: torch.Tensor) -> int:
    out_spatial = math.prod(output.shape[2:])
    kernel = math.prod(module.kernel_size)
    return module.out_channels * out_spatial * (module.in_channels // module.groups) * kernel


def measure(model: nn.Module, input_chw: tuple[int, ...]) -> dict:
    model.eval()
    layers: list[dict] = []
    macs = 0
    handles = []

    def hook(module: nn.Module, _inputs, output: torch.Tensor) -> None:
        nonlocal macs
        if isinstance(module, _ConvNd):  # Conv1d/2d/3d and ConvTranspose*
            macs += conv_macs(module, output)
        elif isinstance(module, nn.Linear):
            macs += module.in_features * module.out_features
        if isinstance(module, (_ConvNd, nn.Linear) + POOLS):
            layers.append({
                "module": type(module).__name__,
                "output": list(output.shape[1:]),
                "params": sum(p.numel() for p in module.parameters(recurse=False)),
            })

    for module in model.modules():
        if not list(module.children()):  # leaf modules only
            handles.append(module.register_forward_hook(hook))

    with torch.no_grad():
        out = model(torch.zeros(1, *input_chw))
    for h in handles:
        h.remove()

    buffers = sum(buf.numel() for name, buf in model.named_buffers()
                  if name.rsplit(".", 1)[-1] in ("running_mean", "running_var"))
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "buffers": buffers,
        "macs": macs,
        "output": list(out.shape[1:]),
        "layers": layers,
    }


def count_flops(model: nn.Module, input_chw: tuple[int, ...]) -> int:
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(1, *input_chw))
    return counter.get_total_flops()


def toml_case(name: str, input_text: str, title: str, result: dict) -> str:
    output = "[" + ", ".join(str(d) for d in result["output"]) + "]"
    return "\n".join([
        "[[case]]",
        f'name = "{name}-torch"',
        f'spec = "{name}"',
        f'input = "{input_text}"',
        f'source = "PyTorch {TORCH_SHORT} forward hooks on a {title} '
        f'(tests/oracle/torch_networks.py)"',
        "[case.expect]",
        f"params = {result['params']}",
        f"buffers = {result['buffers']}",
        f"macs = {result['macs']}",
        f"output = {output}",
        "",
    ])


def layers_json(doc: dict[str, dict]) -> str:
    """JSON with one layer object per line, so diffs stay readable."""
    nets = []
    for name, net in doc.items():
        rows = ",\n".join("   " + json.dumps(row) for row in net["layers"])
        nets.append(f' {json.dumps(name)}: {{"input": {json.dumps(net["input"])}, '
                    f'"layers": [\n{rows}\n  ]}}')
    text = "{\n" + ",\n".join(nets) + "\n}\n"
    assert json.loads(text) == doc
    return text


TORCH_VERSION = torch.__version__.split("+")[0]
TORCH_SHORT = ".".join(TORCH_VERSION.split(".")[:2])


def main() -> int:
    torch.manual_seed(0)
    started = time.perf_counter()
    cases: list[str] = []
    layer_doc: dict[str, dict] = {}
    rows = []
    for name, build, input_chw, expected_params, title in NETWORKS:
        t0 = time.perf_counter()
        model = build()
        result = measure(model, input_chw)
        seconds = time.perf_counter() - t0
        assert result["params"] == expected_params, (name, result["params"], expected_params)
        # Second, independent count: torch's own FLOP counter (conv and mm/addmm only,
        # 2 FLOPs per multiply-add) must agree with the hook-based MAC total.
        assert count_flops(model, input_chw) == 2 * result["macs"], name
        assert sum(row["params"] for row in result["layers"]) <= result["params"], name
        input_text = "x".join(str(d) for d in input_chw)
        cases.append(toml_case(name, input_text, title, result))
        layer_doc[name] = {"input": input_text, "layers": result["layers"]}
        rows.append((name, input_text, result, seconds))

    header = (
        f"# Generated by tests/oracle/torch_networks.py with torch {TORCH_VERSION} (CPU): "
        "PyTorch\n"
        "# forward hooks on independent nn.Module definitions that follow torchvision's "
        "source.\n"
    )
    TOML_OUT.parent.mkdir(parents=True, exist_ok=True)
    TOML_OUT.write_text(header + "\n".join(cases))
    JSON_OUT.write_text(layers_json(layer_doc))

    print(f"{'network':<12} {'input':<10} {'params':>12} {'buffers':>8} {'MACs':>15} "
          f"{'GMACs':>7} {'output':<8} {'leaves':>6} {'sec':>6}")
    for name, input_text, r, seconds in rows:
        print(f"{name:<12} {input_text:<10} {r['params']:>12,} {r['buffers']:>8,} "
              f"{r['macs']:>15,} {r['macs'] / 1e9:>7.3f} {str(r['output']):<8} "
              f"{len(r['layers']):>6} {seconds:>6.2f}")
    print(f"wrote {TOML_OUT.relative_to(TESTS.parent)} and "
          f"{JSON_OUT.relative_to(TESTS.parent)} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
