"""Where a spec comes from: a string, a ``.cnn`` file, a shipped example, or stdin."""

from __future__ import annotations

from dataclasses import dataclass
import io
import os
import sys

from .errors import SpecError
from .syntax import MAX_SPEC_CHARS, Document, parse_document
from .tensor import DEFAULT_INPUT, Tensor, parse_input

EXTENSION = ".cnn"
# Installed as package data beside this module (importlib.resources would cost
# start-up time for no gain: convcalc is never imported from a zip);
# os.path rather than pathlib, which costs start-up time.
EXAMPLES = os.path.join(os.path.dirname(__file__), "examples")


def example_names() -> list[str]:
    return sorted(name[: -len(EXTENSION)] for name in os.listdir(EXAMPLES) if name.endswith(EXTENSION))


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
    # Python sets sys.stdin to None when it starts with the descriptor closed (`convcalc - <&-`).
    if sys.stdin is None:
        raise SpecError("cannot read the spec from stdin: it is closed", "-", 0)
    try:
        return bounded_text(sys.stdin.buffer)
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read the spec from stdin: {reason(error)}", "-", 0) from None


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


def is_path(text: str) -> bool:
    """A file is named by its extension or a path separator (before any comment), never by
    what the current directory happens to hold: `vgg16` is the shipped network everywhere."""
    code = text.split("#")[0]
    return text.endswith(EXTENSION) or any(sep and sep in code for sep in (os.sep, os.altsep))


def load_document(spec: str | None, file: str | None) -> Document:
    """The parsed spec from whichever source the user named."""
    if file is not None:
        return parse_document(read_file(file, file), label=file)
    if spec is None:
        raise SpecError("no spec given: pass a spec string, a .cnn file, -f FILE or an example name", "", 0)
    if spec == "-":
        return parse_document(read_stdin(), label="<stdin>")
    if is_path(spec):
        return parse_document(read_file(spec, spec), label=spec)
    name = spec.strip().lower()
    if name in example_names():
        return parse_document(example_text(name), label=f"{name}{EXTENSION}")
    return parse_document(spec)


@dataclass(frozen=True)
class Start:
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
