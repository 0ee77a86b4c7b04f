"""The async client of the Synway IPPBX HTTP API (Chapter 3 of the manual).

One method per endpoint, grouped by family in mixins over the session core
(`session.SynwayClientBase`). Arguments are checked and mapped to the API's spellings
before anything is sent (enumerations are passed as members; the client sends their
``api_value``); responses are parsed tolerantly into the typed models.
"""

from ..transport import (
    USER_AGENT,
    BodyTooLargeError,
    __version__,
    legacy_tls_context,
    read_body,
)
from .calls import CallEndpoints
from .config import ConfigEndpoints
from .queues import QueueEndpoints

__all__ = [
    "USER_AGENT",
    "BodyTooLargeError",
    "SynwayClient",
    "__version__",
    "legacy_tls_context",
    "read_body",
]


class SynwayClient(ConfigEndpoints, QueueEndpoints, CallEndpoints):
    """Talks to one PBX.

    Args:
        host: The PBX as name, IP, ``host:port`` or ``http(s)://`` URL (https:443 default).
        username: The API username (IPPBX > Preference > API).
        password: The API password, clear or already as its MD5 hex digest.
        session: The aiohttp session to use; the client creates (and closes) its own only
            when none is given.
        verify_ssl: Verify the PBX's certificate (PBXs ship self-signed ones).
        request_timeout: Seconds allowed for each HTTP request.
        report_url: Where the PBX should post reports; sent at every login and heartbeat.
        event_pull: Log in with ``type=synway`` so that `getevent` can pull events.
        event_pull_extension: With ``event_pull``, limit pulled events to this extension.
    """
