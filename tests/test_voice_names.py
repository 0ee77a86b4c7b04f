"""Names, numbers and times as people say them (pure functions, no Home Assistant)."""

import datetime as dt

import pytest

from custom_components.synway_ippbx.api import ExtensionStatus, ExtensionType
from custom_components.synway_ippbx.pbx.objects import ExtensionRecord
from custom_components.synway_ippbx.voice_names import (
    dial_string,
    match_extension,
    next_occurrence,
    parse_spoken_time,
    spoken_digits,
)
from tests.voice_people import PEOPLE

EXTENSIONS = {
    number: ExtensionRecord(
        number, name, ExtensionType.SIP, None, None, ExtensionStatus.IDLE
    )
    for number, name in {**PEOPLE, "1009": None}.items()
}


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("bob", ["1005"]),
        ("Bob's", ["1005"]),
        ("smith", ["1005"]),
        ("anna", ["1002", "1003"]),
        ("Anna Li", ["1002"]),
        ("annali", ["1002"]),
        ("the kitchen phone", ["1004"]),
        ("kitchen's phone", ["1004"]),
        ("extension 1004", ["1004"]),
        ("one zero zero four", ["1004"]),
        ("ten oh four", ["1004"]),
        ("10-04", ["1004"]),
        ("10 04", ["1004"]),
        ("一零零四", ["1004"]),
        ("分机1004", ["1004"]),
        ("room 101", ["1006"]),
        ("101", ["1006"]),
        ("101房间", ["1006"]),
        ("前台的电话", ["1007"]),
        ("the front door", ["1008"]),
        ("1009", ["1009"]),
        ("Lobby", []),
        ("厨房", []),
        ("芳", []),
        ("anna lee", []),
    ],
)
def test_match_extension(said: str, found: list[str]) -> None:
    """A first name, a surname, the words around a name, numbers said any way."""
    match = match_extension(EXTENSIONS, said)
    assert [record.number for record in match.found] == found
    assert match.excluded is None


def test_match_keeps_the_speakers_words() -> None:
    """ "There is no extension called Lobby": the name without "the … phone"."""
    assert match_extension(EXTENSIONS, "the Lobby phone").cleaned == "Lobby"
    assert match_extension(EXTENSIONS, "Lobby?").cleaned == "Lobby"


def test_match_leaves_out_the_voice_extension() -> None:
    """The voice assistant's own phone is never the one to call."""
    match = match_extension(EXTENSIONS, "王芳", exclude="1000")
    assert match.found == ()
    assert match.excluded is EXTENSIONS["1000"]
    assert match_extension(EXTENSIONS, "anna", exclude="1002").found == (
        EXTENSIONS["1003"],
    )


def test_close_name_only_when_one_is_close() -> None:
    """A misheard name is taken only when exactly one name is that close."""
    assert match_extension(EXTENSIONS, "recepion").found == (EXTENSIONS["1001"],)


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("555-1234", "5551234"),
        ("five five five one two three four", "5551234"),
        ("double four", "44"),
        ("twenty one", "21"),
        ("thirty", "30"),
        ("两零零", "200"),
        ("+49 30 1234", "+49301234"),
        ("call me", None),
        ("", None),
        ("double", None),
        ("double trouble", None),
    ],
)
def test_spoken_digits(said: str, digits: str | None) -> None:
    """Digits in words, in groups, in Chinese."""
    assert dial_string(said) == digits


def test_spoken_digits_of_nothing() -> None:
    """No words, no digits."""
    assert spoken_digits("  ") is None


@pytest.mark.parametrize(
    ("said", "time"),
    [
        ("7", dt.time(7)),
        ("at 7", dt.time(7)),
        ("7:30 am", dt.time(7, 30)),
        ("7.30 p.m.", dt.time(19, 30)),
        ("7 30", dt.time(7, 30)),
        ("seven thirty", dt.time(7, 30)),
        ("six forty five", dt.time(6, 45)),
        ("seven oh five", dt.time(7, 5)),
        ("half past seven", dt.time(7, 30)),
        ("quarter past six", dt.time(6, 15)),
        ("seven o'clock", dt.time(7)),
        ("12 am", dt.time(0)),
        ("7 tomorrow", dt.time(7)),
        ("8 in the evening", dt.time(20)),
        ("早上7点", dt.time(7)),
        ("七点半", dt.time(7, 30)),
        ("早上六点半", dt.time(6, 30)),
        ("下午3点", dt.time(15)),
        ("晚上十点二十分", dt.time(22, 20)),
        ("十一点", dt.time(11)),
        ("25", None),
        ("noonish", None),
        ("三十五点", None),
    ],
)
def test_parse_spoken_time(said: str, time: dt.time | None) -> None:
    """Clock times as people say them."""
    assert parse_spoken_time(said) == time


def test_next_occurrence() -> None:
    """Today while the time is ahead, else tomorrow; "tomorrow" always tomorrow."""
    now = dt.datetime(2026, 5, 1, 6, 0)
    assert next_occurrence(dt.time(7), now, tomorrow=False) == dt.date(2026, 5, 1)
    assert next_occurrence(dt.time(5), now, tomorrow=False) == dt.date(2026, 5, 2)
    assert next_occurrence(dt.time(7), now, tomorrow=True) == dt.date(2026, 5, 2)
