"""Benchmarks record their headline figures here; ``scripts/bench`` turns them into a table.

``record`` appends one JSON line to the file named by ``BENCH_RESULTS`` (nothing when unset,
so each benchmark still runs on its own). ``benchmarks/report.py`` reads the lines back.
"""

import json
import os
from pathlib import Path


def record(figure: str, value: str, goal: str = "", *, met: bool | None = None) -> None:
    """Keep one figure (already formatted) with its goal and whether it is met."""
    target = os.environ.get("BENCH_RESULTS")
    if not target:
        return
    with Path(target).open("a", encoding="utf-8") as out:
        out.write(
            json.dumps({"figure": figure, "value": value, "goal": goal, "met": met})
            + "\n"
        )
