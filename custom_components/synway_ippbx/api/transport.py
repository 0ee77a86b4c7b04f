"""HTTP details of talking to a PBX: the User-Agent, bounded body reads, legacy TLS.

Also the words for a wrong protocol: an SSL library error or a dropped connection is
told apart from "the PBX speaks the other protocol on this port".
"""

import asyncio
import contextlib
import errno
import socket
import ssl
from typing import Final
from urllib.parse import urlsplit, urlunsplit
import warnings

import aiohttp

__version__ = "0.1.0"
# Names the client (and its version) in the PBX's web server logs.
USER_AGENT = f"python-synway-ippbx/{__version__}"

_READ_CHUNK: Final = 64 * 1024
# What OpenSSL says when the other end answers a ClientHello with plain text (HTTP).
_PLAIN_HTTP_REASONS: Final = frozenset(
    {"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG"}
)
# What the operating system says when no route leads to the address or nothing answers.
_UNREACHABLE_ERRNOS: Final = frozenset(
    {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EHOSTDOWN}
)
# What nginx-like servers answer to plain HTTP on their TLS port.
_PLAIN_ON_TLS_PORT: Final = b"plain http request was sent to https port"


class BodyTooLargeError(ValueError):
    """A body is larger than the reader's limit."""


async def read_body(
    stream: aiohttp.StreamReader, content_length: int | None, limit: int
) -> bytes:
    """Read a whole body, at most ``limit`` bytes.

    ``StreamReader.read(n)`` returns only what has arrived so far, so one read of a body
    delivered in TCP segments yields a fragment. Read until EOF instead; refuse at once when
    Content-Length announces too much, and stop as soon as more than ``limit`` arrived.

    Raises:
        BodyTooLargeError: the body is (or announces itself) larger than ``limit``.
    """
    if content_length is not None and content_length > limit:
        raise BodyTooLargeError(f"body of {content_length} bytes exceeds {limit}")
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def legacy_tls_context() -> ssl.SSLContext:
    """A context an old PBX firmware can talk to: TLS 1.0 and up, any cipher, no checks.

    Only ever used with certificate checking off, where it protects no less than the default.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        # TLSVersion.TLSv1 is deprecated precisely because only such devices still need it.
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.options |= getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0)
    return context


def tls_refused(err: aiohttp.ClientConnectorError) -> bool:
    """Whether a connect error is a TLS handshake refused for protocol or cipher reasons.

    An old server answers a modern ClientHello with a protocol alert (an SSLError) or just
    drops the connection mid-handshake (a reset); certificate errors are never a reason.
    """
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        return False
    cause = err.os_error
    if isinstance(cause, ssl.SSLCertVerificationError) or answered_plain_http(err):
        return False
    return isinstance(cause, ssl.SSLError | ConnectionResetError)


def answered_plain_http(err: aiohttp.ClientConnectorError) -> bool:
    """Whether a TLS handshake failed because the other end spoke plain HTTP."""
    cause = err.os_error
    return isinstance(cause, ssl.SSLError) and (
        getattr(cause, "reason", None) in _PLAIN_HTTP_REASONS
        or any(reason.lower() in str(cause).lower() for reason in _PLAIN_HTTP_REASONS)
    )


def plain_http_on_tls_port(status: int, body: bytes) -> bool:
    """Whether an answer is a web server's complaint about plain HTTP on its TLS port."""
    return status == 400 and _PLAIN_ON_TLS_PORT in body[:4096].lower()


async def speaks_tls(host: str, port: int, seconds: float) -> bool:
    """Whether ``host:port`` completes a TLS handshake (certificates unchecked).

    Asked only after a plain HTTP request was dropped: a TLS server drops what it cannot
    read as a ClientHello, and so does a PBX that is restarting; the handshake tells which.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        async with asyncio.timeout(seconds):
            _reader, writer = await asyncio.open_connection(host, port, ssl=context)
    except OSError, TimeoutError:
        return False
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(seconds):
            await writer.wait_closed()
    return True


def redirect_target(location: str | None) -> str | None:
    """Where a redirect points, without its query or fragment (they may echo a token)."""
    if not location:
        return None
    parts = urlsplit(location.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")) or None


def connect_failure(err: BaseException) -> str | None:
    """Why a connection could not be made, in one word, or None when it is none of these.

    ``"name"``: the host name does not resolve; ``"refused"``: nothing listens on the port;
    ``"unreachable"``: no route to the address; ``"certificate"``: the certificate failed
    the check. Each asks the user for a different fix, so each is told apart.
    """
    if isinstance(err, aiohttp.ClientConnectorCertificateError):
        return "certificate"
    cause = err.os_error if isinstance(err, aiohttp.ClientConnectorError) else err
    if isinstance(err, aiohttp.ClientConnectorDNSError) or isinstance(
        cause, socket.gaierror
    ):
        return "name"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return "certificate"
    if isinstance(cause, ConnectionRefusedError):
        return "refused"
    if isinstance(cause, OSError) and cause.errno in _UNREACHABLE_ERRNOS:
        return "unreachable"
    return None
