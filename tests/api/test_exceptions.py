"""The exception hierarchy and the errno table."""

import ast
from pathlib import Path

import pytest

from custom_components.synway_ippbx import api
from custom_components.synway_ippbx.api import (
    ERRNO_MEANINGS,
    SynwayApiDisabledError,
    SynwayAuthenticationError,
    SynwayClientLimitError,
    SynwayConnectionError,
    SynwayError,
    SynwayRequestError,
    SynwayResponseError,
    SynwayTimeoutError,
    SynwayTokenError,
    error_from_errno,
)

CHAPTER_6 = [-1, *range(1, 36), 39, 40, 41, 44, 45, 46, 47, 48, 49, 50, 100, 101]


def test_every_chapter_6_code_has_a_meaning() -> None:
    assert sorted(ERRNO_MEANINGS) == sorted(CHAPTER_6)
    assert all(meaning for meaning in ERRNO_MEANINGS.values())
    assert ERRNO_MEANINGS[101] == "API clients reach the upper limit"


def test_hierarchy() -> None:
    assert issubclass(SynwayTimeoutError, SynwayConnectionError)
    assert issubclass(SynwayConnectionError, SynwayError)
    assert issubclass(SynwayResponseError, SynwayError)
    for cls in (
        SynwayAuthenticationError,
        SynwayApiDisabledError,
        SynwayClientLimitError,
        SynwayTokenError,
    ):
        assert issubclass(cls, SynwayRequestError)
    assert issubclass(SynwayRequestError, SynwayError)


@pytest.mark.parametrize(
    ("errno", "cls"),
    [
        (1, SynwayApiDisabledError),
        (2, SynwayAuthenticationError),
        (3, SynwayTokenError),
        (4, SynwayTokenError),
        (5, SynwayTokenError),
        (101, SynwayClientLimitError),
        (11, SynwayRequestError),
        (-1, SynwayRequestError),
    ],
)
def test_error_from_errno(errno: int, cls: type[SynwayRequestError]) -> None:
    error = error_from_errno(errno)
    assert type(error) is cls
    assert error.errno == errno
    assert error.meaning == ERRNO_MEANINGS[errno]
    assert str(errno) in str(error)


def test_unknown_errno_and_custom_meaning() -> None:
    error = error_from_errno(777)
    assert error.errno == 777
    assert "777" in error.meaning
    assert SynwayRequestError(6, "custom").meaning == "custom"


def test_the_clients_own_checks_raise_its_own_exception() -> None:
    """Arguments the client refuses raise SynwayArgumentError, never a bare ValueError.

    Only the parser's internals (parsing.py, caught inside the client) and Enum's own
    ``_missing_`` protocol (which must raise ValueError) raise the built-in ones.
    """
    api_dir = Path(api.__file__).parent
    bare: list[str] = []
    for path in sorted(api_dir.rglob("*.py")):
        if path.name == "parsing.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name != "_missing_"
        ]
        bare.extend(
            f"{path.name}:{node.lineno}"
            for function in functions
            for node in ast.walk(function)
            if isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)
            and node.exc.func.id in {"ValueError", "TypeError"}
        )
    assert bare == []


def test_an_argument_error_is_a_synway_error_and_a_value_error() -> None:
    assert issubclass(api.SynwayArgumentError, SynwayError)
    assert issubclass(api.SynwayArgumentError, ValueError)
    with pytest.raises(api.SynwayArgumentError, match="weekdays"):
        api.AlarmChanges(weekdays=frozenset())
