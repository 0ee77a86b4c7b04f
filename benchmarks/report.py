"""Render the figures ``scripts/bench`` collected as a Markdown table, and put it in the docs.

``python benchmarks/report.py RESULTS [--page docs/development.md]`` prints the table; with
``--page`` it also replaces what lies between the ``<!-- bench:start -->`` and
``<!-- bench:end -->`` markers, headed by the machine it was measured on.
"""

import argparse
from importlib import metadata
import json
import os
from pathlib import Path
import platform
import re

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def machine() -> str:
    """Cores, Python and Home Assistant version of this machine."""
    try:
        home_assistant = metadata.version("homeassistant")
    except metadata.PackageNotFoundError:  # pragma: no cover - the venv has it
        home_assistant = "?"
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Home Assistant {home_assistant}"
    )


def table(lines: list[dict[str, object]]) -> str:
    """The figures as a Markdown table."""
    rows = ["| Figure | Measured | Goal |", "|---|---|---|"]
    for item in lines:
        met = item.get("met")
        mark = "" if met is None else (" ✅" if met else " ❌")
        rows.append(f"| {item['figure']} | {item['value']} | {item['goal']}{mark} |")
    return "\n".join(rows)


def main() -> None:
    """Parse the results file, print the table, optionally update the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--page", type=Path)
    args = parser.parse_args()
    lines = [
        json.loads(line)
        for line in args.results.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    block = f"Measured by `scripts/bench` on {machine()}:\n\n{table(lines)}"
    print(block)
    if args.page:
        text = args.page.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
        if not pattern.search(text):
            raise SystemExit(f"{args.page} has no {START} … {END} block")
        text = pattern.sub(lambda _: f"{START}\n{block}\n{END}", text)
        args.page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
