"""Random inputs for fuzzing convcalc: spec-like text, mutated real specs, CLI argument lists."""

from __future__ import annotations

import random
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "convcalc" / "examples"
SPEC_ALPHABET = "conv3x1s2p0dgbnfc[]()|,*->{}#=\n .5aeilmoprtuvwqhz"
WORDS = ["conv", "dw", "tconv", "pool", "maxpool", "avgpool", "gap", "gmp", "aap", "amp", "fc", "linear",
         "flatten", "id", "pad", "bn", "ln", "gn", "in", "lrn", "relu", "relu6", "lrelu", "gelu", "silu", "sigmoid",
         "tanh", "softmax", "dropout", "drop", "res(", "cat(", "[", "]*", "|", ")", ",", "->", "x", "s", "p", "d",
         "g", "op", "nb", "ceil", "psame", "pvalid", "pfull", "affine", "{a}", "\n", "input 3x8x8\n", "b(a) = ",
         # Issue 13: Keras / PyTorch names and aliases.
         "dense", "batchnorm", "batchnormalization", "maxpooling2d", "conv2d", "globalaveragepooling2d", "2d"]
SMALL_SPECS = ["conv3x3s1p1x64,relu,pool2,fc10", "res(conv3p1x8,bn | conv1x1x8)", "cat(id | conv1x1x4)",
               "[conv3p1,relu]*3", "tconv4s2p1x8,aap3,gn4,fc2", "dw3x3s2p1x2,maxpool3s2ceil,gap",
               "conv7s2psamex16,lrelu0.1,dropout0.3,flatten,linear5",
               "tconv5x5s2psamex8nb,batchnorm,tconv3s2pvalidx1", "dense12,batchnormalization,dense3"]
OPTIONS = ["-i", "--input", "--layout", "--json", "--strict", "--depth", "--batch", "--dtype", "--format",
           "--explain", "--quiet", "--no-color", "--max-layers", "-f", "--version", "--help", "--list-examples",
           "-W", "-K", "-S", "-P", "-D", "-O", "--same", "--to",
           "--memory", "--ceil", "--transposed", "--op", "quiz", "--seed", "--count", "--kind", "--dims"]
COMMANDS = ["run", "explain", "solve", "compare", "export", "examples", "schema"]
VALUES = ["3x32x32", "1x100", "784", "outputs", "stored", "training", "tconv", "params", "rf", "3x8x8x8", "32x32x3", "abc", "0x0", "hwc", "chw", "xyz", "float16", "int8",
          "markdown", "csv", "json", "table", "torch", "-1", "0", "1", "2", "7", "63", "100000", "1e9", "",
          "resnet50", "vgg16", "nowhere.cnn", "-", "--",
          # Digits that Python's int() half-takes, and numbers at the 60-digit limit (issue 10).
          "3x²x2", "3x①x2", "3x３2x32", "1_000", "6_3", "１", "9" * 60, "1" + "0" * 60, "3x" + "7" * 61]
# Characters that look like digits but are not ASCII 0-9: superscript, circled, fullwidth,
# Arabic-Indic, and Python's digit separator.
ODD_DIGITS = "²①３٣_"


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


def big_number(rng: random.Random) -> str:
    """Up to 62 digits: either side of the 60-digit limit."""
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 61)))


def limit_spec(rng: random.Random) -> str:
    """The shapes that found issue 10's hangs and crashes: a huge stride on a misfit, strided
    tconv chains, block uses nested inside brackets, odd digits in a number."""
    shape = rng.randrange(4)
    if shape == 0:
        return f"conv{rng.randint(1, 3)}s{big_number(rng)}{rng.choice(['', 'psame', 'p1', 'ceil'])}"
    if shape == 1:
        return f"[tconv1s{rng.choice([2, 3, big_number(rng)])}]*{rng.randint(1, 300)}"
    if shape == 2:
        depth, blocks = rng.randint(1, 30), rng.randint(1, 8)
        lines = [f"b{n} = " + "[" * depth + (f"b{n + 1}" if n + 1 < blocks else "relu") + "]*1" * depth
                 for n in range(blocks)]
        return "\n".join(lines + ["b0"])
    spec = rng.choice(SMALL_SPECS)
    where = rng.choice([n for n, char in enumerate(spec) if char.isdigit()])
    return spec[:where] + rng.choice(ODD_DIGITS) + spec[where + 1:]


def random_spec(rng: random.Random) -> str:
    return rng.choice((random_text, random_words, mutated_spec, limit_spec))(rng)


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
