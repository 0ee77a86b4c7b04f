"""The async client of the Synway IPPBX HTTP API (Chapter 3 of the manual).

One method per endpoint. The client holds the token, logs in lazily, and on a token error
(errno 3, 4 or 5) logs in again once, however many calls hit the error together, and retries
each call once. Arguments are validated and mapped to the API's strings before anything is
sent; responses are parsed tolerantly into the typed models.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
import logging
import math
import ssl
from types import TracebackType
from typing import Any, Final, Self
import warnings

import aiohttp

from .address import PbxAddress, parse_address
from .credentials import password_digest
from .enums import AgentState, AudioDirection, MonitorMode, PlayMode
from .errors import (
    SynwayAuthenticationError,
    SynwayConnectionError,
    SynwayError,
    SynwayResponseError,
    SynwayTimeoutError,
    SynwayTokenError,
    error_from_errno,
)
from .models import (
    Alarm,
    AlarmChanges,
    AlarmSettings,
    CallRecord,
    CallRecordDetail,
    CdrPage,
    CdrQuery,
    ExtensionChanges,
    ExtensionSettings,
    ExtensionState,
    ExtensionStatusPage,
    Ivr,
    OutboundRoute,
    QueueInfo,
    QueueStatus,
    TrunkInfo,
    TrunkSettings,
    TtsPrompt,
    alarms_from_api,
)
from .parsing import JsonObject, is_failure, is_success, loads, mappings, to_int, to_str
from .reports import Report, ReportParseError, report_from_object

_LOGGER = logging.getLogger(__name__)

__version__ = "0.1.0"
# Names the client (and its version) in the PBX's web server logs.
USER_AGENT = f"python-synway-ippbx/{__version__}"

API_PATH: Final = "/API"
_MAX_PAGES: Final = 1_000
_MAX_RESPONSE_SIZE: Final = 64 * 1024 * 1024
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


def _tls_refused(err: aiohttp.ClientConnectorError) -> bool:
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


# --------------------------------------------------------------------------- validation


def _text(name: str, value: object) -> str:
    """Require a non-empty string (ints are accepted for numbers and made strings)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string")
    text = value.strip()
    if not text:
        raise ValueError(f"{name} must not be empty")
    return text


def _single(name: str, value: object) -> str:
    """Require one identifier: non-empty and without the list separator."""
    text = _text(name, value)
    if "," in text:
        raise ValueError(f"{name} must be a single value, not a list")
    return text


def _joined(name: str, values: Iterable[str] | None) -> str | None:
    """Join several identifiers with commas, as the API lists them."""
    if values is None:
        return None
    if isinstance(values, str):
        raise TypeError(f"{name} must be a collection of strings, not a string")
    items = [_single(name, value) for value in values]
    return ",".join(dict.fromkeys(items))


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer")
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool")
    return value


