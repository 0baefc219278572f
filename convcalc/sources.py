"""Where a spec comes from: a string, a ``.cnn`` file, a shipped example, or stdin."""

from __future__ import annotations

from dataclasses import dataclass
import os

from .errors import SpecError
from .syntax import Document, parse_document
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
    with open(path, encoding="utf-8") as handle:
        return handle.read()


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
        reason = getattr(error, "strerror", None) or str(error)
        raise SpecError(f"cannot read spec file '{path}': {reason}", shown_as, 0) from None


def load_document(spec: str | None, file: str | None, stdin_text: str | None = None) -> Document:
    """The parsed spec from whichever source the user named."""
    if file is not None:
        return parse_document(read_file(file, file), label=file)
    if spec is None:
        raise SpecError("no spec given: pass a spec string, a .cnn file, -f FILE or an example name", "", 0)
    if spec == "-":
        return parse_document(stdin_text or "", label="<stdin>")
    name = spec.strip().lower()
    if name in example_names() and not os.path.exists(spec):
        return parse_document(example_text(name), label=f"{name}{EXTENSION}")
    if spec.endswith(EXTENSION) or (os.path.isfile(spec) and "," not in spec):
        return parse_document(read_file(spec, spec), label=spec)
    return parse_document(spec)


@dataclass(frozen=True)
class Start:
    tensor: Tensor
    note: str | None  # said when convcalc had to assume the input


def input_tensor(document: Document, given: str | None, layout: str) -> Start:
    """``--input`` wins; then the file's ``input`` line (always C x H x W); then the default."""
    if given is not None:
        return Start(parse_input(given, layout), None)
    if document.input_text is not None:
        try:
            return Start(parse_input(document.input_text, "chw"), None)
        except SpecError as error:
            raise SpecError(error.message, document.source, document.input_pos + error.position,
                            document.label) from None
    default = DEFAULT_INPUT if layout == "chw" else "224x224x3"
    return Start(parse_input(default, layout), f"no --input given: assuming {default}")
