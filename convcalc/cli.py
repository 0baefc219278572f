"""The command line: parse options into one Options object, build a report (report.py, as the
Python API does), hand it to a renderer."""

from __future__ import annotations

import functools
import os
import sys

import click

from . import __version__
from .engine import DTYPE_BYTES, MAX_LAYERS
from .errors import SpecError, printable
from .kinds import cheatsheet
from .report import CONVENTION_NAMES, Comparison, Options, Report, build_report
from .sources import example_names, example_summary, network_names, stdin_lines
from .tensor import DEFAULT_INPUT, LAYOUTS, whole_number

CHEATSHEET = """\b
Spec: layers separated by ',' (or '->'), case-insensitive.
""" + "\n".join(cheatsheet()) + """
\b
Examples:
  convcalc -i 3x32x32 "conv3x3s1p1x64,relu,pool2,fc10"
  convcalc resnet50 --depth 1            convcalc examples
  convcalc explain -i 3x227x227 conv11x11s4x96
  convcalc solve -W 63 -K 7 -S 1 -O 63   convcalc compare vgg16 resnet50
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


class Count(click.ParamType):
    """A whole-number option (--batch 32, solve -W 63) in the spec's number syntax: ASCII digits,
    at most as many as a spec number; a bad one is the caret-marked exit 2 of a bad spec."""

    name = "integer"

    def __init__(self, minimum: int):
        self.minimum = minimum

    def convert(self, value, param, ctx):
        if isinstance(value, int):  # a default
            return value
        option = max(param.opts, key=len)
        try:
            number = whole_number(value, 0, len(value), option, f"{option} takes a whole number")
            if number < self.minimum:
                raise SpecError(f"{option} must be at least {self.minimum}, got {number}", value, 0, option)
        except SpecError as error:
            raise ConvcalcError(error) from None
        return number


class ReaderGone(Exception):
    """The reader of stdout went away while a command was writing (convcalc ... | head -1)."""


class SpecFirstGroup(click.Group):
    """``convcalc SPEC ...`` runs the calculator; ``convcalc examples`` etc. are subcommands."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Past click's own handler, which would exit 1: a departed reader is a quiet exit 0.
            raise ReaderGone from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Every failure is one line on stderr and a documented exit status, never a traceback."""
        try:
            if sys.stdout is None:
                # Python sets sys.stdout to None when started with it closed (`convcalc ... >&-`).
                raise OSError(0, "standard output is closed")
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            # Written now, inside the try: a full disk must be an error, not a failure at exit.
            sys.stdout.flush()
        except click.UsageError as error:
            click.echo(f"convcalc: error: {printable(error.format_message())} (see 'convcalc --help')", err=True)
            sys.exit(USAGE_ERROR)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("convcalc: aborted", err=True)
            sys.exit(1)
        except (BrokenPipeError, ReaderGone):
            # The reader went away (convcalc ... | head): nothing left to say.
            discard_stdout()
            sys.exit(0)
        except OSError as error:
            # Stdout closed or full (/dev/full), or an --svg/--html file that could not be written.
            where = f"'{error.filename}'" if error.filename else "the output"
            click.echo(f"convcalc: error: cannot write {printable(where)}: {error.strerror or error}", err=True)
            discard_stdout()
            sys.exit(USAGE_ERROR)
        sys.exit(result if isinstance(result, int) else 0)


def discard_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit cannot fail on what is still buffered."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass  # no descriptor to redirect (closed at start, or a test's in-memory stream)


@click.group(cls=SpecFirstGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """convcalc: a calculator for convolutional networks."""


def analysis_options(command):
    """The options every command that analyses a spec shares, handed to it as one Options object
    (the ``options`` argument)."""

    @functools.wraps(command)
    def with_options(input_text, layout, strict, batch, dtype, max_layers, **rest):
        options = Options(input=input_text, layout=layout, strict=strict, batch=batch, dtype=dtype,
                          max_layers=max_layers)
        return command(options=options, **rest)

    for option in reversed([
        click.option("-i", "--input", "input_text", metavar="SHAPE",
                     help=f"Input shape, C x H x W (e.g. 3x224x224; CxW for 1-D, CxDxHxW for 3-D). Default: the "
                          f"spec file's input line, else {DEFAULT_INPUT}."),
        click.option("--layout", type=click.Choice(LAYOUTS), default="chw", show_default=True,
                     help="Order of --input and printed shapes: chw (PyTorch) or hwc (TensorFlow, Coursera)."),
        click.option("--strict", is_flag=True,
                     help="Treat a layer that does not fit its input evenly as an error (exit 2)."),
        click.option("--batch", type=Count(1), default=1, show_default=True,
                     help="Batch size for memory."),
        click.option("--dtype", type=click.Choice(list(DTYPE_BYTES)), default="float32", show_default=True,
                     help="Bytes per activation value for memory."),
        click.option("--max-layers", type=Count(1), default=MAX_LAYERS, show_default=True,
                     help="Refuse specs that expand (repeats, blocks) to more layers than this."),
    ]):
        with_options = option(with_options)
    return with_options


def prepare(spec: str | None, file: str | None, options: Options) -> Report:
    """Load, parse and analyse into a report; any SpecError becomes the one-line, caret-marked exit 2."""
    if spec is not None and file is not None:
        raise click.UsageError("give the spec as an argument or with -f FILE, not both")
    return reported(lambda: build_report(spec, options, file))


def reported(work):
    """``work()``, with a SpecError shown as the CLI shows errors."""
    try:
        return work()
    except SpecError as error:
        raise ConvcalcError(error) from None


def writable(ctx, param, path: str | None) -> str | None:
    """Refuse a picture path that cannot be written before any work is done (a full disk still
    shows only when writing)."""
    if path is None:
        return None
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        problem = "it is a folder"
    elif not os.path.isdir(folder):
        problem = f"folder '{folder}' does not exist"
    elif not os.access(path if os.path.exists(path) else folder, os.W_OK):
        problem = "permission denied"
    else:
        return path
    raise click.BadParameter(f"cannot write '{path}': {problem}")


FORMATS = ("table", "json", "markdown", "csv")
USAGE_ERROR = 2
# `convcalc solve` found no whole-number solution (the request itself was fine).
NO_SOLUTION = 1


@main.command("run", epilog=CHEATSHEET, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (same as --format json).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output: rich table, JSON, GitHub markdown table, or CSV.")
@click.option("--explain", is_flag=True, help="Add each layer's formulas, in your numbers (table and JSON).")
@click.option("--depth", type=Count(1), default=None,
              help="Table: show blocks only N levels deep (their rows still carry the totals). Default: all.")
@click.option("--svg", "svg_file", metavar="FILE", callback=writable, help="Also save the table as an SVG picture.")
@click.option("--html", "html_file", metavar="FILE", callback=writable, help="Also save the table as an HTML page.")
@click.option("--convention", type=click.Choice(list(CONVENTION_NAMES)), default="torchvision", show_default=True,
              help="How compute is counted (see `convcalc conventions`): torchvision, torchinfo, ptflops, torch.")
@click.option("--flops", is_flag=True, help="Show FLOPs (2 per multiply-add under the convention) instead of MACs.")
@click.option("--bars", type=click.Choice(["params", "macs", "memory"]), default=None,
              help="Table: add a column drawing each row's share of params, MACs or memory as a bar.")
@click.option("-q", "--quiet", is_flag=True, help="Only the result: no caption, notes or warnings under the table, "
                                                    "none on stderr.")
@click.option("--memory", "memory", type=click.Choice(["outputs", "stored", "training"]), default="outputs",
              show_default=True, help="Table memory: every layer's output; layers that store a new tensor (ReLU, "
                                      "dropout in place; cs231n); training = stored + gradients.")
@click.option("--no-color", is_flag=True, help="No colour or styles in the table (NO_COLOR does the same).")
@click.option("--list-examples", is_flag=True, help="List the shipped example networks and exit.")
@click.version_option(__version__, "--version", prog_name="convcalc")
def run(spec, file, options, as_json, output_format, explain, depth, svg_file, html_file, convention, flops, bars,
        quiet, memory, no_color, list_examples):
    """Shapes, receptive fields, parameters, multiply-adds and memory of a CNN, layer by layer.

    SPEC is a layer spec such as "conv3x3s1p1x64,relu,pool2,fc10", a .cnn
    spec file, or the name of a shipped example (see `convcalc examples`).
    Other commands (`convcalc COMMAND --help`): explain, solve, compare,
    conventions, export, examples, schema, quiz, batch. `convcalc SPEC` is `convcalc run SPEC`.
    """
    if list_examples:
        print_examples()
        return
    output_format = "json" if as_json else output_format
    if output_format != "table" and (svg_file or html_file):
        raise click.UsageError(f"--svg and --html save the table; they do not go with {output_format} output")
    report = prepare(spec, file, options.replace(explain=explain, convention=convention))
    if output_format == "json":
        from .render.json_out import render_json

        if report.input_note and not quiet:
            click.echo(f"convcalc: note: {report.input_note}", err=True)
        click.echo(reported(lambda: render_json(report)))
    elif output_format in ("markdown", "csv"):
        from .render.flat import render_csv, render_markdown

        click.echo((render_markdown if output_format == "markdown" else render_csv)(report), nl=False)
    else:
        from .render.table import render_table

        # A layer the convention cannot count is an error before any output.
        compute = reported(lambda: report.compute_column(flops))
        render_table(report, depth, svg_file, html_file, notes=not quiet, warnings=not quiet, color=not no_color,
                     compute=compute, bars=bars, memory=memory)


@main.command("batch")
@analysis_options
@click.option("--convention", type=click.Choice(list(CONVENTION_NAMES)), default="torchvision", show_default=True,
              help="How compute is counted in each document's convention totals.")
@click.option("--jobs", type=Count(1), default=1, show_default=True,
              help="Spread the specs over N processes (the output keeps their order).")
def batch_command(options, convention, jobs):
    """Analyse one spec per line of stdin; write one compact JSON document per line.

    \b
    A line is a spec (text, a .cnn path or an example name) or a JSON object
    {"spec": "...", "input": "3x32x32"}; blank lines are skipped. Each
    document is the one `convcalc --json` prints; a spec that fails gives
    {"error": ..., "line": L, "column": C, "spec": ...} on its line instead,
    and the stream goes on.
    \b
      printf 'resnet18\nconv3p1x64,relu,fc10\n' | convcalc batch -i 3x32x32 | jq .total.params
    """
    import json  # here and in the other JSON commands: a table does not load it (1.5 ms)

    from .api import analyse_many

    def write_all():  # a closed or failing stdin is the one error that ends the stream
        lines = stdin_lines("the specs")
        for document in analyse_many((line.rstrip("\r\n") for line in lines), input=options.input,
                                     layout=options.layout, batch=options.batch, dtype=options.dtype,
                                     convention=convention, strict=options.strict, max_layers=options.max_layers,
                                     jobs=jobs):
            click.echo(json.dumps(document))

    reported(write_all)


@main.command("draw")
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@analysis_options
@click.option("-o", "--output", "output", metavar="FILE", required=True, callback=writable,
              help="Where to write the picture: .svg, or .pdf / .png with cairosvg (pip install 'convcalc[draw]').")
@click.option("--style", type=click.Choice(["auto", "3d", "flat"]), default="auto", show_default=True,
              help="3d: boxes as in the AlexNet figure; flat: 2-D blocks for deep networks; auto: 3d for small plain "
                   "networks.")
@click.option("--depth", type=Count(1), default=None,
              help="Open blocks only N levels deep, the rest folded into one box each (as in the table).")
@click.option("--field", "field_layer", metavar="LAYER",
              help="Draw one output unit's receptive field of row LAYER (5, 4.2.1) over the input instead.")
def draw_command(spec, file, options, output, style, depth, field_layer):
    """Draw the network as a diagram for a paper or slides (SVG; PDF or PNG with cairosvg)."""
    from .render.draw import DrawFailed, render_diagram, write_picture

    report = prepare(spec, file, options)
    analysis, layout = report.analysis, report.layout
    try:
        if field_layer is not None:
            from .render.field_picture import UnknownLayer, render_field_svg

            try:
                svg = render_field_svg(analysis, field_layer, layout)
            except UnknownLayer as error:
                raise DrawFailed(str(error)) from None
        else:
            diagram = render_diagram(analysis, layout, depth, style, title=report.document.label or spec)
            svg = diagram.svg
            for note in diagram.notes:
                click.echo(f"convcalc: note: {note}", err=True)
        write_picture(svg, output)
    except DrawFailed as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        raise OSError(error.errno, error.strerror, output) from None


@main.command("explain")
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@analysis_options
def explain_command(spec, file, options):
    """Walk through a network layer by layer, with every formula in your numbers."""
    from .render.walkthrough import render_walkthrough

    click.echo(render_walkthrough(prepare(spec, file, options.replace(explain=True))))


@main.command("compare")
@click.argument("spec_a")
@click.argument("spec_b")
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--no-color", is_flag=True, help="No colour or styles (NO_COLOR does the same).")
def compare_command(spec_a, spec_b, options, as_json, no_color):
    """Compare two designs' totals side by side, with the ratios B : A.

    Each SPEC is a spec string, a .cnn file or an example name; without -i each
    uses its own input line (or the default).
    """
    from .render.compare import render_compare, render_compare_json

    comparison = Comparison(spec_a, spec_b, prepare(spec_a, None, options), prepare(spec_b, None, options))
    if as_json:
        click.echo(render_compare_json(comparison))
    else:
        render_compare(comparison, color=not no_color)


@main.command("solve")
@click.option("-W", "w", type=Count(0), help="Input size (one axis).")
@click.option("-K", "k", type=Count(0), help="Kernel size.")
@click.option("-S", "s", type=Count(0), help="Stride.")
@click.option("-P", "p", type=Count(0), help="Padding (each side).")
@click.option("-D", "d", type=Count(0), help="Dilation (1 unless it is the unknown).")
@click.option("-O", "o", type=Count(0), help="Output size.")
@click.option("--same", is_flag=True, help="Solve for the padding that keeps the size (output ceil(W/S)), with "
                                           "the exact before/after split.")
@click.option("--ceil", is_flag=True, help="Pooling in ceil mode (PyTorch's rule for the last window).")
@click.option("--transposed", is_flag=True, help="Transposed convolution: O = (W-1)S - 2P + D(K-1) + 1 + OP.")
@click.option("--op", "op", type=Count(0), help="Output padding of a transposed convolution (the unknown if left "
                                                "out with -P, -S, -W and -O given).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def solve_command(w, k, s, p, d, o, same, ceil, transposed, op, as_json):
    """Solve O = floor((W + 2P - D(K-1) - 1)/S) + 1 for the one number left out.

    \b
    convcalc solve -W 63 -K 7 -S 1 -O 63      -> P = 3
    convcalc solve -W 227 -K 11 -P 0 -O 55    -> S = 4
    convcalc solve -K 3 -S 2 -P 1 -O 56       -> W = 111 or 112
    convcalc solve -W 63 -K 7 --same          -> P = 3
    convcalc solve -W 7 -K 5 -S 2 -O 14 --transposed   -> P = 2 with op 1
    convcalc solve -W 5 -K 2 -S 2 -P 1 --ceil -> O = 3 (the 4th window would start in the padding)
    """
    from .render.solution import render_solution, render_solution_json
    from .solve import SolveError, solve

    try:
        known = {"W": w, "K": k, "S": s, "P": p, "D": d, "O": o, **({"OP": op} if op is not None else {})}
        result = solve(known, same, ceil=ceil, transposed=transposed)
    except SolveError as error:
        raise click.UsageError(str(error)) from None
    click.echo(render_solution_json(result) if as_json else render_solution(result))
    if result.reason:
        sys.exit(NO_SOLUTION)


@main.command("export")
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@analysis_options
@click.option("--to", "target", type=click.Choice(["torch"]), default="torch", show_default=True,
              help="What to write: a PyTorch module.")
def export_command(spec, file, options, target):
    """Print a self-contained Python module defining the network as a PyTorch nn.Module.

    `convcalc export resnet50 > m.py && python m.py` prints its parameter count
    and output shape. torch is needed to run the module, not to write it.
    """
    report = prepare(spec, file, options)
    click.echo(reported(report.torch_module), nl=False)


@main.command("conventions")
@click.argument("spec", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the spec from a .cnn file.")
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def conventions_command(spec, file, options, as_json):
    """Total compute under every counting convention, and why each differs from torchvision's.

    Shows, for one network, the totals that torchvision, torchinfo, ptflops and
    torch.utils.flop_counter would report, with the difference from torchvision's
    MACs broken down by cause (bias, norms, activations, pooling, x2 for FLOPs).
    """
    from .render.conventions_table import render_conventions, render_conventions_json

    from .counts import parameter_conventions, parameter_lines

    report = prepare(spec, file, options)
    rows = report.conventions()
    params = parameter_conventions(report.analysis)
    if as_json:
        import json

        document = json.loads(render_conventions_json(rows))
        click.echo(json.dumps({**document, "params": params}, indent=2))
    else:
        click.echo("\n".join([render_conventions(rows), "", *parameter_lines(params)]))


@main.command("quiz")
@click.option("--kind", "kind", type=click.Choice(["output", "params", "same", "rf", "macs", "memory", "any"]),
              default="any", show_default=True, help="What the questions ask for.")
@click.option("--dims", "dims", type=click.Choice(["1", "2", "3", "any"]), default="any", show_default=True,
              help="1-D, 2-D or 3-D inputs.")
@click.option("--network", is_flag=True, help="Ask about a small network (2 to 4 convs, with relu, bn, pool).")
@click.option("--seed", "seed", type=Count(0), default=None, help="Seed: the same seed gives the same questions.")
@click.option("--count", "count", type=Count(1), default=1, show_default=True, help="How many questions (at most 100).")
@click.option("--json", "as_json", is_flag=True, help="List the questions with their answers and explanations "
                                                       "(for worksheets); no answers are read.")
def quiz_command(kind, dims, network, seed, count, as_json):
    """Random exercises (output size, params, padding for 'same', receptive field, MACs, memory).

    Reads one answer a line from stdin; a wrong answer shows the worked explanation.
    A teacher hands out a set with --seed (and its answers with --json).
    """
    import random

    from .quiz import MAX_COUNT, is_right, questions

    if count > MAX_COUNT:
        raise click.UsageError(f"--count takes at most {MAX_COUNT} questions, got {count}")
    if seed is None:
        seed = random.SystemRandom().randrange(10**9)
    drawn = questions(seed, count, None if kind == "any" else kind, None if dims == "any" else int(dims), network)
    if as_json:
        import json

        click.echo(json.dumps({"seed": seed, "questions": [q.to_dict() for q in drawn]}, indent=2))
        return
    right = 0
    # A closed stdin answers nothing, as an empty one does: the first question shows its answer.
    answers = stdin_lines("the answers") if sys.stdin is not None else iter(())
    for question in drawn:
        click.echo(f"Q{question.number}. {question.text}")
        line = reported(lambda: next(answers, ""))
        if not line:
            click.echo(f"(no answer) The answer is {question.answer}.")
            break
        if is_right(question, line):
            right += 1
            click.echo(f"Right: {question.answer}.")
        else:
            click.echo(f"Not quite: you answered {line.strip()[:80]!r}; the answer is {question.answer}. Worked:")
            for explanation in question.explanation:
                click.echo(f"  {explanation}")
    click.echo(f"Score: {right}/{len(drawn)} (seed {seed}: convcalc quiz --seed {seed} gives this set again)")


@main.command("schema")
def schema_command():
    """Print the JSON Schema of `convcalc --json` output."""
    from .render.json_out import json_schema

    click.echo(json_schema())


@main.command("examples")
def examples():
    """List the shipped example networks (run one with `convcalc NAME`)."""
    print_examples()


def print_examples() -> None:
    """The shipped networks by family, each with its input, params and MACs (an analysis each:
    well under a second for all of them)."""
    from .sources import FAMILIES, family_of
    from .tensor import format_dims
    from .units import human_count

    names = network_names()
    width = max(len(n) for n in names)
    order = [family for family, _ in FAMILIES] + ["Other"]
    for family in order:
        members = [name for name in names if family_of(name) == family]
        if members:
            click.echo(family)
        for name in members:
            report = build_report(name, Options())
            total = report.analysis.total
            click.echo(f"  {name:<{width}}  {format_dims(report.analysis.input.dims('chw')):>11}  "
                       f"{total.params:>12,} params  {human_count(total.macs):>7} MACs  {example_summary(name)}")
    libraries = sorted(set(example_names()) - set(names))
    if libraries:
        click.echo(f"block libraries, for 'use NAME' in a spec file: {', '.join(libraries)}")
