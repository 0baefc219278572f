"""Reference table of torchvision's 72 CNNs (and four other networks) for convcalc's tests.

How to run (torchvision is NOT a dependency of convcalc; the suite only reads the JSON):

    python3 -m venv /work/tv-venv
    /work/tv-venv/bin/pip install torch==2.14.1 torchvision==0.29.1   # ~5.5 GB, runs on CPU
    /work/tv-venv/bin/pip install --no-deps timm pyyaml huggingface_hub safetensors  # optional
    /work/tv-venv/bin/python tests/oracle/torchvision_reference.py

It writes tests/data/torchvision_networks.json (in the repository, next to this folder) and
prints one line per network; any disagreement with torchvision's published numbers is printed
and makes the exit status 1. Options: `--only NAME [NAME ...]` to run a few networks (the
file is then not written), `--out PATH` to write elsewhere, `--cpu` to build and run every
model on the CPU instead of the meta device (slow: a cross-check; with torch 2.14.1 it gave
the same numbers for all 76 networks in about 8.5 minutes on 2 cores, against about 30 s).

What is recorded, for every network:

* the 72 networks: torchvision's classification models except vit_*, swin_* and maxvit_t
  (listed with torchvision.models.list_models(module=torchvision.models)), plus
  fcn_resnet50, deeplabv3_resnet50, deeplabv3_mobilenet_v3_large and
  lraspp_mobilenet_v3_large;
* each is built with weights=None and the constructor arguments that its builder forces
  when given the DEFAULT weights (see `builder_kwargs`), so the architecture is exactly the
  one the published numbers describe, without downloading anything;
* published numbers: the DEFAULT weights' meta `num_params` and `_ops` (GFLOPS);
* input: the crop size of the DEFAULT weights' transforms (3 x crop x crop); the
  segmentation transforms have no crop, only a resize of the shorter side to 520, so their
  input is taken as 3x520x520 (recorded in `input_source`);
* params = sum of parameter sizes (also split: trainable ones, buffers without
  num_batches_tracked, and the number of num_batches_tracked scalars);
* macs = torch.utils.flop_counter.FlopCounterMode total // 2 for one forward pass, eval
  mode, batch 1, zero input (only convolutions and matrix products are counted by torch:
  bias, norms, activations, pooling, upsampling and elementwise products count 0, which is
  torchvision's convention and convcalc's);
* output shape(s) without the batch dimension; segmentation models return a dict, whose
  "out" entry is `output` and whose other entries are `side_outputs`.

The models are built and run on the meta device (no memory, no arithmetic: fast); RegNet,
whose constructor computes its widths with tensors, is built with its parameters moved to
meta as they are registered (`device` records how each was built and run).

"others" holds four networks torchvision does not ship, each built here or by timm:
U-Net (Ronneberger et al. 2015), the DCGAN generator of PyTorch's DCGAN tutorial, NiN as in
Dive into Deep Learning, and timm's inception_v4 (only if timm imports).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import re
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn
import torchvision
from torch.utils.flop_counter import FlopCounterMode

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "data" / "torchvision_networks.json"

SEGMENTATION = [
    "deeplabv3_mobilenet_v3_large",
    "deeplabv3_resnet50",
    "fcn_resnet50",
    "lraspp_mobilenet_v3_large",
]
SEGMENTATION_INPUT = 520  # SemanticSegmentation(resize_size=520): shorter side -> 520


def network_names() -> list[str]:
    """The 72 CNNs: classifiers minus the transformers, plus four segmentation models."""
    classifiers = [
        name
        for name in torchvision.models.list_models(module=torchvision.models)
        if not (name.startswith("vit_") or name.startswith("swin_") or name == "maxvit_t")
    ]
    return sorted(classifiers + SEGMENTATION)


def builder_kwargs(name: str, weights) -> dict:
    """Constructor arguments that torchvision's builder sets when given `weights`.

    Mirrors the `if weights is not None:` blocks of torchvision/models/*.py: every builder
    sets num_classes = len(categories); inception_v3 and googlenet also set
    transform_input=True (elementwise only: no params, no MACs), aux_logits=True and
    init_weights=False, and googlenet then drops its aux heads again because the caller
    did not ask for them (so aux_logits=False here); segmentation models set
    aux_loss=True (lraspp has no aux head and no such argument).
    """
    kwargs: dict = {"num_classes": len(weights.meta["categories"])}
    if name == "inception_v3":
        kwargs.update(transform_input=True, aux_logits=True, init_weights=False)
    elif name == "googlenet":
        kwargs.update(transform_input=True, aux_logits=False, init_weights=False)
    elif name in SEGMENTATION:
        kwargs["weights_backbone"] = None
        if name != "lraspp_mobilenet_v3_large":
            kwargs["aux_loss"] = True
    return kwargs


def input_size(name: str, weights) -> tuple[list[int], str]:
    """(C, H, W) input and a sentence saying where it comes from."""
    transforms = weights.transforms()
    crop = getattr(transforms, "crop_size", None)
    if crop:
        (size,) = crop
        return [3, size, size], f"{type(transforms).__name__}.crop_size = {list(crop)}"
    resize = list(transforms.resize_size)
    assert name in SEGMENTATION and resize == [SEGMENTATION_INPUT], (name, transforms)
    return (
        [3, SEGMENTATION_INPUT, SEGMENTATION_INPUT],
        f"{type(transforms).__name__} has no crop; resize_size = {resize} resizes the shorter "
        f"side to {SEGMENTATION_INPUT}; a square {SEGMENTATION_INPUT}x{SEGMENTATION_INPUT} "
        "input is used (issue 12)",
    )


# --------------------------------------------------------------------------------------
# Counting


def count_parameters(model: nn.Module) -> dict:
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = 0
    tracked = 0
    for name, buf in model.named_buffers():
        if name.rsplit(".", 1)[-1] == "num_batches_tracked":
            tracked += buf.numel()
        else:
            buffers += buf.numel()
    return {
        "params": params,
        "trainable_params": trainable,
        "buffers": buffers,
        "num_batches_tracked": tracked,
    }


def shape_of(output) -> dict:
    """{"output": [...], "side_outputs": {...}} without the batch dimension."""
    if isinstance(output, torch.Tensor):
        return {"output": list(output.shape[1:]), "side_outputs": {}}
    if isinstance(output, dict):
        shapes = {k: list(v.shape[1:]) for k, v in output.items()}
        main = shapes.pop("out")
        return {"output": main, "side_outputs": shapes}
    raise TypeError(f"unexpected output type {type(output).__name__}")


def run(model: nn.Module, input_chw: list[int], device: str) -> dict:
    """MACs (FlopCounterMode // 2) and output shapes of one eval forward pass, batch 1."""
    model.eval()
    x = torch.zeros(1, *input_chw, device=device)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        output = model(x)
    flops = counter.get_total_flops()
    assert flops % 2 == 0, flops
    return {"macs": flops // 2, **shape_of(output)}


@contextlib.contextmanager
def parameters_on_meta():
    """Every parameter and buffer is moved to meta as its module registers it.

    For constructors that cannot run under `torch.device("meta")` because they compute
    their layout with tensors (RegNet's block widths): the layout tensors stay on the CPU,
    the weights are never initialised for real (the same trick as accelerate's
    init_empty_weights).
    """
    register_parameter = nn.Module.register_parameter
    register_buffer = nn.Module.register_buffer

    def parameter_to_meta(module, name, param):
        if param is not None:
            param = nn.Parameter(param.to("meta"), requires_grad=param.requires_grad)
        register_parameter(module, name, param)

    def buffer_to_meta(module, name, tensor, persistent=True):
        if tensor is not None:
            tensor = tensor.to("meta")
        register_buffer(module, name, tensor, persistent)

    nn.Module.register_parameter = parameter_to_meta
    nn.Module.register_buffer = buffer_to_meta
    try:
        yield
    finally:
        nn.Module.register_parameter = register_parameter
        nn.Module.register_buffer = register_buffer


FORCE_CPU = False  # --cpu: build and run every model on the CPU (slow; to cross-check meta)


def build_and_measure(build, input_chw: list[int]) -> dict:
    """Build with `build()` on the meta device and count; fall back as the model needs.

    Meta tensors have shapes but no data: building and running there costs no memory and
    no arithmetic. A constructor that computes its layout with tensors (RegNet) fails
    under `torch.device("meta")`; it is built with `parameters_on_meta` instead. If the
    forward pass has an op without a meta kernel, the model is built and run on the CPU.
    """
    if FORCE_CPU:
        model = build()
        return {**count_parameters(model), **run(model, input_chw, "cpu"),
                "device": {"build": "cpu", "forward": "cpu"}}
    try:
        with torch.device("meta"):
            model = build()
        built = "meta"
    except Exception as error:
        print(f"    torch.device('meta') fails ({type(error).__name__}: {error}); "
              "building with parameters_on_meta")
        with parameters_on_meta():
            model = build()
        built = "meta (parameters_on_meta)"
    try:
        measured = run(model, input_chw, "meta")
        ran = "meta"
    except Exception as error:
        print(f"    cannot run on meta ({type(error).__name__}: {error}); using the cpu")
        model = build()
        built, ran = "cpu", "cpu"
        measured = run(model, input_chw, "cpu")
    return {**count_parameters(model), **measured, "device": {"build": built, "forward": ran}}


# --------------------------------------------------------------------------------------
# torchvision's 72


def torchvision_entry(name: str) -> dict:
    weights = torchvision.models.get_model_weights(name).DEFAULT
    kwargs = builder_kwargs(name, weights)
    chw, source = input_size(name, weights)
    builder = torchvision.models.get_model_builder(name)
    measured = build_and_measure(lambda: builder(weights=None, **kwargs), chw)
    published_params = weights.meta["num_params"]
    published_gflops = weights.meta["_ops"]
    gflops = round(measured["macs"] / 1e9, 3)
    return {
        "name": name,
        "weights": f"{type(weights).__name__}.{weights.name}",
        "kwargs": dict(kwargs),
        "input": chw,
        "input_source": source,
        "published_num_params": published_params,
        "published_gflops": published_gflops,
        **measured,
        "gflops": gflops,
        "params_match": measured["params"] == published_params,
        "gflops_match": gflops == published_gflops,
    }


# --------------------------------------------------------------------------------------
# Others


def center_crop(x: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    h, w = x.shape[-2:]
    top, left = (h - size[0]) // 2, (w - size[1]) // 2
    return x[..., top : top + size[0], left : left + size[1]]


class UNet(nn.Module):
    """U-Net as in Ronneberger, Fischer, Brox 2015, Fig. 1: 1x572x572 -> 2x388x388.

    Two valid 3x3 convs (bias) + ReLU per level, 2x2 max pools; channels 64..1024; the
    expanding path up-convolves with a 2x2 transposed conv of stride 2 halving the
    channels, concatenates the centre-cropped skip map, then two valid 3x3 convs; a
    final 1x1 conv maps 64 channels to 2 classes. No batch norm, no padding.
    """

    def __init__(self, in_channels: int = 1, classes: int = 2, widths=(64, 128, 256, 512, 1024)):
        super().__init__()

        def double_conv(cin: int, cout: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3), nn.ReLU(inplace=True),
                nn.Conv2d(cout, cout, 3), nn.ReLU(inplace=True),
            )

        self.down = nn.ModuleList()
        cin = in_channels
        for width in widths:
            self.down.append(double_conv(cin, width))
            cin = width
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.up_conv = nn.ModuleList()
        for width in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(cin, width, 2, stride=2))
            self.up_conv.append(double_conv(2 * width, width))
            cin = width
        self.head = nn.Conv2d(cin, classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            if i:
                x = self.pool(x)
            x = block(x)
            skips.append(x)
        skips.pop()  # the bottom level is not a skip
        for up, block in zip(self.up, self.up_conv):
            x = up(x)
            skip = center_crop(skips.pop(), tuple(x.shape[-2:]))
            x = block(torch.cat([skip, x], dim=1))
        return self.head(x)


def dcgan_generator(nz: int = 100, ngf: int = 64, nc: int = 3) -> nn.Sequential:
    """Generator of PyTorch's DCGAN tutorial (beginner/dcgan_faces_tutorial): 100x1x1 -> 3x64x64."""
    return nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False),
        nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
        nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
        nn.Tanh(),
    )


def nin() -> nn.Sequential:
    """Network in Network as in Dive into Deep Learning, section 8.3 (PyTorch): 1x224x224 -> 10."""

    def nin_block(cin: int, cout: int, kernel: int, stride: int, padding: int) -> nn.Sequential:
        return nn.Sequential(
            nn.Conv2d(cin, cout, kernel, stride, padding), nn.ReLU(),
            nn.Conv2d(cout, cout, 1), nn.ReLU(),
            nn.Conv2d(cout, cout, 1), nn.ReLU(),
        )

    return nn.Sequential(
        nin_block(1, 96, 11, 4, 0), nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, 3, 1, 1), nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        nin_block(384, 10, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )


def other_entries() -> list[dict]:
    others = [
        {
            "name": "unet",
            "source": "Ronneberger, Fischer, Brox, U-Net (MICCAI 2015), Fig. 1; built in "
            "tests/oracle/torchvision_reference.py (UNet)",
            "input": [1, 572, 572],
            "build": UNet,
        },
        {
            "name": "dcgan",
            "source": "PyTorch tutorial 'DCGAN Tutorial' (beginner/dcgan_faces_tutorial), "
            "Generator with nz=100, ngf=64, nc=3; built in tests/oracle/torchvision_reference.py",
            "input": [100, 1, 1],
            "build": dcgan_generator,
        },
        {
            "name": "nin",
            "source": "Dive into Deep Learning, 'Network in Network (NiN)' (PyTorch code, "
            "nin_block with in-channels); built in tests/oracle/torchvision_reference.py",
            "input": [1, 224, 224],
            "build": nin,
        },
    ]
    try:
        import timm

        others.append(
            {
                "name": "inception_v4",
                "source": f"timm {timm.__version__}: timm.create_model('inception_v4', "
                "pretrained=False) (Szegedy et al. 2016, Inception-v4)",
                "input": [3, 299, 299],
                "build": lambda: timm.create_model("inception_v4", pretrained=False),
            }
        )
    except Exception as error:  # timm is optional
        print(f"timm not available ({type(error).__name__}: {error}): no inception_v4")
    entries = []
    for other in others:
        start = time.perf_counter()
        measured = build_and_measure(other["build"], other["input"])
        entries.append(
            {
                "name": other["name"],
                "source": other["source"],
                "input": other["input"],
                **measured,
                "gflops": round(measured["macs"] / 1e9, 3),
            }
        )
        e = entries[-1]
        print(
            f"{e['name']:<32} {str(e['input']):<16} params {e['params']:>12,} "
            f"MACs {e['macs']:>16,} out {e['output']} ({time.perf_counter() - start:.1f}s)"
        )
    return entries


# --------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these networks")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    parser.add_argument("--cpu", action="store_true",
                        help="build and run on the CPU instead of meta (slow; a cross-check)")
    args = parser.parse_args(argv)
    global FORCE_CPU
    FORCE_CPU = args.cpu

    names = network_names()
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            parser.error(f"not among the {len(names)} networks: {sorted(unknown)}")
        names = sorted(args.only)
    elif len(names) != 72:
        print(f"warning: {len(names)} networks, not 72", file=sys.stderr)

    begin = time.perf_counter()
    entries = []
    problems = []
    for name in names:
        start = time.perf_counter()
        e = torchvision_entry(name)
        entries.append(e)
        flag = "" if e["params_match"] and e["gflops_match"] else "  MISMATCH"
        print(
            f"{name:<32} {str(e['input']):<16} params {e['params']:>12,} "
            f"(published {e['published_num_params']:>12,}) GFLOPS {e['gflops']:>8.3f} "
            f"(published {e['published_gflops']:>8.3f}) {e['device']['forward']} "
            f"{time.perf_counter() - start:.1f}s{flag}"
        )
        if flag:
            problems.append(name)
    others = [] if args.only else other_entries()
    elapsed = time.perf_counter() - begin
    print(f"{len(entries)} torchvision networks, {len(others)} others, {elapsed:.1f}s")

    if not args.only:
        document = {
            "note": (
                f"Generated by tests/oracle/torchvision_reference.py with torch "
                f"{torch.__version__} and torchvision {torchvision.__version__} on "
                f"{datetime.date.today().isoformat()}. params = sum of parameter sizes; "
                "macs = torch FlopCounterMode total // 2 (eval, batch 1); shapes without "
                "the batch dimension; published_* = DEFAULT weights' meta num_params / _ops."
            ),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "networks": entries,
            "others": others,
        }
        text = json.dumps(document, indent=1)
        # shapes on one line: [3, 224, 224] rather than one number a line
        text = re.sub(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]",
                      lambda m: "[" + ", ".join(re.split(r",\s*", m.group(1))) + "]", text)
        args.out.write_text(text + "\n")
        print(f"wrote {args.out}")
    if problems:
        print(f"published numbers not matched: {problems}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
