"""Where a spec comes from: a string, a ``.cnn`` file, a shipped example, or stdin."""

from __future__ import annotations

import functools
import io
import os
import sys

from .errors import SpecError
from .records import Record
from .syntax import MAX_SPEC_CHARS, Document, parse_document
from .tensor import DEFAULT_INPUT, Tensor, parse_input

EXTENSION = ".cnn"
# Installed as package data beside this module (importlib.resources would cost
# start-up time for no gain: convcalc is never imported from a zip);
# os.path rather than pathlib, which costs start-up time.
EXAMPLES = os.path.join(os.path.dirname(__file__), "examples")


def example_names() -> list[str]:
    return list(shipped_names())


@functools.lru_cache(maxsize=None)
def shipped_names() -> tuple[str, ...]:
    """Listed once a process: ``convcalc batch`` asks for every line (60 us a listing)."""
    return tuple(sorted(name[: -len(EXTENSION)] for name in os.listdir(EXAMPLES) if name.endswith(EXTENSION)))


@functools.lru_cache(maxsize=None)
def shipped_document(name: str) -> Document:
    """A shipped example, parsed once a process (documents are never changed after parsing):
    a batch of ResNet-50 variants would otherwise parse its file on every line."""
    return load_file(example_text(name), f"{name}{EXTENSION}", os.path.join(EXAMPLES, f"{name}{EXTENSION}"))


def example_text(name: str) -> str:
    return read_text(os.path.join(EXAMPLES, f"{name}{EXTENSION}"))


def read_text(path: str) -> str:
    with open(path, "rb") as handle:
        return bounded_text(handle)


def bounded_text(binary) -> str:
    """UTF-8 text (a leading BOM skipped), at most one character past the spec limit: enough for
    the parser to refuse it, while `-f /dev/zero` or a huge file costs no more than the limit."""
    reader = io.TextIOWrapper(binary, encoding="utf-8-sig")
    try:
        return reader.read(MAX_SPEC_CHARS + 1)
    finally:
        reader.detach()  # the caller owns the stream (stdin must stay open for click)


def read_stdin() -> str:
    buffer = stdin_buffer("the spec")
    try:
        return bounded_text(buffer)
    except (OSError, UnicodeDecodeError) as error:
        raise stdin_failure("the spec", reason(error)) from None


def stdin_lines(what: str):
    """stdin's lines as UTF-8 text (``convcalc batch``, ``quiz``), read as they come: a byte that is
    not UTF-8 reads as U+FFFD, which the parser refuses at its column, and the stream goes on."""
    return lines_of(io.TextIOWrapper(stdin_buffer(what), encoding="utf-8-sig", errors="replace"), what)


def stdin_buffer(what: str):
    # Python sets sys.stdin to None when it starts with the descriptor closed (`convcalc - <&-`).
    if sys.stdin is None:
        raise stdin_failure(what, "it is closed")
    return sys.stdin.buffer


def stdin_failure(what: str, why: str) -> SpecError:
    return SpecError(f"cannot read {what} from stdin: {why}", "-", 0)


def lines_of(reader, what: str):
    try:
        yield from reader
    except OSError as error:
        raise stdin_failure(what, reason(error)) from None
    finally:
        if not reader.closed:  # a quiz stops early; its stream may be closed by then
            reader.detach()  # the caller owns the stream


def reason(error: OSError | UnicodeDecodeError) -> str:
    return getattr(error, "strerror", None) or str(error)


def example_summary(name: str) -> str:
    """The first comment line of an example: what network it is and where it comes from."""
    for line in example_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def read_file(path: str, shown_as: str) -> str:
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read spec file '{path}': {reason(error)}", shown_as, 0) from None
    except ValueError:  # open() refuses a NUL byte (a batch line can hold one; an argument cannot)
        raise SpecError(f"cannot read spec file '{path}': a path cannot hold a NUL character", shown_as,
                        path.index("\0")) from None


def is_path(text: str) -> bool:
    """A file is named by its extension or a path separator (before any comment), never by
    what the current directory happens to hold: `vgg16` is the shipped network everywhere."""
    code = text.split("#")[0]
    return text.endswith(EXTENSION) or any(sep and sep in code for sep in (os.sep, os.altsep))


def is_library(name: str) -> bool:
    """A shipped file with blocks but no layers: it exists to be used (``use NAME``), not run."""
    return not parse_document(example_text(name), library=True).network.items


# `convcalc examples` groups the shipped networks by family: a name joins the first family one
# of whose prefixes it starts with (torchvision's names; convcalc's own under "Classic").
FAMILIES = (
    ("Classic", ("lenet5", "alexnet", "zfnet", "nin", "dcgan", "unet")),
    ("VGG", ("vgg",)),
    ("ResNet, ResNeXt, Wide ResNet", ("resnet", "resnext", "wide_resnet")),
    ("DenseNet", ("densenet",)),
    ("Inception", ("googlenet", "inception")),
    ("SqueezeNet", ("squeezenet",)),
    ("MobileNet, MnasNet", ("mobilenet", "mnasnet")),
    ("EfficientNet", ("efficientnet",)),
    ("RegNet", ("regnet",)),
    ("ShuffleNet", ("shufflenet",)),
    ("ConvNeXt", ("convnext",)),
    ("Segmentation", ("fcn", "deeplab", "lraspp")),
)


def family_of(name: str) -> str:
    return next((family for family, prefixes in FAMILIES if name.startswith(prefixes)), "Other")


