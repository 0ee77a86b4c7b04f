"""A row's words: worked out once from a report, given names when the row is shown.

``describe`` writes the words with a placeholder where a party's label goes; the
Activity event carries them, and the logbook fills the labels in with the names known
when it shows the row (the event's own names first, else the PBX's as then known). No
Home Assistant imports.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import re
from typing import Any

from .store import Key

type Names = Callable[[str | None], str | None]


@dataclass(frozen=True, slots=True)
class Line:
    """One logbook row: who (None: the PBX), what, on which object, with which icon."""

    subject: str | None
    message: str
    key: Key | None = None
    icon: str | None = None


@dataclass(frozen=True, slots=True)
class Words:
    """A row's words before names are known: slot N (``SLOT``) is ``labels[N]``.

    Worked out once per report (from the report, before the store applies it) and
    carried in the Activity event, so that the logbook puts in the names as it shows
    the row (the event's own names first, else the PBX's as then known), without
    reading the report again.
    """

    subject: str | None
    message: str
    labels: tuple[tuple[str, bool], ...] = ()
    key: Key | None = None
    icon: str | None = None
    wording: str | None = None

    def as_data(self) -> dict[str, Any]:
        """The words as event data (JSON: the recorder keeps them)."""
        return {
            "wording": self.wording,
            "subject": self.subject,
            "message": self.message,
            "labels": [list(label) for label in self.labels],
            "icon": self.icon,
        }


@dataclass(slots=True)
class Slots:
    """A ``Names`` stand-in that puts a placeholder where a label goes."""

    labels: list[tuple[str, bool]] = field(default_factory=list)

    def __call__(self, number: str | None) -> str | None:
        """Never asked: ``label`` fills a slot instead."""
        return None  # pragma: no cover

    def slot(self, number: str, *, extension: bool) -> str:
        """The placeholder of one more label."""
        self.labels.append((number, extension))
        return f"\x1f{len(self.labels) - 1}\x1f"


SLOT = re.compile("\x1f([0-9]+)\x1f")


def label(number: str | None, names: Names, *, extension: bool) -> str | None:
    """A named extension as "Alice (1004)", else "Extension 1002" or a bare number."""
    if not number:
        return None
    if isinstance(names, Slots):
        return names.slot(number, extension=extension)
    if name := names(number):
        return f"{name} ({number})" if name != number else number
    return f"Extension {number}" if extension else number


def render_words(data: Mapping[str, Any], names: Names) -> Line:
    """The row of carried words, with the names known now; odd data reads plainly."""
    raw_labels = data.get("labels")
    labels: list[tuple[str, bool]] = []
    if isinstance(raw_labels, list):
        labels = [
            (str(item[0]), bool(item[1]))
            for item in raw_labels
            if isinstance(item, list | tuple) and len(item) == 2
        ]

    def _fill(text: object) -> str | None:
        if not isinstance(text, str):
            return None

        def _label_of(match: re.Match[str]) -> str:
            index = int(match.group(1))
            if index >= len(labels):
                return ""
            number, extension = labels[index]
            return label(number, names, extension=extension) or number

        return SLOT.sub(_label_of, text)

    icon = data.get("icon")
    return Line(
        _fill(data.get("subject")),
        _fill(data.get("message")) or "",
        icon=icon if isinstance(icon, str) else None,
    )
