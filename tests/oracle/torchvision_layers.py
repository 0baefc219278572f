"""Per-layer listing of one torchvision network, to help write its convcalc spec.

How to run (same venv as torchvision_reference.py; see the top of that file):

    /work/tv-venv/bin/python tests/oracle/torchvision_layers.py efficientnet_b0
    /work/tv-venv/bin/python tests/oracle/torchvision_layers.py resnet50 --input 3x160x160
    /work/tv-venv/bin/python tests/oracle/torchvision_layers.py fcn_resnet50 --json > fcn.json
    /work/tv-venv/bin/python tests/oracle/torchvision_layers.py unet     # also dcgan, nin,
                                                                        # inception_v4 (timm)

The model is built exactly as in torchvision_reference.py (builder arguments of the DEFAULT
weights, published input size) on the meta device and run once, batch 1, in eval mode.
Forward hooks list, in call order, every leaf module (and every module that holds
parameters of its own, such as ConvNeXt's layer_scale): its path, type, key
hyperparameters, input and output shapes (without the batch dimension), own parameter
count and MACs (torch's FlopCounterMode // 2, attributed to the module). A module called
more than once (torchvision's ResNet reuses one ReLU) is listed at every call; its
parameters are counted at the first call only. Modules that hold parameters but do not run
(Inception-v3's AuxLogits in eval) are named at the end.

Not shown: what happens between modules in forward() code — residual additions,
torch.cat, x * gate, chunk/shuffle, F.interpolate, flatten. Read those in the model's
torchvision source; the totals line says how many MACs fall outside the listed modules
(zero for every torchvision CNN).

The output is only a working aid: it is not committed and no test reads it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torchvision
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torchvision_reference as ref  # noqa: E402


def build(name: str):
    """(build function, C x H x W input) for a torchvision name or one of the others."""
    others = {"unet": (ref.UNet, [1, 572, 572]), "dcgan": (ref.dcgan_generator, [100, 1, 1]),
              "nin": (ref.nin, [1, 224, 224])}
    if name in others:
        return others[name]
    if name == "inception_v4":
        import timm

        return (lambda: timm.create_model("inception_v4", pretrained=False)), [3, 299, 299]
    weights = torchvision.models.get_model_weights(name).DEFAULT
    kwargs = ref.builder_kwargs(name, weights)
    builder = torchvision.models.get_model_builder(name)
    return (lambda: builder(weights=None, **kwargs)), ref.input_size(name, weights)[0]


def on_meta(build_fn) -> nn.Module:
    try:
        with torch.device("meta"):
            return build_fn()
    except Exception:  # RegNet computes its widths with tensors
        with ref.parameters_on_meta():
            return build_fn()


def pair(values) -> str:
    """(3, 3) -> '3', (1, 7) -> '1x7'."""
    values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def hyperparameters(module: nn.Module) -> str:
    """Compact key hyperparameters, close to convcalc's own spelling where it has one."""
    m = module
    if isinstance(m, nn.modules.conv._ConvNd):
        kind = "tconv" if m.transposed else "conv"
        text = f"{kind}{pair(m.kernel_size)} {m.in_channels}->{m.out_channels}"
        if pair(m.stride) != "1":
            text += f" s{pair(m.stride)}"
        if isinstance(m.padding, str):
            text += f" p{m.padding}"
        elif pair(m.padding) != "0":
            text += f" p{pair(m.padding)}"
        if pair(m.dilation) != "1":
            text += f" d{pair(m.dilation)}"
        if m.groups != 1:
            text += " dw" if m.groups == m.in_channels else f" g{m.groups}"
        if m.transposed and pair(m.output_padding) != "0":
            text += f" op{pair(m.output_padding)}"
        return text + ("" if m.bias is not None else " nb")
    if isinstance(m, nn.Linear):
        return f"fc {m.in_features}->{m.out_features}" + ("" if m.bias is not None else " nb")
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        text = f"k{pair(m.kernel_size)} s{pair(m.stride)}"
        if pair(m.padding) != "0":
            text += f" p{pair(m.padding)}"
        return text + (" ceil" if m.ceil_mode else "")
    if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        return f"to {pair(m.output_size)}"
    if isinstance(m, nn.modules.batchnorm._BatchNorm):
        return f"{m.num_features}" + ("" if m.affine else " no affine")
    if isinstance(m, nn.Dropout):
        return f"p={m.p}"
    if any(m.children()):  # listed for its own parameters (ConvNeXt's layer_scale)
        return "own: " + ", ".join(
            f"{n} {'x'.join(map(str, p.shape))}" for n, p in m.named_parameters(recurse=False)
        )
    return m.extra_repr().replace("inplace=True", "").strip(", ")