def network_names() -> list[str]:
    """The shipped networks: every example but the block libraries."""
    return [name for name in example_names() if not is_library(name)]


def load_document(spec: str | None, file: str | None) -> Document:
    """The parsed spec from whichever source the user named, with the blocks it uses."""
    if file is not None:
        return load_file(read_file(file, file), file, file)
    if spec is None:
        raise SpecError("no spec given: pass a spec string, a .cnn file, -f FILE or an example name", "", 0)
    if spec == "-":
        return with_uses(parse_document(read_stdin(), label="<stdin>"), ".", ())
    if is_path(spec):
        return load_file(read_file(spec, spec), spec, spec)
    name = spec.strip().lower()
    if name in shipped_names():
        return shipped_document(name)
    return with_uses(parse_document(spec), ".", ())


def load_file(text: str, label: str, path: str) -> Document:
    document = parse_document(text, label=label)
    return with_uses(document, os.path.dirname(path), ((os.path.realpath(path), label),))


def with_uses(document: Document, base: str, chain: tuple) -> Document:
    """The document with the blocks of every file it uses, and those files use, beside its own.

    ``base`` is the folder a relative ``use`` path starts from; ``chain`` the (real path,
    label) of the files being read, outermost first, to catch a cycle. A block name defined
    both here and in a used file, or in two different used files, is an error.
    """
    if not document.uses:
        return document
    imported: dict = {}
    for use in document.uses:
        def fail(message: str) -> SpecError:
            return SpecError(message, document.source, use.pos, document.label)

        path, label = used_path(use.name, base, fail)
        key = os.path.realpath(path)
        if key in (seen for seen, _ in chain):
            cycle = [shown for _, shown in chain[[seen for seen, _ in chain].index(key):]] + [label]
            raise fail(f"'use {use.name}' makes a cycle: {' -> '.join(cycle)}")
        try:
            text = read_text(path)
        except (OSError, UnicodeDecodeError) as error:
            raise fail(f"cannot use '{use.name}': {reason(error)}") from None
        used = with_uses(parse_document(text, label, library=True), os.path.dirname(path), chain + ((key, label),))
        for name, definition in used.definitions.items():
            if definition.source is None:
                definition = definition._replace(source=used.source, label=used.label)
            earlier = imported.get(name)
            if earlier is not None and (earlier.source, earlier.pos) != (definition.source, definition.pos):
                raise fail(f"block '{name}' is defined in both {earlier.label} and {definition.label}")
            imported[name] = definition
    for name, definition in document.definitions.items():
        if name in imported:
            raise SpecError(f"block '{name}' is defined here and in {imported[name].label}, which this file "
                            f"uses: rename one", document.source, definition.pos, document.label)
    return document._replace(definitions={**imported, **document.definitions})


def used_path(name: str, base: str, fail) -> tuple[str, str]:
    """Where ``use NAME`` reads from, and how errors name it: a bare name is a shipped
    example; a name with a '/' or ending in .cnn is a path relative to the using file."""
    if "/" in name or os.sep in name or name.lower().endswith(EXTENSION):
        path = os.path.join(base, name)
        if not os.path.isfile(path):
            raise fail(f"cannot use '{name}': no such file {path}")
        return path, os.path.normpath(path)
    shipped = name.lower()
    if shipped not in example_names():
        raise fail(f"cannot use '{name}': no shipped spec file of that name (see 'convcalc examples'); "
                   f"a file of your own is used by its path, e.g. use ./{name}{EXTENSION}")
    return os.path.join(EXAMPLES, f"{shipped}{EXTENSION}"), f"{shipped}{EXTENSION}"


class Start(Record):
    """Where an analysis starts: its input, and a note when convcalc had to assume it."""

    tensor: Tensor
    note: str | None  # said when convcalc had to assume the input


def input_tensor(document: Document, given: str | None, layout: str) -> Start:
    """``--input`` wins; then the file's ``input`` line (always C x H x W); then the default."""
    if given is not None:
        tensor = parse_input(given, layout)
        return Start(tensor, other_layout_note(tensor, layout))
    if document.input_text is not None:
        try:
            return Start(parse_input(document.input_text, "chw"), None)
        except SpecError as error:
            raise SpecError(error.message, document.source, document.input_pos + error.position,
                            document.label) from None
    default = DEFAULT_INPUT if layout == "chw" else "224x224x3"
    return Start(parse_input(default, layout), f"no --input given: assuming {default}")


def other_layout_note(tensor: Tensor, layout: str) -> str | None:
    """Said when the other layout would read a square image and this one does not (63x63x16
    read as C=63, H=63, W=16): the likeliest slip in a quiz's H x W x C."""
    if len(tensor.spatial) != 2:
        return None
    typed = tensor.dims(layout)
    if layout == "chw":
        if typed[0] != typed[1] or typed[1] == typed[2]:
            return None
        read = f"C={typed[0]}, H={typed[1]}, W={typed[2]}"
        other = f"--layout hwc reads it as {typed[0]}x{typed[1]} with {typed[2]} channels"
    else:
        if typed[1] != typed[2] or typed[0] == typed[1]:
            return None
        read = f"H={typed[0]}, W={typed[1]}, C={typed[2]}"
        other = f"without --layout hwc it reads as {typed[1]}x{typed[2]} with {typed[0]} channels"
    return f"input {'x'.join(map(str, typed))} was read as {read}; {other}"
