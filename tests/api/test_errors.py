"""The exception hierarchy and the errno table."""

import pytest

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
