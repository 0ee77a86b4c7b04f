"""The client's core: the session, the token and one authenticated request.

The client holds the token, logs in lazily, and on a token error (errno 3, 4 or 5) logs in
again once, however many calls hit the error together, and retries each call once. The
endpoint methods live in mixins by family (``client_*.py``) on top of this class.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
import logging
import math
import ssl
from types import TracebackType
from typing import Any, Final, Self

import aiohttp

from . import arguments as arg
from .address import PbxAddress, parse_address
from .credentials import password_digest
from .exceptions import (
    SynwayArgumentError,
    SynwayAuthenticationError,
    SynwayConnectionError,
    SynwayError,
    SynwayRedirectError,
    SynwayResponseError,
    SynwayTimeoutError,
    SynwayTokenError,
    SynwayWrongProtocolError,
    connection_error,
    error_from_errno,
)
from .parsing import JsonObject, is_failure, is_success, loads, to_int, to_str
from .transport import (
    USER_AGENT,
    BodyTooLargeError,
    answered_plain_http,
    connect_failure,
    legacy_tls_context,
    plain_http_on_tls_port,
    read_body,
    redirect_target,
    speaks_tls,
    tls_refused,
)

_LOGGER = logging.getLogger(__name__)

API_PATH: Final = "/API"
_MAX_RESPONSE_SIZE: Final = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Answer:
    """One HTTP answer: its status, its whole body and, for a redirect, its target."""

    status: int
    payload: bytes
    location: str | None = None


class SynwayClientBase:
    """Talks to one PBX: session, token, requests (`SynwayClient` adds the endpoints).

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

    def __init__(
        self,
        host: str,
        username: str,
        password: str,
        *,
        session: aiohttp.ClientSession | None = None,
        verify_ssl: bool = False,
        request_timeout: float = 10.0,
        report_url: str | None = None,
        event_pull: bool = False,
        event_pull_extension: str | None = None,
    ) -> None:
        """Set the client up; nothing is sent until the first call."""
        self.address: PbxAddress = parse_address(host)
        self._username = arg.text("username", username)
        self._password_digest = password_digest(arg.text("password", password))
        if not math.isfinite(request_timeout) or request_timeout <= 0:
            raise SynwayArgumentError(
                "request_timeout must be a positive number of seconds"
            )
        self._session = session
        self._own_session = session is None
        self._verify_ssl = verify_ssl
        self._timeout = aiohttp.ClientTimeout(total=float(request_timeout))
        self.report_url = report_url
        self._event_pull = event_pull
        self._event_pull_extension = (
            arg.single("event_pull_extension", event_pull_extension)
            if event_pull_extension is not None
            else None
        )
        self._token: str | None = None
        self._login_lock = asyncio.Lock()
        # Set once the PBX rejected these credentials: the PBX locks its API for every
        # application after 5 failed logins, so we never try them again.
        self._credentials_rejected = False
        self._shut_down = False
        self._legacy_tls: ssl.SSLContext | None = None
        self._pending_logouts: set[asyncio.Task[None]] = set()
        self.logins = 0

    # ----------------------------------------------------------------------- basics

    @property
    def password_digest(self) -> str:
        """The MD5 hex digest the client logs in with (what to store, never the password)."""
        return self._password_digest

    @property
    def token(self) -> str | None:
        """The current API token, if logged in."""
        return self._token

    @property
    def logged_in(self) -> bool:
        """Whether the client holds a token."""
        return self._token is not None

    @property
    def credentials_rejected(self) -> bool:
        """Whether the PBX rejected the credentials (no login is tried with them again)."""
        return self._credentials_rejected

    @property
    def legacy_tls(self) -> bool:
        """Whether the PBX only accepted a legacy TLS handshake (TLS 1.0, weak ciphers)."""
        return self._legacy_tls is not None

    @property
    def report_url(self) -> str | None:
        """The report address given to the PBX at every login and heartbeat."""
        return self._report_url

    @report_url.setter
    def report_url(self, value: str | None) -> None:
        self._report_url = value.strip() or None if value is not None else None

    async def close(self) -> None:
        """Close the HTTP session if the client created it (an injected one stays open)."""
        if self._own_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def __aenter__(self) -> Self:
        """Use the client as an async context manager; it closes its own session on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the client's own session."""
        await self.close()

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    # ----------------------------------------------------------------------- transport

    async def _post(
        self, endpoint: str, body: Mapping[str, Any] | None, token: str | None
    ) -> Any:
        """POST one request and return the decoded answer, raising on errno and bad answers."""
        url = f"{self.address.base_url}{API_PATH}/{endpoint}"
        params = {"token": token} if token is not None else None
        json_body = dict(body) if body is not None else None
        try:
            try:
                answer = await self._exchange(url, params, json_body)
            except aiohttp.ClientConnectorError as err:
                if not self._may_downgrade(err):
                    raise
                _LOGGER.debug(
                    "TLS handshake with %s refused (%s); retrying with a legacy context",
                    self.address.unique_id,
                    err.os_error,
                )
                legacy = legacy_tls_context()
                answer = await self._exchange(url, params, json_body, legacy)
                self._legacy_tls = legacy
                _LOGGER.info(
                    "%s only accepts legacy TLS (1.0/1.1 or weak ciphers); using it",
                    self.address.unique_id,
                )
        except BodyTooLargeError as err:
            raise SynwayResponseError(
                f"{endpoint}: the PBX's answer is too large"
            ) from err
        except TimeoutError as err:
            raise SynwayTimeoutError(
                f"{endpoint}: no answer from the PBX in time"
            ) from err
        except (aiohttp.ClientError, OSError) as err:
            if await self._wrong_protocol(err):
                raise SynwayWrongProtocolError(
                    "http" if self.address.scheme == "https" else "https"
                ) from err
            # Some aiohttp errors quote the URL, whose query carries the token.
            reason = str(err).replace(token, "<token>") if token else str(err)
            raise connection_error(
                connect_failure(err), f"{endpoint}: cannot talk to the PBX: {reason}"
            ) from err
        if 300 <= answer.status < 400:
            raise SynwayRedirectError(answer.status, answer.location)
        if self.address.scheme == "http" and plain_http_on_tls_port(
            answer.status, answer.payload
        ):
            raise SynwayWrongProtocolError("https")
        if answer.status != 200:
            raise SynwayResponseError(
                f"{endpoint}: the PBX answered HTTP {answer.status}"
            )
        return self._decode(endpoint, answer.payload)

    async def _wrong_protocol(self, err: BaseException) -> bool:
        """Whether a failed request spoke the wrong protocol to the PBX's port.

        https to a plain HTTP server fails the handshake with a version error; plain HTTP
        to a TLS server gets the connection dropped, which a restarting PBX does too, so
        only a completed TLS handshake on the same port says the PBX speaks HTTPS.
        """
        if self.address.scheme == "https":
            return isinstance(
                err, aiohttp.ClientConnectorError
            ) and answered_plain_http(err)
        if isinstance(err, aiohttp.ClientConnectorError) or not isinstance(
            err, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError
        ):
            return False
        return await speaks_tls(
            self.address.host, self.address.port, self._timeout.total or 10.0
        )

    async def _exchange(
        self,
        url: str,
        params: dict[str, str] | None,
        body: dict[str, Any] | None,
        context: ssl.SSLContext | None = None,
    ) -> _Answer:
        """One HTTP round trip: the status and the whole body.

        Redirects are never followed: one would carry the password digest and the token to
        whatever host it names (and a 302 turns the login into a GET).
        """
        tls: ssl.SSLContext | bool = context or self._legacy_tls or self._verify_ssl
        async with self._get_session().post(
            url,
            params=params,
            json=body,
            ssl=tls,
            timeout=self._timeout,
            allow_redirects=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        ) as response:
            if 300 <= response.status < 400:
                return _Answer(
                    response.status,
                    b"",
                    redirect_target(response.headers.get("Location")),
                )
            payload = await read_body(
                response.content, response.content_length, _MAX_RESPONSE_SIZE
            )
            return _Answer(response.status, payload)

    def _may_downgrade(self, err: aiohttp.ClientConnectorError) -> bool:
        """Only without certificate checking, only over https, only once."""
        return (
            self.address.scheme == "https"
            and not self._verify_ssl
            and self._legacy_tls is None
            and tls_refused(err)
        )

    @staticmethod
    def _decode(endpoint: str, payload: bytes) -> Any:
        if not payload.strip():
            return None
        try:
            data = loads(payload.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as err:
            raise SynwayResponseError(
                f"{endpoint}: the PBX's answer is not JSON"
            ) from err
        if not isinstance(data, JsonObject):
            return data
        status = data.get("status")
        errno = to_int(data.get("errno"))
        if errno is None and _has_event(data):
            # getevent answers with the event itself: its "status" (a failed call's
            # CDR says FAILED) is data, not the request's outcome.
            return data
        if is_failure(status) or (errno is not None and not is_success(status)):
            raise error_from_errno(errno if errno is not None else -1)
        if status is None or is_success(status):
            return data
        raise SynwayResponseError(f"{endpoint}: unexpected status {status!r}")

    def _check_may_login(self) -> None:
        if self._credentials_rejected:
            raise SynwayAuthenticationError(
                2, "The PBX rejected these credentials; not trying them again"
            )
        if self._shut_down:
            raise SynwayConnectionError("The client was shut down")

    async def _login_locked(self) -> None:
        """Log in; the caller holds the login lock.

        A token still held is logged out first, so that a re-login never leaves a second
        session (and API client slot) behind on the PBX.
        """
        self._check_may_login()
        if self._token is not None:
            await self._discard_token(self._token)
            self._token = None
        body: dict[str, str] = {
            "username": self._username,
            "password": self._password_digest,
        }
        if self._report_url:
            body["url"] = self._report_url
        if self._event_pull:
            body["type"] = "synway"
            body["extid"] = self._event_pull_extension or ""
        self.logins += 1
        # Shielded: a login cancelled mid-flight (an unload) may still land on the PBX, and
        # its token must then be logged out rather than hold a client slot for 30 minutes.
        attempt = asyncio.ensure_future(self._post("login", body, None))
        try:
            data = await asyncio.shield(attempt)
        except SynwayAuthenticationError:
            self._credentials_rejected = True
            raise
        except asyncio.CancelledError:
            attempt.add_done_callback(self._logout_landed_login)
            raise
        token = _login_token(data)
        if self._shut_down:
            await self._discard_token(token)
            raise SynwayConnectionError("The client was shut down during login")
        self._token = token
        _LOGGER.debug("Logged in to %s", self.address.unique_id)

    def _logout_landed_login(self, attempt: asyncio.Future[Any]) -> None:
        """A cancelled login finished after all: free its session on the PBX."""
        if attempt.cancelled() or attempt.exception() is not None:
            return
        try:
            token = _login_token(attempt.result())
        except SynwayResponseError:
            return
        task = asyncio.get_running_loop().create_task(self._discard_token(token))
        self._pending_logouts.add(task)
        task.add_done_callback(self._pending_logouts.discard)

    async def _discard_token(self, token: str) -> None:
        """Log a token out, ignoring every failure (it may already be gone)."""
        try:
            await self._post("logout", None, token)
        except SynwayError as err:
            _LOGGER.debug("Logging an old token out failed: %s", err)

    async def _ensure_token(self) -> str:
        token = self._token
        if token is not None:
            return token
        self._check_may_login()
        async with self._login_lock:
            if self._token is None:
                await self._login_locked()
            return self._token or await self._ensure_token()

    async def _relogin(self, stale: str) -> None:
        """Replace a token the PBX rejected; concurrent callers share one new login."""
        self._check_may_login()
        async with self._login_lock:
            if self._token is not None and self._token != stale:
                return
            # The PBX no longer knows the stale token: nothing to log out.
            if self._token == stale:
                self._token = None
            await self._login_locked()

    async def _call(self, endpoint: str, body: Mapping[str, Any] | None = None) -> Any:
        """Send an authenticated request: lazy login, one re-login and retry on token errors."""
        token = await self._ensure_token()
        try:
            return await self._post(endpoint, body, token)
        except SynwayTokenError:
            _LOGGER.debug("Token rejected on %s; logging in again", endpoint)
        await self._relogin(token)
        return await self._post(endpoint, body, await self._ensure_token())

    async def _call_object(
        self, endpoint: str, body: Mapping[str, Any] | None = None
    ) -> JsonObject:
        data = await self._call(endpoint, body)
        if data is None:
            return JsonObject()
        if not isinstance(data, JsonObject):
            raise SynwayResponseError(
                f"{endpoint}: the PBX's answer is not a JSON object"
            )
        return data

    async def _call_list(
        self, endpoint: str, field: str, body: Mapping[str, Any] | None = None
    ) -> tuple[JsonObject, list[Mapping[str, Any]]]:
        """Call a list endpoint; the answer must carry its list, or it is no answer.

        A bare ``{"status":"Success"}`` (a half-booted PBX, a proxy, a redirect target)
        would otherwise read as "the PBX has nothing", and everything would be removed.
        """
        data = await self._call_object(endpoint, body)
        items = data.get(field)
        if isinstance(items, Mapping):
            items = [items]
        if not isinstance(items, list):
            raise SynwayResponseError(
                f"{endpoint}: the PBX's answer has no {field} list"
            )
        return data, [item for item in items if isinstance(item, Mapping)]

    # ----------------------------------------------------------------------- authentication

    async def login(self) -> None:
        """Log in now (also sends ``report_url``); raises on bad credentials and limits.

        A token held so far is logged out first. Once the PBX rejected the credentials this
        raises `SynwayAuthenticationError` without asking the PBX again: a new client (new
        credentials) is the only way to try again.
        """
        self._check_may_login()
        async with self._login_lock:
            await self._login_locked()

    async def heartbeat(self, url: str | None = None) -> None:
        """Keep the token alive (another 30 min) and (re)tell the PBX where to post reports."""
        target = url if url is not None else self._report_url
        await self._call("heartbeat", {"url": target} if target else {})

    async def logout(self) -> None:
        """Log out; does nothing without a token, and ignores token errors (already gone)."""
        token, self._token = self._token, None
        if token is None:
            return
        try:
            await self._post("logout", None, token)
        except SynwayTokenError:
            _LOGGER.debug("Token already invalid at logout")

    async def shutdown(self) -> None:
        """Log out for good: no further login, and a login still in flight logs out on landing.

        Raises like `logout` for the token held now.
        """
        self._shut_down = True
        await self.logout()
        if self._pending_logouts:
            await asyncio.gather(*self._pending_logouts, return_exceptions=True)


def _login_token(data: Any) -> str:
    token = to_str(data.get("token")) if isinstance(data, Mapping) else None
    if token is None:
        raise SynwayResponseError("login: the PBX's answer carries no token")
    return token


def _has_event(data: Mapping[str, Any]) -> bool:
    return any(key.lower() in {"event", "action"} for key in data)
