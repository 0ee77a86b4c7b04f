"""Checks of a request's arguments that the type checker cannot make.

Types are the type checker's business (the package is typed, mypy strict). What is left is
what a type cannot say: a blank text, a comma inside one identifier, a plain string where a
collection of strings is wanted (a string is one), a number out of range.
"""

from collections.abc import Iterable

from .exceptions import SynwayArgumentError


def text(name: str, value: str) -> str:
    """Require a non-blank text; return it stripped."""
    stripped = value.strip()
    if not stripped:
        raise SynwayArgumentError(f"{name} must not be empty")
    return stripped


def single(name: str, value: str) -> str:
    """Require one identifier: non-blank and without the API's list separator."""
    stripped = text(name, value)
    if "," in stripped:
        raise SynwayArgumentError(f"{name} must be a single value, not a list")
    return stripped


def joined(name: str, values: Iterable[str] | None) -> str | None:
    """Join several identifiers with commas, as the API lists them."""
    if values is None:
        return None
    if isinstance(values, str):
        raise SynwayArgumentError(
            f"{name} must be a collection of strings, not a string"
        )
    return ",".join(dict.fromkeys(single(name, value) for value in values))


def positive(name: str, value: int) -> int:
    """Require a count of at least 1."""
    if value < 1:
        raise SynwayArgumentError(f"{name} must be at least 1")
    return value
