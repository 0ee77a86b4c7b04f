"""Browser tests: a real Home Assistant and the simulator, driven through Chromium.

These tests need no in-process Home Assistant: the project's autouse harness fixture is
replaced by a no-op here.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from playwright.async_api import Browser, async_playwright
import pytest

from .stack import CHROMIUM, Stack, running_stack


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Home Assistant runs as its own process here; nothing to enable in-process."""


@pytest.fixture
def stack(socket_enabled: None, tmp_path: Path) -> Iterator[Stack]:
    """The simulator and Home Assistant, running; their logs are in tmp_path."""
    with running_stack(tmp_path) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless (Playwright never downloads a browser here)."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run scripts/setup"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            # Root in CI containers: Chromium's sandbox needs user namespaces.
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            await browser.close()
