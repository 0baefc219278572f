"""Small helpers shared by the tests."""


def walk(rows):
    """Every JSON row, blocks before their contents."""
    for row in rows:
        yield row
        yield from walk(row.get("children", []))
        for branch in row.get("branches", []):
            yield from walk(branch)


def leaves(rows):
    """The JSON rows of single layers, in forward order."""
    return (row for row in walk(rows) if not row.get("children") and not row.get("branches"))


# The PyTorch oracles (export, conventions) build and run each network they check on the CPU,
# seconds each for the large ones. By default they check the networks shipped before issue 12
# and one network per family added since (every block library is used by one of them);
# CONVCALC_TORCH_ALL_NETWORKS=1 checks every shipped network.
TORCH_CHECKED_NETWORKS = frozenset({
    "lenet5", "alexnet", "alexnet2012", "zfnet", "vgg16", "vgg16_bn", "resnet18", "resnet50", "googlenet",
    "densenet121", "squeezenet1_1", "mobilenet_v2", "mnasnet0_5", "regnet_x_400mf", "nin", "dcgan",
    "regnet_y_400mf", "mobilenet_v3_small", "inception_v3", "efficientnet_b0", "shufflenet_v2_x0_5",
    "convnext_tiny", "deeplabv3_mobilenet_v3_large", "unet"})


def torch_checked_networks() -> list[str]:
    import os

    from convcalc.sources import network_names

    names = network_names()
    if os.environ.get("CONVCALC_TORCH_ALL_NETWORKS"):
        return names
    return [name for name in names if name in TORCH_CHECKED_NETWORKS]
