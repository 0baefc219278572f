"""Random inputs for fuzzing convcalc: spec-like text, mutated real specs, CLI argument lists."""

from __future__ import annotations

import random
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "convcalc" / "examples"
SPEC_ALPHABET = "conv3x1s2p0dgbnfc[]()|,*->{}#=\n .5aeilmoprtuvwqhz"
WORDS = ["conv", "dw", "tconv", "pool", "maxpool", "avgpool", "gap", "gmp", "aap", "amp", "fc", "linear",
         "flatten", "id", "pad", "bn", "ln", "gn", "in", "lrn", "relu", "relu6", "lrelu", "gelu", "silu", "sigmoid",
         "tanh", "softmax", "dropout", "drop", "res(", "cat(", "[", "]*", "|", ")", ",", "->", "x", "s", "p", "d",
         "g", "op", "nb", "ceil", "psame", "pvalid", "pfull", "affine", "{a}", "\n", "input 3x8x8\n", "b(a) = "]
SMALL_SPECS = ["conv3x3s1p1x64,relu,pool2,fc10", "res(conv3p1x8,bn | conv1x1x8)", "cat(id | conv1x1x4)",
               "[conv3p1,relu]*3", "tconv4s2p1x8,aap3,gn4,fc2", "dw3x3s2p1x2,maxpool3s2ceil,gap",
               "conv7s2psamex16,lrelu0.1,dropout0.3,flatten,linear5"]
OPTIONS = ["-i", "--input", "--layout", "--json", "--strict", "--depth", "--batch", "--dtype", "--format",
           "--explain", "--quiet", "--no-color", "--max-layers", "-f", "--version", "--help", "--list-examples",
           "-W", "-K", "-S", "-P", "-D", "-O", "--same", "--to"]
COMMANDS = ["run", "explain", "solve", "compare", "export", "examples", "schema"]
VALUES = ["3x32x32", "1x100", "3x8x8x8", "32x32x3", "abc", "0x0", "hwc", "chw", "xyz", "float16", "int8",
          "markdown", "csv", "json", "table", "torch", "-1", "0", "1", "2", "7", "63", "100000", "1e9", "",
          "resnet50", "vgg16", "nowhere.cnn", "-", "--"]


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(SPEC_ALPHABET) for _ in range(rng.randint(0, 40)))


def random_words(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) + (str(rng.randint(0, 12)) if rng.random() < 0.6 else "")
                   for _ in range(rng.randint(1, 12)))


def mutated_spec(rng: random.Random) -> str:
    if rng.random() < 0.3:
        source = rng.choice(sorted(EXAMPLES.glob("*.cnn"))).read_text()
    else:
        source = rng.choice(SMALL_SPECS)
    chars = list(source)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4 and chars:
            del chars[min(where, len(chars) - 1)]
        elif action < 0.7:
            chars.insert(where, rng.choice(SPEC_ALPHABET))
        elif chars:
            chars[min(where, len(chars) - 1)] = rng.choice(SPEC_ALPHABET)
    return "".join(chars)


def random_spec(rng: random.Random) -> str:
    return rng.choice((random_text, random_words, mutated_spec))(rng)


def random_arguments(rng: random.Random) -> list[str]:
    args = [rng.choice(COMMANDS)] if rng.random() < 0.4 else []
    for _ in range(rng.randint(0, 6)):
        pick = rng.random()
        if pick < 0.45:
            args.append(rng.choice(OPTIONS))
        elif pick < 0.8:
            args.append(rng.choice(VALUES))
        else:
            args.append(random_spec(rng))
    return args
