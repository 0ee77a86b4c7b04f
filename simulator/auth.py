"""API clients: login with the MD5 password, sliding 30-minute tokens, lockout, client limit.

Errno as in the manual's Chapter 6: 1 API disabled, 2 wrong credentials (also while locked
out), 3 no such token, 4 token timed out, 5 logged out, 101 too many API clients.
"""

from collections import deque
from dataclasses import dataclass, field
import hashlib
from typing import Any

from .clock import Clock
from .config import SimulatorConfig
from .state import Ids


def md5_hex(text: str) -> str:
    """The password as the API expects it: 32 lowercase hex digits."""
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the manual's scheme


@dataclass(eq=False)
class Session:
    """A logged-in API client."""

    token: str
    client_ip: str
    url: str | None
    target: str | None
    synway: bool
    extid: str
    last_seen: float
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=1000))


class ApiError(Exception):
    """A failed API request; carries the manual's errno."""

    def __init__(self, errno: int) -> None:
        """Remember the errno."""
        super().__init__(errno)
        self.errno = errno


class Auth:
    """Tokens and login bookkeeping."""

    def __init__(self, config: SimulatorConfig, clock: Clock, ids: Ids) -> None:
        """Start with no clients."""
        self.config = config
        self.clock = clock
        self.ids = ids
        self.sessions: dict[str, Session] = {}
        self.dead: dict[str, int] = {}
        self._failures: dict[str, tuple[int, float]] = {}

    def _expire(self) -> None:
        now = self.clock.now()
        for token, session in list(self.sessions.items()):
            if now - session.last_seen > self.config.token_ttl:
                del self.sessions[token]
                self.dead[token] = 4

    def live_sessions(self) -> list[Session]:
        """The clients whose token is still valid."""
        self._expire()
        return list(self.sessions.values())

    def login(
        self,
        username: str,
        password: str,
        client_ip: str,
        *,
        url: str | None,
        synway: bool,
        extid: str,
        target: str | None,
    ) -> Session:
        """Check credentials, lockout and the client limit; returns the new session."""
        config = self.config
        if not config.api_enabled:
            raise ApiError(1)
        now = self.clock.now()
        count, locked_until = self._failures.get(client_ip, (0, 0.0))
        if locked_until > now:
            raise ApiError(2)
        if locked_until:
            count = 0
        if username != config.username or password != md5_hex(config.password):
            count += 1
            until = (
                now + config.lockout_seconds
                if count >= config.lockout_attempts
                else 0.0
            )
            self._failures[client_ip] = (count, until)
            raise ApiError(2)
        self._failures.pop(client_ip, None)
        self._expire()
        if len(self.sessions) >= config.max_clients:
            raise ApiError(101)
        token = self.ids.new().replace("-", "")
        session = Session(token, client_ip, url, target, synway, extid, now)
        self.sessions[token] = session
        return session

    def locked(self, client_ip: str) -> bool:
        """True while ``client_ip`` is locked out."""
        return self._failures.get(client_ip, (0, 0.0))[1] > self.clock.now()

    def check(self, token: str | None) -> Session:
        """The session of ``token``, refreshed; raises the auth errno otherwise."""
        if not self.config.api_enabled:
            raise ApiError(1)
        if not token:
            raise ApiError(3)
        self._expire()
        session = self.sessions.get(token)
        if session is None:
            raise ApiError(self.dead.get(token, 3))
        session.last_seen = self.clock.now()
        return session

    def logout(self, session: Session) -> None:
        """End a session; its token now answers errno 5."""
        self.sessions.pop(session.token, None)
        self.dead[session.token] = 5

    def expire_all(self) -> None:
        """Make every token time out (errno 4)."""
        for token in list(self.sessions):
            del self.sessions[token]
            self.dead[token] = 4

    def forget_all(self) -> list[Session]:
        """A reboot: tokens live in RAM, so they are simply gone (errno 3)."""
        sessions = list(self.sessions.values())
        self.sessions.clear()
        self.dead.clear()
        self._failures.clear()
        return sessions
