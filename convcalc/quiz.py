"""``convcalc quiz``: random exercises of the kinds courses set, with convcalc's worked answer.

A question is a spec, an input and what is asked (the output shape, the parameters, the padding
that keeps the size, the receptive field, the multiply-adds or the activation memory), on a 1-D,
2-D or 3-D input, of one layer or a small network. The answer and its explanation (the explain
lines, in the question's numbers) come from the engine. Seeded: the same seed gives the same set.
Pure: no I/O (the CLI reads the answers and prints).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

QUIZ_KINDS = ("output", "params", "same", "rf", "macs", "memory")
MAX_COUNT = 100
AXES = {1: "W", 2: "H x W", 3: "D x H x W"}


@dataclass(frozen=True)
class Question:
    number: int
    kind: str
    spec: str
    input: str  # C x spatial
    text: str
    answer: str
    explanation: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"number": self.number, "kind": self.kind, "spec": self.spec, "input": self.input,
                "question": self.text, "answer": self.answer, "explanation": list(self.explanation)}


def draw(rng: random.Random, kind: str, dims: int, network: bool) -> tuple[str, str]:
    """A spec and an input (C x spatial) for a question of ``kind``."""
    channels = rng.choice((1, 3, 8, 16))
    if kind == "same":
        kernel = rng.choice((3, 5, 7))
        size = rng.randint(8, 64)
        return f"conv{kernel}psamex{rng.choice((8, 16, 32))}", "x".join([str(channels)] + [str(size)] * dims)
    layers = []
    count = rng.randint(2, 4) if network or kind == "rf" else 1
    for _ in range(count):
        kernel = rng.choice((3, 5, 7) if kind == "rf" else (1, 3, 5, 7))
        stride = rng.choice((1, 1, 2))
        padding = rng.randint(0, kernel // 2)
        filters = rng.choice((8, 16, 32, 64))
        layers.append(f"conv{kernel}s{stride}p{padding}x{filters}")
        if network and rng.random() < 0.4:
            layers.append(rng.choice(("relu", "pool2", "bn,relu")))
    size = rng.randint(16, 64) if dims < 3 else rng.randint(8, 24)
    return ",".join(layers), "x".join([str(channels)] + [str(size)] * dims)


def question_text(kind: str, spec: str, shape: str, dims: int, network: bool) -> str:
    subject = f"the network '{spec}'" if "," in spec else f"the layer '{spec}'"
    where = f"an input of {shape} (C x {AXES[dims]})"
    return {
        "output": f"What is the output shape (C x {AXES[dims]}) of {subject} on {where}?",
        "params": f"How many parameters (weights + biases) does {subject} have on {where}?",
        "same": f"On {where}, {subject} keeps the size at stride 1: how much padding on each side?",
        "rf": f"What is the receptive field (in input pixels along W) of the last layer of {subject} on {where}?",
        "macs": f"How many multiply-adds (MACs) does {subject} take on {where}?",
        "memory": f"How many bytes (float32, batch 1) does the output of {subject} take on {where}?",
    }[kind]


def make_question(number: int, rng: random.Random, kind: str, dims: int, network: bool) -> Question:
    from .api import analyse
    from .errors import SpecError

    for _ in range(100):  # a drawn network may shrink its input below a kernel: draw again
        spec, shape = draw(rng, kind, dims, network)
        try:
            report = analyse(spec, input=shape, explain=True)
            break
        except SpecError:
            continue
    else:
        raise RuntimeError("no question could be drawn")
    total = report.total
    last = report.analysis.rows[-1]
    answer = {
        "output": "x".join(map(str, total.output)),
        "params": str(total.params),
        "same": str(last.padding[0][0]) if last.padding else "0",
        "rf": str(total.receptive_field.size[-1]),
        "macs": str(total.macs),
        "memory": str(last.output.elements * 4),
    }[kind]
    lines = [f"{row.index} {row.text}: {line}" for row in report.analysis.leaves() for line in row.explanation]
    if kind == "memory":
        lines.append(f"memory = {'*'.join(map(str, total.output))} elements x 4 bytes = {answer}")
    # 'same' asks for the padding: the question shows the layer without it.
    shown = spec.replace("psame", "s1") if kind == "same" else spec
    return Question(number, kind, shown, shape, question_text(kind, shown, shape, dims, network), answer, tuple(lines))


def questions(seed: int, count: int, kind: str | None, dims: int | None, network: bool) -> list[Question]:
    """``count`` questions drawn from ``seed``: a kind (or each in turn) on a rank (or any)."""
    rng = random.Random(seed)
    found = []
    for number in range(1, count + 1):
        chosen = kind or rng.choice(QUIZ_KINDS)
        rank = dims or rng.choice((1, 2, 2, 3))
        found.append(make_question(number, rng, chosen, rank, network))
    return found


def numbers_in(text: str) -> list[int]:
    """The whole numbers in an answer, with thousands separators allowed: '16 x 30 x 30', '1,792'."""
    return [int(n.replace(",", "").replace("_", "")) for n in re.findall(r"\d[\d,_]*", text)[:16]
            if len(n) <= 80]


def is_right(question: Question, given: str) -> bool:
    return numbers_in(given) == numbers_in(question.answer) and bool(numbers_in(given))
