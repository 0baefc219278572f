"""``convcalc conventions``: one row per counting convention, with the difference explained."""

from __future__ import annotations

import json

from ..units import human_count
from .json_out import SCHEMA_VERSION

CAUSE_LABELS = {"bias": "bias", "norms": "norms", "activations": "activations", "pooling": "pooling",
                "resampling": "resampling", "x2 (FLOPs)": "x2 for FLOPs"}


def difference_text(row: dict, base: dict) -> str:
    if "unsupported" in row:
        return row["unsupported"]
    parts = []
    for cause, label in CAUSE_LABELS.items():
        extra = row["by_cause"][cause] - base["by_cause"][cause]
        if extra:
            parts.append(f"{label} {extra:+,}")
    delta = row["by_cause"]["multiply-adds"] - base["by_cause"]["multiply-adds"]
    if delta:
        parts.insert(0, f"weights counted at other positions {delta:+,}")
    return "; ".join(parts) or "same as torchvision"


def render_conventions(rows: list[dict]) -> str:
    base = rows[0]
    lines = [f"{'convention':<12} {'total':>18} {'':>8}  {'unit':<10} difference from torchvision, by cause"]
    for row in rows:
        if "unsupported" in row:
            lines.append(f"{row['name']:<12} {'-':>18} {'':>8}  {'':<10} {row['unsupported']}")
            continue
        total = row["total"]
        lines.append(f"{row['name']:<12} {total:>18,} {human_count(total):>8}  {row['unit']:<10} "
                     f"{difference_text(row, base)}")
    lines.append("")
    for row in rows:
        if "unsupported" not in row:
            lines.append(f"{row['name']}: {row['matches']} - {row['rule']}")
    return "\n".join(lines)


def render_conventions_json(rows: list[dict]) -> str:
    return json.dumps({"schema_version": SCHEMA_VERSION, "conventions": rows}, indent=2)
