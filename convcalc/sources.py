"""Where a spec comes from: a string, a ``.cnn`` file, a shipped example, or stdin."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import SpecError
from .syntax import Document, parse_document
from .tensor import DEFAULT_INPUT, Tensor, parse_input

EXTENSION = ".cnn"


def example_names() -> list[str]:
    folder = resources.files("convcalc") / "examples"
    return sorted(p.name[: -len(EXTENSION)] for p in folder.iterdir() if p.name.endswith(EXTENSION))


def example_text(name: str) -> str:
    return (resources.files("convcalc") / "examples" / f"{name}{EXTENSION}").read_text(encoding="utf-8")


def example_summary(name: str) -> str:
    """The first comment line of an example: what network it is and where it comes from."""
    for line in example_text(name).splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def read_file(path: str, shown_as: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
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
    if name in example_names() and not Path(spec).exists():
        return parse_document(example_text(name), label=f"{name}{EXTENSION}")
    if spec.endswith(EXTENSION) or (Path(spec).is_file() and "," not in spec):
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
