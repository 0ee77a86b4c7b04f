"""Host parsing and the password digest."""

import hashlib

import pytest

from custom_components.synway_ippbx.api import (
    PbxAddress,
    SynwayArgumentError,
    parse_address,
    password_candidates,
    password_digest,
)


@pytest.mark.parametrize(
    ("host", "expected", "base_url", "unique_id"),
    [
        (
            "pbx.local",
            ("https", "pbx.local", 443),
            "https://pbx.local:443",
            "pbx.local:443",
        ),
        (
            "PBX.Local",
            ("https", "pbx.local", 443),
            "https://pbx.local:443",
            "pbx.local:443",
        ),
        (
            "192.168.1.10",
            ("https", "192.168.1.10", 443),
            "https://192.168.1.10:443",
            "192.168.1.10:443",
        ),
        (
            "192.168.1.10:8088",
            ("https", "192.168.1.10", 8088),
            "https://192.168.1.10:8088",
            "192.168.1.10:8088",
        ),
        ("http://pbx", ("http", "pbx", 80), "http://pbx:80", "pbx:80"),
        ("HTTP://pbx:8080/", ("http", "pbx", 8080), "http://pbx:8080", "pbx:8080"),
        (
            "https://pbx.example.com",
            ("https", "pbx.example.com", 443),
            "https://pbx.example.com:443",
            "pbx.example.com:443",
        ),
        (
            "[fe80::1]:8443",
            ("https", "fe80::1", 8443),
            "https://[fe80::1]:8443",
            "[fe80::1]:8443",
        ),
        (
            "fe80::1",
            ("https", "fe80::1", 443),
            "https://[fe80::1]:443",
            "[fe80::1]:443",
        ),
        ("http://[::1]", ("http", "::1", 80), "http://[::1]:80", "[::1]:80"),
        (
            "  pbx.local.  ",
            ("https", "pbx.local", 443),
            "https://pbx.local:443",
            "pbx.local:443",
        ),
    ],
)
def test_parse_address(
    host: str, expected: tuple[str, str, int], base_url: str, unique_id: str
) -> None:
    address = parse_address(host)
    assert address == PbxAddress(*expected)  # type: ignore[arg-type]
    assert address.base_url == base_url
    assert address.unique_id == unique_id


@pytest.mark.parametrize(
    "host",
    [
        "",
        "   ",
        "http://",
        "ftp://pbx",
        "pbx:99999",
        "pbx:0",
        "pbx:port",
        "pbx/api",
        "https://pbx/API",
        "user:pw@pbx",
        "pbx?x=1",
        "bad host",
        "-pbx",
        "[fe80::1",
        "a" * 300,
    ],
)
def test_parse_address_rejects_garbage(host: str) -> None:
    with pytest.raises(SynwayArgumentError):
        parse_address(host)


def test_parse_address_rejects_non_strings() -> None:
    with pytest.raises(SynwayArgumentError):
        parse_address(None)  # type: ignore[arg-type]


def test_password_digest() -> None:
    expected = hashlib.md5(b"secret", usedforsecurity=False).hexdigest()
    assert password_digest("secret") == expected
    assert password_digest(expected) == expected
    assert password_digest(expected.upper()) == expected
    assert (
        password_digest("8a5da52ed126447d359e70c05721a8aa")
        == "8a5da52ed126447d359e70c05721a8aa"
    )
    # 31 hex digits is a password, not a digest
    assert (
        password_digest("8a5da52ed126447d359e70c05721a8a")
        != "8a5da52ed126447d359e70c05721a8a"
    )
    assert len(password_digest("密码")) == 32


def test_password_candidates() -> None:
    clear = hashlib.md5(b"secret", usedforsecurity=False).hexdigest()
    assert password_candidates("secret") == [clear]
    hexy = "0123456789ABCDEF0123456789abcdef"
    assert password_candidates(hexy) == [
        hexy.lower(),
        hashlib.md5(hexy.encode(), usedforsecurity=False).hexdigest(),
    ]
