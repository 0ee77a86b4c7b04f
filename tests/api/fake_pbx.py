"""A tiny scriptable HTTP server for faults the simulator cannot produce on purpose.

It knows only login and token checks; every other answer is scripted per endpoint by the test
(a JSON-able value, raw bytes, an aiohttp response, or a callable taking the request body).
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import hashlib
import json
from typing import Any

from aiohttp import web

USERNAME = "api"
PASSWORD = "secret"
DIGEST = hashlib.md5(PASSWORD.encode(), usedforsecurity=False).hexdigest()

type Script = Any | Callable[[dict[str, Any]], Any]

# An unscripted list endpoint answers an empty but well-formed list (a bare success is a
# malformed answer since issue 19, and tests of it script one).
_EMPTY_LISTS: dict[str, dict[str, Any]] = {
    "queue_list": {"status": "success", "queuelist": []},
    "trunk_list": {"status": "success", "trunklist": []},
    "ext_status": {"status": "success", "data": []},
    "queue_members": {"status": "success", "members": [], "callers": []},
}


@dataclass
class Request:
    """One request as the fake PBX saw it."""

    endpoint: str
    body: dict[str, Any] | None
    token: str | None
    raw: bytes = b""


@dataclass
class FakePbx:
    """The server's state; tests script it and read ``requests``."""

    responses: dict[str, Script] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    logins: int = 0
    delay: float = 0.0
    login_delay: float = 0.0
    base_url: str = ""

    def expire_tokens(self) -> None:
        """Forget every token (the PBX's 30 minutes passed)."""
        self.tokens.clear()

    def calls(self, endpoint: str) -> list[Request]:
        """The requests made to one endpoint."""
        return [request for request in self.requests if request.endpoint == endpoint]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one API request."""
        endpoint = request.match_info["endpoint"]
        raw = await request.read()
        body = json.loads(raw) if raw else None
        token = request.query.get("token")
        self.requests.append(Request(endpoint, body, token, raw))
        if endpoint == "login":
            return await self._login(body or {})
        if self.delay:
            await asyncio.sleep(self.delay)
        if token not in self.tokens:
            return web.json_response({"status": "failed", "errno": "4"})
        script = self.responses.get(
            endpoint, _EMPTY_LISTS.get(endpoint, {"status": "success"})
        )
        answer = script(body or {}) if callable(script) else script
        if isinstance(answer, web.StreamResponse):
            return answer
        if isinstance(answer, bytes):
            return web.Response(body=answer, content_type="application/json")
        return web.json_response(answer)

    async def _login(self, body: dict[str, Any]) -> web.StreamResponse:
        if "login" in self.responses:
            script = self.responses["login"]
            answer = script(body) if callable(script) else script
            if isinstance(answer, web.StreamResponse):
                return answer
            return web.json_response(answer)
        if self.login_delay:
            await asyncio.sleep(self.login_delay)
        if body.get("username") != USERNAME or body.get("password") != DIGEST:
            return web.json_response({"status": "failed", "errno": 2})
        self.logins += 1
        token = f"token{self.logins}"
        self.tokens.add(token)
        return web.json_response({"status": "success", "token": token})

    def app(self) -> web.Application:
        """The aiohttp application serving /API/<endpoint>."""
        application = web.Application()
        application.router.add_post("/API/{endpoint}", self.handle)
        return application
