"""The client's exception hierarchy and the errno table of the manual's Chapter 6.

Callers only ever see these exceptions (never aiohttp, json or asyncio ones), so an
integration can map them one to one onto its own error handling.
"""

from typing import Final

ERRNO_MEANINGS: Final[dict[int, str]] = {
    -1: "Unknown error",
    1: "API interfaces disabled",
    2: "Wrong username or password",
    3: "No such token",
    4: "Token timed out",
    5: "User has logged out",
    6: "Wrong or invalid uuid",
    7: "The prompt file does not exist",
    8: "Wrong play mode",
    9: "Wrong monitor mode",
    10: "Wrong monitor authority",
    11: "The extension does not exist",
    12: "The queue does not exist",
    13: "Wrong password for agent dynamic login/logout",
    14: "Wrong call authority",
    15: "Wrong parameter to enable voicemail",
    16: "The alarm does not exist",
    17: "Wrong parameter to enable the alarm",
    18: "Wrong alarm name",
    19: "Wrong parameter to enable the alarm's custom date",
    20: "Wrong date (week) of the alarm",
    21: "Wrong date (year-month-day) of the alarm",
    22: "Wrong time (hour) of the alarm",
    23: "Wrong time (minute) of the alarm",
    24: "Wrong retry interval of the alarm",
    25: "Parameter error",
    26: "Agent not in 'login' state",
    27: "Agent not in 'paused' state",
    28: "Agent not in 'suspended' state",
    29: "Alarm retry times error",
    30: "The parameter is empty",
    31: "Connection error",
    32: "Wrong parameter file name",
    33: "Trunk unavailable",
    34: "Inbound route unavailable",
    35: "Outbound route invalid",
    39: "Maximum number of extensions exceeded",
    40: "Extension already exists",
    41: "Extension number exceeds extension range",
    44: "Outbound route already exists",
    45: "IVR already exists",
    46: "Conference room already exists",
    47: "Queue already exists",
    48: "Dynamic agent not found",
    49: "Blacklist unavailable",
    50: "Blacklist already exists",
    100: "Unauthorized feature",
    101: "API clients reach the upper limit",
}

TOKEN_ERRNOS: Final = frozenset({3, 4, 5})


class SynwayError(Exception):
    """Base of every error raised by the client."""


class SynwayArgumentError(SynwayError, ValueError):
    """An argument the client was given cannot be sent; raised before anything is sent.

    Blank, a list where one value is wanted, out of range, a string where a collection is
    wanted, an unusable address. Raised before anything is sent. Also a ValueError, so callers that checked values that
    way keep working.
    """


class SynwayConnectionError(SynwayError):
    """The PBX could not be reached (DNS, refused connection, TLS, dropped connection)."""


class SynwayTimeoutError(SynwayConnectionError):
    """The PBX did not answer within the request timeout."""


class SynwayHostNotFoundError(SynwayConnectionError):
    """The PBX's host name does not resolve (a typo, or a name only another network knows)."""


class SynwayConnectionRefusedError(SynwayConnectionError):
    """The host answered but nothing listens on the port (wrong port, or the web server off)."""


class SynwayUnreachableError(SynwayConnectionError):
    """No route to the address (switched off, another network, a firewall dropping packets)."""


class SynwayCertificateError(SynwayConnectionError):
    """Certificate checking is on and the PBX's certificate failed it (PBXs ship self-signed)."""


class SynwayRedirectError(SynwayConnectionError):
    """The PBX address answered with a redirect (3xx), which the client never follows.

    A redirect would carry the password digest and the token to another host, and a 302
    turns a login into a GET: the address, port or protocol is wrong, or something else
    answers there.
    """

    def __init__(self, status: int, location: str | None) -> None:
        """Keep where the redirect pointed (the query, which may echo a token, dropped)."""
        self.status = status
        self.location = location
        super().__init__(
            f"the PBX address answered with a redirect (HTTP {status}) to "
            f"{location or 'nowhere'}; check the address, port and protocol"
        )


class SynwayWrongProtocolError(SynwayConnectionError):
    """The address names one protocol and the PBX speaks the other on that port.

    ``pbx_speaks`` is what the PBX answered: ``"http"`` for plain HTTP on an https
    address, ``"https"`` for TLS on an http address.
    """

    def __init__(self, pbx_speaks: str) -> None:
        """Say it in words rather than as an SSL library error."""
        self.pbx_speaks = pbx_speaks
        super().__init__(
            "the PBX answered plain HTTP on an HTTPS address; use http:// or check the port"
            if pbx_speaks == "http"
            else "the PBX speaks HTTPS on this port but the address says HTTP; "
            "use https:// or check the port"
        )


class SynwayResponseError(SynwayError):
    """The PBX answered something the client cannot use (HTTP error, not JSON, wrong shape)."""


class SynwayRequestError(SynwayError):
    """The PBX refused the request with an errno of Chapter 6."""

    def __init__(self, errno: int, meaning: str | None = None) -> None:
        """Keep the errno and the manual's meaning of it."""
        self.errno = errno
        self.meaning = meaning or ERRNO_MEANINGS.get(
            errno, f"Unknown error code {errno}"
        )
        super().__init__(f"PBX error {errno}: {self.meaning}")


class SynwayApiDisabledError(SynwayRequestError):
    """The API is switched off on the PBX (errno 1)."""


class SynwayAuthenticationError(SynwayRequestError):
    """The PBX rejected the API username or password (errno 2)."""


class SynwayTokenError(SynwayRequestError):
    """The token is unknown, expired or logged out (errno 3, 4, 5); a new login fixes it."""


class SynwayClientLimitError(SynwayRequestError):
    """The PBX already serves its maximum number of API clients (errno 101)."""


_ERROR_CLASSES: Final[dict[int, type[SynwayRequestError]]] = {
    1: SynwayApiDisabledError,
    2: SynwayAuthenticationError,
    3: SynwayTokenError,
    4: SynwayTokenError,
    5: SynwayTokenError,
    101: SynwayClientLimitError,
}


_CONNECT_ERRORS: Final[dict[str, type[SynwayConnectionError]]] = {
    "name": SynwayHostNotFoundError,
    "refused": SynwayConnectionRefusedError,
    "unreachable": SynwayUnreachableError,
    "certificate": SynwayCertificateError,
}


def connection_error(reason: str | None, message: str) -> SynwayConnectionError:
    """The error for why a connection failed (``transport.connect_failure``'s word)."""
    return _CONNECT_ERRORS.get(reason or "", SynwayConnectionError)(message)


def error_from_errno(errno: int) -> SynwayRequestError:
    """Build the most specific exception for an errno."""
    return _ERROR_CLASSES.get(errno, SynwayRequestError)(errno)