class SynwayClient:
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
        self._username = _text("username", username)
        self._password_digest = password_digest(_text("password", password))
        if isinstance(request_timeout, bool) or not isinstance(
            request_timeout, int | float
        ):
            raise TypeError("request_timeout must be a number")
        if not math.isfinite(request_timeout) or request_timeout <= 0:
            raise ValueError("request_timeout must be a positive number of seconds")
        self._session = session
        self._own_session = session is None
        self._verify_ssl = verify_ssl
        self._timeout = aiohttp.ClientTimeout(total=float(request_timeout))
        self.report_url = report_url
        self._event_pull = event_pull
        self._event_pull_extension = (
            _single("event_pull_extension", event_pull_extension)
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
        if value is not None and not isinstance(value, str):
            raise TypeError("report_url must be a string")
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
                status, payload = await self._exchange(url, params, json_body)
            except aiohttp.ClientConnectorError as err:
                if not self._may_downgrade(err):
                    raise
                _LOGGER.debug(
                    "TLS handshake with %s refused (%s); retrying with a legacy context",
                    self.address.unique_id,
                    err.os_error,
                )
                legacy = legacy_tls_context()
                status, payload = await self._exchange(url, params, json_body, legacy)
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
            # Some aiohttp errors quote the URL, whose query carries the token.
            reason = str(err).replace(token, "<token>") if token else str(err)
            raise SynwayConnectionError(
                f"{endpoint}: cannot talk to the PBX: {reason}"
            ) from err
        if status != 200:
            raise SynwayResponseError(f"{endpoint}: the PBX answered HTTP {status}")
        return self._decode(endpoint, payload)

    async def _exchange(
        self,
        url: str,
        params: dict[str, str] | None,
        body: dict[str, Any] | None,
        context: ssl.SSLContext | None = None,
    ) -> tuple[int, bytes]:
        """One HTTP round trip: the status and the whole body."""
        tls: ssl.SSLContext | bool = context or self._legacy_tls or self._verify_ssl
        async with self._get_session().post(
            url,
            params=params,
            json=body,
            ssl=tls,
            timeout=self._timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        ) as response:
            payload = await read_body(
                response.content, response.content_length, _MAX_RESPONSE_SIZE
            )
            return response.status, payload

    def _may_downgrade(self, err: aiohttp.ClientConnectorError) -> bool:
        """Only without certificate checking, only over https, only once."""
        return (
            self.address.scheme == "https"
            and not self._verify_ssl
            and self._legacy_tls is None
            and _tls_refused(err)
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

    # ----------------------------------------------------------------------- extensions

    async def ext_query(
        self, extensions: Iterable[str] | None = None
    ) -> list[ExtensionSettings]:
        """Return the settings of some extensions, or of all of them."""
        joined = _joined("extensions", extensions)
        body = {"extid": joined} if joined else {}
        data = await self._call_object("ext_query", body)
        return [
            ExtensionSettings.from_api(item) for item in mappings(data.get("extinfo"))
        ]

    async def ext_update(self, extension: str, changes: ExtensionChanges) -> None:
        """Change settings of an extension."""
        extid = _single("extension", extension)
        if not isinstance(changes, ExtensionChanges):
            raise TypeError("changes must be ExtensionChanges")
        fields = changes.to_api()
        if not fields:
            raise ValueError("changes is empty: nothing to update")
        await self._call("ext_mod", {"extid": extid, "action": "update", **fields})

    async def ext_add(
        self,
        extension: str,
        password: str,
        changes: ExtensionChanges | None = None,
        extension_type: str | None = None,
    ) -> None:
        """Create an extension with a registration password and optional settings."""
        extid = _single("extension", extension)
        body: dict[str, str] = {
            "extid": extid,
            "action": "add",
            "password": _text("password", password),
        }
        if extension_type is not None:
            body["extension_type"] = _text("extension_type", extension_type)
        if changes is not None:
            if not isinstance(changes, ExtensionChanges):
                raise TypeError("changes must be ExtensionChanges")
            body = changes.to_api() | body
        await self._call("ext_mod", body)

    async def ext_status(
        self, extension: str | None = None, page: int | None = None
    ) -> ExtensionStatusPage:
        """Return the state of one extension, or one page of all extensions."""
        body: dict[str, str] = {}
        if extension is not None:
            body["extid"] = _single("extension", extension)
        if page is not None:
            body["page"] = str(_positive("page", page))
        return ExtensionStatusPage.from_api(await self._call_object("ext_status", body))

    async def ext_status_all(self, *, concurrency: int = 4) -> list[ExtensionState]:
        """Return the state of every extension, fetching the pages concurrently."""
        _positive("concurrency", concurrency)
        first = await self.ext_status(page=1)
        max_page = _bounded_last_page(
            first.max_page, first.total, len(first.extensions)
        )
        pages = await self._remaining_pages(
            first, max_page, concurrency, lambda page: self.ext_status(page=page)
        )
        seen: dict[str, ExtensionState] = {}
        for result in pages:
            for state in result.extensions:
                seen.setdefault(state.extension, state)
        return list(seen.values())

    async def _remaining_pages[P: (ExtensionStatusPage, CdrPage)](
        self,
        first: P,
        max_page: int | None,
        concurrency: int,
        fetch: Callable[[int], Awaitable[P]],
    ) -> list[P]:
        """Fetch pages 2..max_page with a bound; without max_page, walk until a short page."""
        pages = [first]
        if max_page is not None:
            last = min(max_page, _MAX_PAGES)
            if last > 1:
                pages.extend(
                    await self._gather_bounded(fetch, range(2, last + 1), concurrency)
                )
            return pages
        page_size = _page_items(first)
        page = first
        number = 1
        while page_size and _page_items(page) >= page_size and number < _MAX_PAGES:
            number += 1
            page = await fetch(number)
            if not _page_items(page):
                break
            pages.append(page)
        return pages

    @staticmethod
    async def _gather_bounded[P](
        fetch: Callable[[int], Awaitable[P]], numbers: Iterable[int], concurrency: int
    ) -> list[P]:
        semaphore = asyncio.Semaphore(concurrency)

        async def one(number: int) -> P:
            async with semaphore:
                return await fetch(number)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(number)) for number in numbers]
        except* SynwayError as errors:
            raise errors.exceptions[0] from None
        return [task.result() for task in tasks]

    # ----------------------------------------------------------------------- trunks

    async def trunk_list(self) -> list[TrunkInfo]:
        """Return every trunk with its type and state."""
        data = await self._call_object("trunk_list")
        return [TrunkInfo.from_api(item) for item in mappings(data.get("trunklist"))]

    async def trunk_query(
        self, names: Iterable[str] | None = None
    ) -> list[TrunkSettings]:
        """Return the settings of some trunks, or of all of them."""
        joined = _joined("names", names)
        data = await self._call_object(
            "trunk_query", {"trunkname": joined} if joined else {}
        )
        return [TrunkSettings.from_api(item) for item in mappings(data.get("trunks"))]

    # ----------------------------------------------------------------------- queues

    async def queue_list(self) -> list[QueueInfo]:
        """Return every queue."""
        data = await self._call_object("queue_list")
        return [QueueInfo.from_api(item) for item in mappings(data.get("queuelist"))]

    async def queue_members(self, queue_id: str) -> QueueStatus:
        """Return the waiting callers and the agents of a queue."""
        queue = _single("queue_id", queue_id)
        data = await self._call_object("queue_members", {"queueid": queue})
        return QueueStatus.from_api(data, queue)

    def _agent_body(
        self, queue_id: str, extension: str, password: str | None = None
    ) -> dict[str, str]:
        body = {
            "queueid": _single("queue_id", queue_id),
            "extid": _single("extension", extension),
        }
        if password is not None:
            body["password"] = _text("password", password)
        return body

    async def agent_query(
        self, queue_id: str, extension: str, password: str | None = None
    ) -> AgentState:
        """Return a dynamic agent's state in a queue."""
        data = await self._call_object(
            "agent_query", self._agent_body(queue_id, extension, password)
        )
        return AgentState.parse(data.get("agentstatus"))

    async def agent_login(
        self,
        queue_id: str,
        extension: str,
        password: str | None = None,
        *,
        all_queues: bool = False,
    ) -> None:
        """Log a dynamic agent in to a queue (or to all queues)."""
        body = self._agent_body(queue_id, extension, password)
        if _flag("all_queues", all_queues):
            body["mode"] = "all"
        await self._call("agent_login", body)

    async def agent_logout(
        self,
        queue_id: str,
        extension: str,
        password: str | None = None,
        *,
        all_queues: bool = False,
    ) -> None:
        """Log a dynamic agent out of a queue (or of all queues)."""
        body = self._agent_body(queue_id, extension, password)
        if _flag("all_queues", all_queues):
            body["mode"] = "all"
        await self._call("agent_logout", body)

    async def agent_break(self, queue_id: str, extension: str) -> None:
        """Pause an agent: no queue calls until resumed."""
        await self._call("agent_break", self._agent_body(queue_id, extension))

    async def agent_resume(self, queue_id: str, extension: str) -> None:
        """Resume a paused agent."""
        await self._call("agent_resume", self._agent_body(queue_id, extension))

    # ----------------------------------------------------------------------- routes, IVRs

    async def outbound_query(self, name: str | None = None) -> list[OutboundRoute]:
        """Return one outbound route, or all of them."""
        body = {"outboundname": _single("name", name)} if name is not None else {}
        data = await self._call("outbound_query", body)
        if isinstance(data, Mapping):
            items = next(
                (
                    data[key]
                    for key in ("data", "outbounds", "outboundlist", "routes")
                    if key in data
                ),
                [data] if "outbound_name" in data else [],
            )
        else:
            items = data
        return [OutboundRoute.from_api(item) for item in mappings(items)]

    async def outbound_mod(
        self,
        name: str,
        *,
        enabled: bool | None = None,
        extensions: Iterable[str] | None = None,
        trunks: Iterable[str] | None = None,
        add: bool = False,
    ) -> None:
        """Change (or with ``add`` create) an outbound route's state and members."""
        route = _single("name", name)
        body: dict[str, str] = {
            "outboundname": route,
            "action": "add" if _flag("add", add) else "update",
        }
        if add:
            body["outbound_name"] = route
        if enabled is not None:
            body["outbound_enabled"] = "true" if _flag("enabled", enabled) else "false"
        members = _joined("extensions", extensions)
        if members is not None:
            body["member_extension"] = members
        gateways = _joined("trunks", trunks)
        if gateways is not None:
            body["member_gateway"] = gateways
        if len(body) == 2:
            raise ValueError("nothing to change: give enabled, extensions or trunks")
        await self._call("outbound_mod", body)

    async def ivr_list(self) -> list[Ivr]:
        """Return every IVR."""
        data = await self._call_object("ivr_list")
        return [Ivr.from_api(item) for item in mappings(data.get("ivrlist"))]

    # ----------------------------------------------------------------------- alarms

    async def alarm_query(self, extension: str | None = None) -> list[Alarm]:
        """Return the wake-up alarms of one extension, or of all of them."""
        body = (
            {"extid": _single("extension", extension)} if extension is not None else {}
        )
        data = await self._call_object("alarm_query", body)
        return alarms_from_api(data.get("wakeups"))

    async def alarm_add(self, extension: str, alarm: AlarmSettings) -> None:
        """Add a wake-up alarm to an extension."""
        extid = _single("extension", extension)
        if not isinstance(alarm, AlarmSettings):
            raise TypeError("alarm must be AlarmSettings")
        await self._call("alarm_add", {"extid": extid, **alarm.to_api()})

    async def alarm_mod(self, alarm_id: str, changes: AlarmChanges) -> None:
        """Change a wake-up alarm."""
        wakeup = _single("alarm_id", alarm_id)
        if not isinstance(changes, AlarmChanges):
            raise TypeError("changes must be AlarmChanges")
        fields = changes.to_api()
        if not fields:
            raise ValueError("changes is empty: nothing to update")
        await self._call("alarm_mod", {"wakeup_uuid": wakeup, **fields})

    async def alarm_del(
        self, alarm_id: str, extensions: Iterable[str] | None = None
    ) -> None:
        """Delete a wake-up alarm (for some extensions, or for all)."""
        body = {"wakeup_uuid": _single("alarm_id", alarm_id)}
        joined = _joined("extensions", extensions)
        if joined:
            body["extid"] = joined
        await self._call("alarm_del", body)

    # ----------------------------------------------------------------------- calls

    async def monitor(
        self, extension: str, target: str, mode: MonitorMode | str
    ) -> None:
        """Let ``extension`` listen to, whisper into or barge into ``target``'s call."""
        body = {
            "extid": _single("extension", extension),
            "monitorid": _single("target", target),
            "mode": MonitorMode.parse(mode).api_value,
        }
        await self._call("monitor", body)

    async def play_sound_file(
        self,
        uuid: str,
        *,
        mode: PlayMode | str,
        files: Sequence[str] | None = None,
        tts: TtsPrompt | None = None,
    ) -> None:
        """Play custom prompts (``files``) or a TTS prompt into a call leg."""
        body: dict[str, Any] = {"uuid": _single("uuid", uuid)}
        play_mode = PlayMode.parse(mode)
        if (files is None) == (tts is None):
            raise ValueError("give exactly one of files and tts")
        if files is not None:
            if isinstance(files, str):
                raise TypeError("files must be a list of file names, not a string")
            names = [_single("file name", name) for name in files]
            if not names:
                raise ValueError("files must name at least one prompt")
            body["filename"] = ",".join(names)
        elif isinstance(tts, TtsPrompt):
            body |= {"type": "tts", "tts_type": tts.type, "tts_url": tts.url}
            body["tts_param"] = dict(tts.params)
        else:
            raise TypeError("tts must be a TtsPrompt")
        body["mode"] = play_mode.api_value
        await self._call("play_sound_file", body)

    async def ext_outbound(
        self, extension: str, number: str, user_id: str | None = None
    ) -> None:
        """Make ``extension`` call ``number`` (the extension rings first)."""
        body = {
            "extid": _single("extension", extension),
            "calledid": _single("number", number),
        }
        if user_id is not None:
            body["user_id"] = _text("user_id", user_id)
        await self._call("ext_outbound", body)

    async def transfer_ext(self, uuid: str, destination: str) -> None:
        """Transfer a call leg to an extension or outside number."""
        body = {
            "uuid": _single("uuid", uuid),
            "extid": _single("destination", destination),
        }
        await self._call("transfer_ext", body)

    async def hangup(self, uuid: str) -> None:
        """Hang up a call leg."""
        await self._call("hangup", {"uuid": _single("uuid", uuid)})

    async def hold(self, uuid: str) -> None:
        """Put a call leg on hold."""
        await self._call("hold", {"uuid": _single("uuid", uuid)})

    async def unhold(self, uuid: str) -> None:
        """Resume a held call leg."""
        await self._call("unhold", {"uuid": _single("uuid", uuid)})

    async def record(self, uuid: str) -> None:
        """Start (or stop) recording a call leg."""
        await self._call("record", {"uuid": _single("uuid", uuid)})

    async def audio(
        self,
        uuid: str,
        direction: AudioDirection | str,
        *,
        mute: bool | None = None,
        volume: int | None = None,
    ) -> None:
        """Mute/unmute or set the volume (-4..4) of a call leg's speaking or listening side."""
        body = {
            "uuid": _single("uuid", uuid),
            "direction": AudioDirection.parse(direction).api_value,
        }
        if (mute is None) == (volume is None):
            raise ValueError("give exactly one of mute and volume")
        if mute is not None:
            body |= {
                "type": "mute",
                "mode": "mute" if _flag("mute", mute) else "unmute",
            }
        else:
            if isinstance(volume, bool) or not isinstance(volume, int):
                raise TypeError("volume must be an integer")
            if not -4 <= volume <= 4:
                raise ValueError("volume must be between -4 and 4")
            body |= {"type": "level", "level": str(volume)}
        await self._call("audio", body)

    async def inbound_accept(self, uuid: str) -> None:
        """Let a controlled inbound call (CallinRequest) through now."""
        await self._call("inbound_accept", {"uuid": _single("uuid", uuid)})

    async def inbound_refuse(self, uuid: str) -> None:
        """Refuse a controlled inbound call (CallinRequest)."""
        await self._call("inbound_refuse", {"uuid": _single("uuid", uuid)})

    async def hook(self, port: int | str, off_hook: bool) -> None:
        """Take an FXO port off hook (``off_hook=True``) or put it back on hook."""
        if isinstance(port, bool):
            raise TypeError("port must be a port number")
        port_text = _single("port", port)
        if not port_text.isdigit() or int(port_text) < 1:
            raise ValueError("port must be a positive port number")
        mode = "on" if _flag("off_hook", off_hook) else "off"
        await self._call("hook", {"port": port_text, "mode": mode})

    # ----------------------------------------------------------------------- call records

    async def cdrs(
        self, query: CdrQuery | None = None, page: int | None = None
    ) -> CdrPage:
        """Return one page of call records matching ``query``."""
        if query is not None and not isinstance(query, CdrQuery):
            raise TypeError("query must be a CdrQuery")
        body = query.to_api() if query is not None else {}
        if page is not None:
            body["page"] = str(_positive("page", page))
        return CdrPage.from_api(await self._call_object("cdrs", body))

    async def cdrs_all(
        self, query: CdrQuery | None = None, *, limit: int = 1000, concurrency: int = 4
    ) -> list[CallRecord]:
        """Return up to ``limit`` call records, fetching the pages concurrently."""
        _positive("limit", limit)
        _positive("concurrency", concurrency)
        first = await self.cdrs(query, page=1)
        page_size = first.limit or len(first.records)
        max_page = _bounded_last_page(first.max_page, first.total, page_size)
        if page_size:
            # Never fetch more pages than the limit needs, whatever the PBX claims.
            wanted = math.ceil(limit / page_size)
            max_page = wanted if max_page is None else min(max_page, wanted)
        pages = await self._remaining_pages(
            first, max_page, concurrency, lambda page: self.cdrs(query, page=page)
        )
        records: dict[str, CallRecord] = {}
        anonymous: list[CallRecord] = []
        for result in pages:
            for record in result.records:
                if record.record_id:
                    records.setdefault(record.record_id, record)
                else:
                    anonymous.append(record)
                if len(records) + len(anonymous) >= limit:
                    break
        ordered = [record for page in pages for record in page.records]
        kept = {id(record) for record in (*records.values(), *anonymous)}
        return [record for record in ordered if id(record) in kept][:limit]

    async def cdr_query(self, record_id: str) -> list[CallRecordDetail]:
        """Return the detailed legs of one call record."""
        data = await self._call_object(
            "cdr_query", {"cdrid": _single("record_id", record_id)}
        )
        return [CallRecordDetail.from_api(item) for item in mappings(data.get("data"))]

    # ----------------------------------------------------------------------- events

    async def getevent(self) -> Report | None:
        """Pull the next event (needs ``event_pull``); ``None`` when there is none."""
        data = await self._call("getevent")
        if isinstance(data, JsonObject):
            for key in ("data", "event"):
                inner = data.get(key)
                if isinstance(inner, JsonObject):
                    data = inner
                    break
        if isinstance(data, list):
            data = next(iter(mappings(data)), None)
        if not isinstance(data, Mapping):
            return None
        try:
            return report_from_object(data)
        except ReportParseError:
            return None


def _login_token(data: Any) -> str:
    token = to_str(data.get("token")) if isinstance(data, Mapping) else None
    if token is None:
        raise SynwayResponseError("login: the PBX's answer carries no token")
    return token


def _bounded_last_page(
    max_page: int | None, total: int | None, page_size: int
) -> int | None:
    """The last page worth asking for: ``max_page``, but never past what ``total`` needs.

    A PBX (or anything posing as one) claiming 10,000 pages for 30 records gets 1 page.
    """
    if total is None or total < 0 or page_size <= 0:
        return max_page
    needed = max(1, math.ceil(total / page_size))
    return needed if max_page is None else min(max_page, needed)


def _page_items(page: ExtensionStatusPage | CdrPage) -> int:
    if isinstance(page, ExtensionStatusPage):
        return len(page.extensions)
    return len(page.records)


def _has_event(data: Mapping[str, Any]) -> bool:
    return any(key.lower() in {"event", "action"} for key in data)
