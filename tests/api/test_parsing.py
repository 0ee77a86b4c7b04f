"""Tolerant JSON decoding and value coercion."""

import datetime as dt
import json

import pytest

from custom_components.synway_ippbx.api.parsing import (
    JsonObject,
    get_all,
    is_failure,
    is_success,
    iter_pairs,
    loads,
    mappings,
    normalise_word,
    split_list,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_list,
    to_plain,
    to_str,
)


def test_duplicate_keys_keep_every_value_and_last_wins() -> None:
    data = loads('{"a": 1, "ext": {"extid": "1000"}, "ext": {"extid": "1002"}}')
    assert isinstance(data, JsonObject)
    assert data["ext"] == {"extid": "1002"}
    assert data.get_all("ext") == [{"extid": "1000"}, {"extid": "1002"}]
    assert data.has_duplicates
    assert [key for key, _ in data.pairs()] == ["a", "ext", "ext"]
    assert get_all(data, "missing") == []
    assert json.loads(json.dumps(data)) == {"a": 1, "ext": {"extid": "1002"}}


def test_plain_objects_have_no_pair_overhead() -> None:
    data = loads(b'{"a": 1, "b": [ {"c": null} ]}')
    assert not data.has_duplicates
    assert data.pairs() == [("a", 1), ("b", [{"c": None}])]
    assert data.get_all("a") == [1]
    assert get_all({"x": 1}, "x") == [1]
    assert get_all({"x": 1}, "y") == []
    assert list(iter_pairs({"x": 1})) == [("x", 1)]
    assert to_plain(data) == {"a": 1, "b": [{"c": None}]}
    assert type(to_plain(data)) is dict


def test_invalid_json_raises_value_error() -> None:
    with pytest.raises(ValueError):
        loads("{not json")
    with pytest.raises(ValueError):
        loads(b"\xff\xfe")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (" 1002 ", "1002"),
        (1002, "1002"),
        (1002.0, "1002"),
        (1.5, "1.5"),
        (True, "true"),
        ({"a": 1}, None),
        ([1], None),
    ],
)
def test_to_str(value: object, expected: str | None) -> None:
    assert to_str(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, None),
        (3, 3),
        (3.9, 3),
        (float("nan"), None),
        ("12", 12),
        (" 12 ", 12),
        ("12.0", 12),
        ("inf", None),
        ("abc", None),
        ("", None),
        ([], None),
    ],
)
def test_to_int(value: object, expected: int | None) -> None:
    assert to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (False, None),
        (4, 4.0),
        ("4.25", 4.25),
        ("x", None),
        ("nan", None),
        ({}, None),
    ],
)
def test_to_float(value: object, expected: float | None) -> None:
    assert to_float(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("enable", True),
        ("false", False),
        ("0", False),
        ("no", False),
        (1, True),
        (0, False),
        ("maybe", None),
        (None, None),
        ([], None),
    ],
)
def test_to_bool(value: object, expected: bool | None) -> None:
    assert to_bool(value) is expected


def test_dates_and_times() -> None:
    assert to_datetime("2019-06-26 15:19:05") == dt.datetime(2019, 6, 26, 15, 19, 5)
    assert to_datetime("2019-06-26T15:19:05") == dt.datetime(2019, 6, 26, 15, 19, 5)
    assert to_datetime("2019-06-26 15:19") == dt.datetime(2019, 6, 26, 15, 19)
    assert to_datetime("yesterday") is None
    assert to_datetime(None) is None
    assert to_date("2019-01-04") == dt.date(2019, 1, 4)
    assert to_date("2019-13-04") is None
    assert to_date(None) is None


def test_lists() -> None:
    assert to_list(None) == []
    assert to_list("a") == ["a"]
    assert to_list(("a", "b")) == ["a", "b"]
    assert mappings([{"a": 1}, "x", None, {"b": 2}]) == [{"a": 1}, {"b": 2}]
    assert mappings({"a": 1}) == [{"a": 1}]
    assert split_list("1003, 1004,,") == ("1003", "1004")
    assert split_list(["a", None, 3]) == ("a", "3")
    assert split_list(None) == ()
    assert split_list("403|408", "|") == ("403", "408")


def test_status_words() -> None:
    assert is_success("success")
    assert is_success(" Success ")
    assert not is_success("failed")
    assert not is_success(None)
    assert is_failure("Failed")
    assert is_failure("failed")
    assert not is_failure("success")
    assert not is_failure(0)
    assert normalise_word("In a queue-call") == "inaqueuecall"


def test_to_plain_cleans_every_string_and_keeps_every_scalar() -> None:
    """Strings are cleaned wherever they sit (values, list items, keys); scalars stay."""
    data = loads(
        '{"name": "a\\u0000b", "list": ["x\\u0000", 1, 2.5, true, null],'
        ' "nested": {"k\\u0000": "v", "n": -1}}'
    )
    assert to_plain(data) == {
        "name": "a\ufffdb",
        "list": ["x\ufffd", 1, 2.5, True, None],
        "nested": {"k\ufffd": "v", "n": -1},
    }
