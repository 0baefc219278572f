"""Layer names learners bring from Keras and PyTorch (MaxPooling2D, BatchNorm2d, Conv2DTranspose),
answered with the convcalc item to write instead: one table, read by the parser (names with a
``1d``/``2d``/``3d`` suffix) and by the engine (unknown bare names)."""

from __future__ import annotations

import re

# Keras / PyTorch class name (lower case, the 1d/2d/3d suffix removed) -> (their name, the convcalc item).
FOREIGN = {
    "conv": ("Conv2D / Conv2d", "conv3x3x64 (kernel 3x3, 64 filters; the input's rank sets 1-D, 2-D or 3-D)"),
    "convtranspose": ("Conv2DTranspose / ConvTranspose2d", "tconv4x4s2p1x64"),
    "maxpooling": ("MaxPooling2D", "maxpool2"),
    "maxpool": ("MaxPool2d", "maxpool2"),
    "averagepooling": ("AveragePooling2D", "avgpool2"),
    "avgpool": ("AvgPool2d", "avgpool2"),
    "globalaveragepooling": ("GlobalAveragePooling2D", "gap"),
    "globalavgpool": ("GlobalAvgPool2D", "gap"),
    "globalmaxpooling": ("GlobalMaxPooling2D", "gmp"),
    "globalmaxpool": ("GlobalMaxPool2D", "gmp"),
    "adaptiveavgpool": ("AdaptiveAvgPool2d", "aap1"),
    "batchnorm": ("BatchNorm2d", "bn"),
    "batchnormalization": ("BatchNormalization", "bn"),
    "zeropadding": ("ZeroPadding2D", "pad1"),
    "dropout": ("Dropout2d", "dropout"),
    "spatialdropout": ("SpatialDropout2D", "dropout"),
    "depthwiseconv": ("DepthwiseConv2D", "dw3x3p1"),
    "separableconv": ("SeparableConv2D", "dw3x3p1,conv1x1x64"),
    "leakyrelu": ("LeakyReLU", "lrelu"),
    "relu": ("ReLU", "relu"),
    "globalaveragepool": ("GlobalAveragePool", "gap"),
}
# A class name with its dimension suffix: maxpooling2d, conv2dtranspose, batchnorm1d.
SUFFIXED = re.compile(r"([a-z]+?)([123])d([a-z]*)(?![0-9])", re.IGNORECASE)


def suffixed_name(text: str, pos: int = 0) -> tuple[str, str] | None:
    """``maxpooling2d`` at ``pos`` in ``text`` -> (the name as written, the message); else None.
    Not when a number follows: ``conv2d3x3`` reads as kernel 2 + dilation 3x3 (noted on its row).
    Matched in place: the parser asks at every layer of a long spec, and a slice would copy the rest."""
    match = SUFFIXED.match(text, pos)
    if not match:
        return None
    base = (match.group(1) + match.group(3)).lower()
    if base not in FOREIGN:
        return None
    return match.group(0), message(match.group(0), base)


def bare_name(name: str) -> str | None:
    """The message for an unknown bare name that is a Keras / PyTorch class (maxpooling, leakyrelu)."""
    return message(name, name.lower()) if name.lower() in FOREIGN else None


def message(written: str, base: str) -> str:
    theirs, item = FOREIGN[base]
    return f"'{written}' is the Keras / PyTorch layer {theirs}: in convcalc write {item}"
