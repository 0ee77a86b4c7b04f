"""Fuzz every parser of PBX input: 100,000 cases by default.

Run with ``.venv/bin/python benchmarks/fuzz.py [CASES] [SEED]``. The cases are spread over the
targets of ``tests/faults/fuzz_targets.py`` (reports, the answer decoder and every response
model). A seeded random generator builds the same kinds of input as the Hypothesis strategies
(known and made-up keys, numbers as strings, nulls, lone surrogates, deep nesting, binary
noise, truncated JSON), because generating 100,000 Hypothesis examples takes tens of minutes.
Anything raised that is not one of the library's own errors counts as unexpected; the first
few are printed with their input. Prints "N cases, M unexpected exceptions" and exits 1 when
M is not 0, so that ``scripts/test`` (which runs 10,000 cases) fails on them.
"""

from collections import Counter
from collections.abc import Callable
import json
from pathlib import Path
import random
import sys
import time
import traceback
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.synway_ippbx.api import REPORT_EVENTS, SynwayError
from tests.faults.strategies import FIELDS, STATUS_WORDS

ODD_TEXT = ["", " ", "\ud800", "\x00", "é中文", "9" * 300, "1e999", "-0", "NaN", "null"]


class Generator:
    """Random JSON-ish values shaped like the PBX's answers and reports."""

    def __init__(self, seed: int) -> None:
        """Seeded: the same seed gives the same cases."""
        self.rng = random.Random(seed)

    def key(self) -> str:
        """A field name of the manual, mostly; else any text."""
        rng = self.rng
        if rng.random() < 0.8:
            return rng.choice(FIELDS)
        return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(8)))

    def scalar(self) -> Any:
        """A loosely typed leaf value."""
        rng = self.rng
        makers: list[Callable[[], Any]] = [
            lambda: None,
            lambda: rng.random() < 0.5,
            lambda: rng.randrange(-(2**40), 2**40),
            lambda: rng.uniform(-1e12, 1e12),
            lambda: rng.choice(STATUS_WORDS),
            lambda: str(rng.randrange(10**12)),
            lambda: rng.choice(ODD_TEXT),
            lambda: "2026-11-28 12:34:56",
        ]
        return rng.choice(makers)()

    def value(self, depth: int = 0) -> Any:
        """A scalar, list or object, nested a few levels."""
        rng = self.rng
        roll = rng.random()
        if depth > 4 or roll < 0.6:
            return self.scalar()
        if roll < 0.8:
            return [self.value(depth + 1) for _ in range(rng.randrange(5))]
        return self.obj(depth + 1)

    def obj(self, depth: int = 0) -> dict[str, Any]:
        """An object of up to ten fields."""
        return {self.key(): self.value(depth) for _ in range(self.rng.randrange(10))}

    def report(self) -> dict[str, Any]:
        """A report with a known or made-up event word."""
        body = self.obj()
        events = sorted(REPORT_EVENTS)
        body["event"] = self.rng.choice([*events, "Invented", "", 7])
        return body

    def body(self, value: Any) -> bytes:
        """The JSON of ``value``, or now and then deep nesting, noise or a truncation."""
        rng = self.rng
        roll = rng.random()
        encoded = json.dumps(value).encode()
        if roll < 0.05:
            depth = rng.randrange(30, 5000)
            return b'{"event":"RING","x":' + b"[" * depth + b"]" * depth + b"}"
        if roll < 0.1:
            return rng.randbytes(rng.randrange(200))
        if roll < 0.15:
            return encoded[: rng.randrange(len(encoded) + 1)]
        return encoded


def main() -> int:
    """Run the cases, print the verdict and return the exit status (1 on anything unexpected)."""
    from tests.faults.fuzz_targets import TARGETS

    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    gen = Generator(seed)
    names = list(TARGETS)
    unexpected: Counter[str] = Counter()
    shown = 0
    start = time.perf_counter()
    for number in range(cases):
        name = names[number % len(names)]
        target = TARGETS[name][1]
        if name == "report":
            value: Any = gen.body(gen.report())
        elif name == "answer":
            value = gen.body(gen.obj() if gen.rng.random() < 0.8 else gen.value())
        elif name in {"agent_state", "alarms"}:
            value = gen.value()
        else:
            value = gen.obj()
        try:
            target(value)
        except SynwayError:
            pass
        except Exception as err:  # noqa: BLE001 - counting them is the point
            unexpected[f"{name}: {type(err).__name__}"] += 1
            if shown < 5:
                shown += 1
                print(f"--- {name} with {value!r:.300}")
                traceback.print_exc()
    elapsed = time.perf_counter() - start
    for kind, count in unexpected.most_common():
        print(f"  {count} x {kind}")
    print(f"{len(names)} targets, {elapsed:.1f} s")
    print(f"{cases} cases, {sum(unexpected.values())} unexpected exceptions")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
