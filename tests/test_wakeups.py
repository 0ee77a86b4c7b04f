"""The listeners per store key: who wakes for what (wakeups.py)."""

import logging

import pytest

from custom_components.synway_ippbx.pbx.store import CALLS_KEY, HUB_KEY, extension_key
from custom_components.synway_ippbx.wakeups import KeyedListeners

LOGGER = logging.getLogger(__name__)


class _Base:
    """The base coordinator's side: what it holds."""

    def __init__(self) -> None:
        self.held: list[object] = []

    def hold(self, listener: object) -> object:
        self.held.append(listener)
        return lambda: self.held.remove(listener)


def test_only_the_keys_named_wake_and_the_base_holds_one_listener() -> None:
    """A report about extension 1001 wakes 1001's listeners, not the hub's."""
    base = _Base()
    listeners = KeyedListeners(LOGGER, base.hold)  # type: ignore[arg-type]
    woken: list[str] = []
    remove_phone = listeners.add(extension_key("1001"), lambda: woken.append("1001"))
    remove_hub = listeners.add(HUB_KEY, lambda: woken.append("hub"))
    remove_calls = listeners.add(CALLS_KEY, lambda: woken.append("active calls"))
    assert len(base.held) == 1
    listeners.notify({extension_key("1001"), CALLS_KEY})
    assert sorted(woken) == ["1001", "active calls"]
    assert listeners.keys == [extension_key("1001"), HUB_KEY, CALLS_KEY]
    for remove in (remove_phone, remove_hub):
        remove()
        remove()  # a second call is harmless
    assert len(base.held) == 1
    remove_calls()
    assert base.held == []
    assert listeners.keys == []


@pytest.mark.expected_errors("Unexpected error updating listener")
def test_waking_everyone_survives_a_broken_listener(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The base class's wake-up reaches every listener even when one raises."""
    base = _Base()
    listeners = KeyedListeners(LOGGER, base.hold)  # type: ignore[arg-type]
    woken: list[str] = []

    def _broken() -> None:
        raise RuntimeError("broken listener")

    listeners.add(HUB_KEY, _broken)
    listeners.add(extension_key("1001"), lambda: woken.append("1001"))
    listeners.wake_everyone()
    assert woken == ["1001"]
    assert "Unexpected error updating listener" in caplog.text
