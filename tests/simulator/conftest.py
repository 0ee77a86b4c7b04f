"""Helpers for the simulator tests: a raw aiohttp API client."""

from collections.abc import AsyncGenerator
import hashlib
from typing import Any

import aiohttp
import pytest

from simulator import Simulator

MD5 = hashlib.md5(b"synway").hexdigest()  # noqa: S324 - the API demands it


class Api:
    """A raw client of the simulated PBX API (no code shared with the integration)."""

    def __init__(self, sim: Simulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session
        self.token = ""

    async def raw(
        self,
        name: str,
        body: Any = None,
        *,
        token: str | None = None,
        data: bytes | None = None,
    ) -> aiohttp.ClientResponse:
        tok = self.token if token is None else token
        url = f"{self.sim.base_url}/API/{name}?token={tok}"
        if data is not None:
            return await self.session.post(url, data=data, ssl=False)
        return await self.session.post(url, json=body, ssl=False)

    async def call(
        self, name: str, body: Any = None, *, token: str | None = None
    ) -> Any:
        resp = await self.raw(name, body if body is not None else {}, token=token)
        assert resp.status == 200
        return await resp.json()

    async def login(self, url: str | None = None, **extra: Any) -> Any:
        body = {"username": "api", "password": MD5, **extra}
        if url is not None:
            body["url"] = url
        resp = await self.session.post(
            f"{self.sim.base_url}/API/login", json=body, ssl=False
        )
        result = await resp.json()
        if result.get("status") == "success":
            self.token = result["token"]
        return result

    async def ok(self, name: str, body: Any = None) -> Any:
        result = await self.call(name, body)
        assert (
            result.get("status") == "success" if isinstance(result, dict) else True
        ), result
        return result

    async def errno(
        self, name: str, body: Any = None, *, token: str | None = None
    ) -> str:
        result = await self.call(name, body, token=token)
        assert result["status"] == "failed", result
        return str(result["errno"])


@pytest.fixture
async def http() -> AsyncGenerator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def api(simulator: Simulator, http: aiohttp.ClientSession) -> Api:
    client = Api(simulator, http)
    assert (await client.login(type="synway"))["status"] == "success"
    return client
