"""Why a PBX cannot be used, as one translation key for the setup form and the poll.

Each reason asks the user for a different fix (a typo in the name, the wrong port, a
switched-off PBX, a certificate, a password), so each has its own sentence: the config
flow shows it under ``config.error`` and the coordinator's failed poll says it under
``exceptions``, with the same key.

The PBX answers errno 2 both to a wrong password and to every login while it locks its
API (five failed logins in a row lock it for ten minutes, api-behaviour.md); it never
says which, nor for how long. ``lockout_minutes`` replays the logins this form saw the
way the PBX counts them, so the form can say "locked, try again in N minutes".
"""

import datetime as dt
import math
from typing import Final

from .api import (
    SynwayApiDisabledError,
    SynwayAuthenticationError,
    SynwayCertificateError,
    SynwayClientLimitError,
    SynwayConnectionRefusedError,
    SynwayError,
    SynwayHostNotFoundError,
    SynwayRedirectError,
    SynwayTimeoutError,
    SynwayUnreachableError,
    SynwayWrongProtocolError,
)

# Most specific first: a subclass must come before the class it refines.
_KEYS: Final[tuple[tuple[type[SynwayError], str], ...]] = (
    (SynwayAuthenticationError, "invalid_auth"),
    (SynwayApiDisabledError, "api_disabled"),
    (SynwayClientLimitError, "too_many_clients"),
    (SynwayHostNotFoundError, "host_not_found"),
    (SynwayConnectionRefusedError, "connection_refused"),
    (SynwayUnreachableError, "no_answer"),
    (SynwayTimeoutError, "no_answer"),
    (SynwayCertificateError, "certificate_rejected"),
    (SynwayRedirectError, "redirected"),
)
FALLBACK_KEY: Final = "cannot_connect"
# The keys that say why the PBX could not be reached at all (the poll's words for them).
CONNECTION_KEYS: Final = frozenset(
    {
        "host_not_found",
        "connection_refused",
        "no_answer",
        "certificate_rejected",
        "redirected",
        "https_address_answers_http",
        "http_address_answers_https",
    }
)

# The PBX's lock: five failed logins in a row, then ten minutes of refusing every login.
LOCKOUT_ATTEMPTS: Final = 5
LOCKOUT: Final = dt.timedelta(minutes=10)


def error_key(err: SynwayError) -> str:
    """The translation key that says what is wrong, ``cannot_connect`` for the rest."""
    if isinstance(err, SynwayWrongProtocolError):
        return (
            "https_address_answers_http"
            if err.pbx_speaks == "http"
            else "http_address_answers_https"
        )
    for error_class, key in _KEYS:
        if isinstance(err, error_class):
            return key
    return FALLBACK_KEY


def lockout_minutes(rejections: list[dt.datetime], now: dt.datetime) -> int | None:
    """Minutes the PBX still locks its API after these rejected logins, None if unlocked.

    Counted as the PBX counts: refusals during a lock do not count, and the count starts
    again once the lock ran out.
    """
    count = 0
    until: dt.datetime | None = None
    for at in rejections:
        if until is not None:
            if at < until:
                continue
            count, until = 0, None
        count += 1
        if count >= LOCKOUT_ATTEMPTS:
            until = at + LOCKOUT
    if until is None or now >= until:
        return None
    return max(1, math.ceil((until - now).total_seconds() / 60))
