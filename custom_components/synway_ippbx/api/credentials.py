"""The password form the PBX wants: the lower-case MD5 hex digest of the API password."""

import hashlib
import re

_DIGEST = re.compile(r"[0-9a-fA-F]{32}")


def password_digest(password: str) -> str:
    """Return the MD5 hex digest the login needs.

    A value that already is a 32-hex digest is taken as such (lower-cased), so stored
    credentials never get hashed twice.
    """
    if _DIGEST.fullmatch(password):
        return password.lower()
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


def password_candidates(password: str) -> list[str]:
    """The digests a password typed by a person may stand for, likeliest first.

    The manual tells users to log in with the MD5 of the password, so a typed value of
    32 hex digits is most likely that digest; it could also be a clear password that
    happens to look like one, whose own MD5 is then the second candidate.
    """
    hashed = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    if _DIGEST.fullmatch(password):
        return [password.lower(), hashed]
    return [hashed]
