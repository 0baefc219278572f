"""The command line: parse options, call the parser and engine, hand the result to a renderer."""

from __future__ import annotations

import sys

import click

from . import __version__
from .engine import DTYPE_BYTES, Settings, analyse
from .errors import SpecError
from .sources import example_names, example_summary, input_tensor, load_document
from .tensor import DEFAULT_INPUT, LAYOUTS

CHEATSHEET = """\b
Spec: layers separated by ',' (or '->'), case-insensitive.
  conv3x3s1p1x64   conv, kernel 3x3, stride 1, padding 1, 64 filters
  conv5x5x6        kernel 5x5, 6 filters (s=1, p=0, same channels if no x)
  conv7s2psamex64  'same' padding (TensorFlow), also pvalid, pfull
  conv1x7p0x3x192  per-axis kernel/padding; d2 dilation, g2 groups, nb no bias
  dw3x3s2p1        depthwise conv      tconv4x4s2p1x64  transposed conv (op1)
  pool2            max pool 2x2 s2     maxpool3s2p1ceil / avgpool2
  gap, gmp         global pooling      aap6x6           adaptive avg pool
  fc4096, linear10 fully connected     flatten, id, pad2
  bn ln gn32 in lrn                    relu relu6 lrelu gelu silu sigmoid tanh softmax
  dropout0.5
\b
Examples:
  convcalc -i 3x32x32 "conv3x3s1p1x64,relu,pool2,fc10"
  convcalc -i 227x227x3 --layout hwc "conv11x11s4x96"
  convcalc -i 3x224x224 --json "conv7s2p3x64,bn,relu,maxpool3s2p1"
"""


class ConvcalcError(click.ClickException):
    """A SpecError shown as one line plus the echoed text with a caret; exit status 2."""

    exit_code = 2

    def __init__(self, error: SpecError):
        super().__init__(error.message)
        self.error = error

    def show(self, file=None) -> None:
        click.echo(f"convcalc: {self.error.render()}", err=True)


class SpecFirstGroup(click.Group):
    """``convcalc SPEC ...`` runs the calculator; ``convcalc examples`` etc. are subcommands."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=SpecFirstGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """convcalc: a calculator for convolutional networks."""


@main.command("run", epilog=CHEATSHEET, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@click.option("-i", "--input", "input_text", metavar="SHAPE",
              help=f"Input shape, C x H x W (e.g. 3x224x224; CxW for 1-D, CxDxHxW for 3-D). Default: the spec "
                   f"file's input line, else {DEFAULT_INPUT}.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="chw", show_default=True,
              help="Order of --input and printed shapes: chw (PyTorch) or hwc (TensorFlow, Coursera).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of a table.")
@click.option("--strict", is_flag=True, help="Treat a layer that does not fit its input evenly as an error (exit 2).")
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="Table: show blocks only N levels deep (their rows still carry the totals). Default: all.")
@click.option("--batch", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size for memory.")
@click.option("--dtype", type=click.Choice(list(DTYPE_BYTES)), default="float32", show_default=True,
              help="Bytes per activation value for memory.")
@click.option("--list-examples", is_flag=True, help="List the shipped example networks and exit.")
@click.version_option(__version__, "--version", prog_name="convcalc")
def run(spec, file, input_text, layout, as_json, strict, depth, batch, dtype, list_examples):
    """Shapes, receptive fields, parameters, multiply-adds and memory of a CNN, layer by layer.

    SPEC is a layer spec such as "conv3x3s1p1x64,relu,pool2,fc10", a .cnn
    spec file, or the name of a shipped example (see `convcalc examples`).
    """
    if list_examples:
        print_examples()
        return
    try:
        document = load_document(spec, file, sys.stdin.read() if spec == "-" else None)
        start = input_tensor(document, input_text, layout)
        analysis = analyse(document, start.tensor, Settings(batch=batch, dtype=dtype, strict=strict))
    except SpecError as error:
        raise ConvcalcError(error) from None
    notes = [start.note] if start.note else []
    if as_json:
        from .render.json_out import render_json

        for note in notes:
            click.echo(f"convcalc: note: {note}", err=True)
        click.echo(render_json(analysis, layout, notes))
    else:
        from .render.table import render_table

        render_table(analysis, layout, notes, depth)


@main.command("examples")
def examples():
    """List the shipped example networks (run one with `convcalc NAME`)."""
    print_examples()


def print_examples() -> None:
    names = example_names()
    width = max(len(n) for n in names)
    for name in names:
        click.echo(f"{name:<{width}}  {example_summary(name)}")
