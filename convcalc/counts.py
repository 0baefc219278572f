"""The numbers courses ask for, printed rather than derived: activations (element counts), weight
vs bias counts, the model's size in bytes, activation memory by three conventions, and Keras's
parameter totals (``model.summary()``) beside PyTorch's.

Pure functions over the engine's rows; the JSON and table renderers print them.
"""

from __future__ import annotations

from .engine import DTYPE_BYTES, Analysis, Row

# Memory conventions: what "activation memory" counts.
MEMORY_MODES = {
    "outputs": "every layer's output (forward pass, nothing freed)",
    "stored": "layers that store a new tensor: ReLU and dropout work in place (cs231n's count)",
    "training": "stored activations + their gradients (2 x stored: forward and backward, cs231n)",
}
# Layers that overwrite their input (nn.ReLU(inplace=True), dropout) and identities: no new tensor.
IN_PLACE = frozenset({"relu", "relu6", "lrelu", "dropout", "drop", "id", "sd", "droppath"})
# Layers whose window is the whole input: their receptive field is "the whole input".
WHOLE_INPUT = frozenset({"fc", "linear", "dense", "gap", "gmp"})


def activations(row: Row) -> int:
    """Elements of the row's output, per sample (cs231n's "activations")."""
    return row.output.elements


def stored_activations(row: Row) -> int:
    """Elements the row stores as a new tensor (0 for an in-place layer); a block sums its layers."""
    if row.is_block:
        return sum(layer_stored(leaf, leaf.output.elements) for leaf in row.leaves())
    return layer_stored(row, row.output.elements)


def layer_stored(layer: Row, elements: int) -> int:
    """stored_activations of a layer row whose output holds ``elements``."""
    return 0 if layer.kind in IN_PLACE else elements


def biases(row: Row) -> int:
    """Bias values: a conv / fc bias vector, a norm's shift (beta); a block sums its layers."""
    if row.is_block:
        return sum(layer_biases(leaf) for leaf in row.leaves())
    return layer_biases(row)


def layer_biases(layer: Row) -> int:
    """biases of a layer row."""
    built = layer.layer
    if getattr(built, "bias", None) is True:
        return layer.output.channels
    if getattr(built, "affine", False):
        return layer.params // 2
    return 0


def weights(row: Row) -> int:
    """Parameters that are not biases: kernels, fc matrices, a norm's scale (gamma)."""
    return row.params - biases(row)


def whole_input(row: Row) -> bool:
    """fc and global pooling see every input position."""
    return not row.is_block and row.kind in WHOLE_INPUT


def memory(analysis: Analysis, mode: str, leaves: list[Row] | None = None) -> int:
    """Activation bytes for the whole network under a memory convention (batch and dtype included)."""
    leaves = analysis.leaves() if leaves is None else leaves
    elements = [leaf.output.elements for leaf in leaves]
    stored = sum(map(layer_stored, leaves, elements)) if mode != "outputs" else 0
    return memory_bytes(analysis, mode, sum(elements), stored)


def memory_bytes(analysis: Analysis, mode: str, outputs: int, stored: int) -> int:
    """The bytes of ``mode`` (MEMORY_MODES) for layers that output ``outputs`` elements and store ``stored``."""
    per_value = analysis.batch * DTYPE_BYTES[analysis.dtype]
    return per_value * (outputs if mode == "outputs" else stored if mode == "stored" else 2 * stored)


def totals(analysis: Analysis) -> dict:
    """Network totals of the course numbers (JSON ``total`` keys)."""
    leaves = analysis.leaves()
    total = analysis.total
    size = DTYPE_BYTES[analysis.dtype]
    elements = [leaf.output.elements for leaf in leaves]
    outputs = sum(elements)
    stored = sum(map(layer_stored, leaves, elements))
    bias_count = sum(map(layer_biases, leaves))
    return {
        "activations": outputs,
        "stored_activations": stored,
        "weights": sum(leaf.params for leaf in leaves) - bias_count,  # weights() of every leaf
        "biases": bias_count,
        # The parameters at --dtype (VGG16 float32: 138,357,544 x 4 = 553,430,176 bytes).
        "params_bytes": total.params * size,
        "memory": {mode: memory_bytes(analysis, mode, outputs, stored) for mode in MEMORY_MODES},
        # Keras's model.summary(): BatchNorm's moving mean and variance are non-trainable params.
        "keras": {"trainable_params": total.params, "non_trainable_params": total.buffers,
                  "total_params": total.params + total.buffers},
    }


def keras_shape(dims: tuple[int, ...], layout: str) -> tuple[int, ...] | None:
    """Keras's shape of a global pooling output under hwc: (C,), not 1 x 1 x C."""
    if layout == "hwc" and len(dims) > 1 and all(d == 1 for d in dims[:-1]):
        return (dims[-1],)
    return None


def parameter_conventions(analysis: Analysis) -> dict:
    """What PyTorch and Keras print as the parameter count (``convcalc conventions``)."""
    total = analysis.total
    return {
        "pytorch": {"parameters": total.params, "buffers": total.buffers,
                    "rule": "sum(p.numel() for p in model.parameters()); BatchNorm running mean/var are buffers "
                            "(model.buffers(), plus one num_batches_tracked counter per BatchNorm)"},
        "keras": {"trainable_params": total.params, "non_trainable_params": total.buffers,
                  "total_params": total.params + total.buffers,
                  "rule": "model.summary(): Total params = trainable + non-trainable; BatchNormalization's moving "
                          "mean and variance are non-trainable params"},
    }


def parameter_lines(conventions: dict) -> list[str]:
    torch, keras = conventions["pytorch"], conventions["keras"]
    return [f"parameters   PyTorch parameters() {torch['parameters']:,} (+ {torch['buffers']:,} buffer values); "
            f"Keras model.summary() Total params {keras['total_params']:,} = {keras['trainable_params']:,} "
            f"trainable + {keras['non_trainable_params']:,} non-trainable",
            f"pytorch: {torch['rule']}", f"keras: {keras['rule']}"]