def shapes(value) -> str:
    if isinstance(value, torch.Tensor):
        return "x".join(map(str, value.shape[1:])) or "scalar"
    if isinstance(value, (tuple, list)):
        return " ".join(shapes(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}:{shapes(v)}" for k, v in value.items())
    return type(value).__name__


def listing(name: str, input_chw: list[int] | None = None) -> dict:
    build_fn, default_input = build(name)
    chw = input_chw or default_input
    model = on_meta(build_fn).eval()

    names = {module: path for path, module in model.named_modules()}
    rows: list[dict] = []
    seen: set[nn.Module] = set()

    def hook(module, inputs, output):
        own = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append({
            "path": names[module] or "(model)",
            "type": type(module).__name__,
            "hyper": hyperparameters(module),
            "input": shapes(inputs),
            "output": shapes(output),
            "params": 0 if module in seen else own,
            "repeat": module in seen,
        })
        seen.add(module)

    handles = [
        module.register_forward_hook(hook)
        for module in model.modules()
        if not any(module.children()) or any(True for _ in module.parameters(recurse=False))
    ]
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        output = model(torch.zeros(1, *chw, device="meta"))
    for handle in handles:
        handle.remove()
    # modules that hold parameters but did not run (Inception-v3's AuxLogits in eval)
    not_called = {
        path: n
        for path, module in model.named_modules()
        if module not in seen and (n := sum(p.numel() for p in module.parameters(recurse=False)))
    }

    counts = counter.get_flop_counts()
    root = type(model).__name__
    modules = dict(model.named_modules())

    def macs_of(path: str) -> int:
        key = root if path == "" else f"{root}.{path}"
        return sum(counts.get(key, {}).values()) // 2

    def own_macs(path: str) -> int:
        """MACs of the module's own code, not of its submodules (summed over its calls)."""
        prefix = f"{path}." if path else ""
        children = modules[path].named_children()
        return macs_of(path) - sum(macs_of(prefix + child) for child, _ in children)

    for row in rows:  # a module's MACs, summed over its calls, go on its first row
        path = "" if row["path"] == "(model)" else row["path"]
        row["macs"] = 0 if row["repeat"] else own_macs(path)
    total_macs = counter.get_total_flops() // 2
    total_params = sum(p.numel() for p in model.parameters())
    return {
        "name": name,
        "input": chw,
        "output": shapes(output),
        "params": total_params,
        "macs": total_macs,
        "listed_params": sum(r["params"] for r in rows),
        "listed_macs": sum(r["macs"] for r in rows),
        "not_called_params": not_called,
        "layers": rows,
    }


def print_table(result: dict) -> None:
    rows = result["layers"]
    width = max(len(r["path"]) for r in rows)
    print(f"{result['name']}  input {'x'.join(map(str, result['input']))}")
    print(f"{'path':<{width}}  {'type':<24} {'hyperparameters':<34} {'input':>14} "
          f"{'output':>14} {'params':>11} {'MACs':>14}")
    for r in rows:
        again = " (again)" if r["repeat"] else ""
        print(f"{r['path']:<{width}}  {r['type']:<24} {r['hyper'][:34]:<34} {r['input']:>14} "
              f"{r['output']:>14} {r['params']:>11,} {r['macs']:>14,}{again}")
    print(f"total: {len(rows)} calls, output {result['output']}, params {result['params']:,} "
          f"(listed {result['listed_params']:,}), MACs {result['macs']:,} "
          f"(listed {result['listed_macs']:,}; outside listed modules "
          f"{result['macs'] - result['listed_macs']:,})")
    if result["not_called_params"]:
        paths = sorted(result["not_called_params"])
        shown = ", ".join(paths[:4]) + (", ..." if len(paths) > 4 else "")
        print(f"not called in this pass but holding {sum(result['not_called_params'].values()):,} "
              f"params: {len(paths)} modules ({shown})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", help="torchvision model name, or unet / dcgan / nin / inception_v4")
    parser.add_argument("--input", help="C x H x W, e.g. 3x224x224 (default: the published one)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    chw = [int(v) for v in args.input.lower().split("x")] if args.input else None
    result = listing(args.name, chw)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
