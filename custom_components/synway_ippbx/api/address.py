"""Normalisation of the PBX address a user types (name, IP, ``host:port`` or URL)."""

from dataclasses import dataclass
import ipaddress
import re
from typing import Literal
from urllib.parse import urlsplit

from .exceptions import SynwayArgumentError

type Scheme = Literal["http", "https"]

_DEFAULT_PORTS: dict[Scheme, int] = {"https": 443, "http": 80}
_HOSTNAME = re.compile(
    r"(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?"
)


@dataclass(frozen=True, slots=True)
class PbxAddress:
    """Where the PBX's API lives."""

    scheme: Scheme
    host: str
    port: int

    @property
    def _host_for_url(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def base_url(self) -> str:
        """The URL the API paths hang off, e.g. ``https://pbx.local:443``."""
        return f"{self.scheme}://{self._host_for_url}:{self.port}"

    @property
    def unique_id(self) -> str:
        """A stable identity of the PBX for config entries, e.g. ``pbx.local:443``."""
        return f"{self._host_for_url}:{self.port}"


def parse_address(host: str) -> PbxAddress:
    """Parse what the user typed; https and port 443 unless the input says otherwise.

    Raises:
        SynwayArgumentError: the input is not a usable host.
    """
    if not isinstance(host, str) or not host.strip():
        raise SynwayArgumentError("The PBX address is empty")
    text = host.strip()
    scheme: Scheme = "https"
    if _is_bare_ipv6(text):
        return PbxAddress(
            scheme, str(ipaddress.IPv6Address(text)), _DEFAULT_PORTS[scheme]
        )
    lowered = text.lower()
    if "://" in text:
        if lowered.startswith("https://"):
            scheme = "https"
        elif lowered.startswith("http://"):
            scheme = "http"
        else:
            raise SynwayArgumentError(f"Unsupported scheme in PBX address: {host!r}")
        to_split = text
    else:
        to_split = f"{scheme}://{text}"
    try:
        parts = urlsplit(to_split)
        port = parts.port
        hostname = parts.hostname
    except ValueError as err:
        raise SynwayArgumentError(f"Invalid PBX address: {host!r}") from err
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username:
        raise SynwayArgumentError(
            f"The PBX address must not carry a path or credentials: {host!r}"
        )
    if not hostname:
        raise SynwayArgumentError(f"Invalid PBX address: {host!r}")
    hostname = hostname.lower()
    if not _valid_host(hostname):
        raise SynwayArgumentError(f"Invalid PBX host name: {host!r}")
    if port == 0:
        raise SynwayArgumentError(f"Invalid PBX port: {host!r}")
    return PbxAddress(scheme, hostname.rstrip("."), port or _DEFAULT_PORTS[scheme])


def _valid_host(hostname: str) -> bool:
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return len(hostname) <= 253 and _HOSTNAME.fullmatch(hostname) is not None
    return True


def _is_bare_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True
