"""HTTP details of talking to a PBX: the User-Agent, bounded body reads, legacy TLS."""

import ssl
from typing import Final
import warnings

import aiohttp

__version__ = "0.1.0"
# Names the client (and its version) in the PBX's web server logs.
USER_AGENT = f"python-synway-ippbx/{__version__}"

_READ_CHUNK: Final = 64 * 1024


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
    if isinstance(cause, ssl.SSLCertVerificationError):
        return False
    return isinstance(cause, ssl.SSLError | ConnectionResetError)
