"""Queue agent actions (actions/queues.py), against the simulator."""

from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle

pytestmark = pytest.mark.usefixtures("init_integration")


async def _call(hass: HomeAssistant, action: str, data: dict[str, Any]) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True)


async def _ask(
    hass: HomeAssistant, action: str, data: dict[str, Any] | None = None
) -> Any:
    response: ServiceResponse = await hass.services.async_call(
        DOMAIN, action, data or {}, blocking=True, return_response=True
    )
    assert response is not None
    return response


async def test_agent_login_logout(hass: HomeAssistant, simulator: Simulator) -> None:
    """A dynamic agent logs in with the queue password, and out again."""
    agent = simulator.state.queues["6700"].agents["1004"]
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "agent_login", {"queue": "6700", "extension": "1004"})
    assert err.value.translation_placeholders == {
        "errno": "13",
        "meaning": "Wrong password for agent dynamic login/logout",
    }
    await _call(
        hass,
        "agent_login",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert agent.logged_in
    status = await _ask(
        hass,
        "get_agent_status",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert status == {"queue": "6700", "extension": "1004", "status": "logged_in"}
    await _call(
        hass,
        "agent_logout",
        {"queue": "6700", "extension": "1004", "password": "123456"},
    )
    assert not agent.logged_in


async def test_agent_login_all_queues(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """all_queues logs the agent in to every queue it belongs to."""
    await _call(
        hass,
        "agent_login",
        {"queue": "6701", "extension": "1006", "all_queues": True},
    )
    assert simulator.requests[-1].body["mode"] == "all"
    assert simulator.state.queues["6701"].agents["1006"].logged_in
    await _call(
        hass,
        "agent_logout",
        {"queue": "6701", "extension": "1006", "all_queues": True},
    )
    assert simulator.requests[-1].body["mode"] == "all"
    assert not simulator.state.queues["6701"].agents["1006"].logged_in


async def test_agent_pause_resume(hass: HomeAssistant, simulator: Simulator) -> None:
    """agent_pause puts the agent on break; agent_resume takes it back."""
    agent = simulator.state.queues["6700"].agents["1003"]
    await _call(hass, "agent_pause", {"queue": "6700", "extension": "1003"})
    await settle(hass, simulator)
    assert agent.paused
    status = await _ask(
        hass,
        "get_agent_status",
        {"queue": "6700", "extension": "1003", "password": "123456"},
    )
    assert status["status"] == "on_break"
    await _call(hass, "agent_resume", {"queue": "6700", "extension": "1003"})
    assert not agent.paused


async def test_agent_unknown_queue(hass: HomeAssistant, simulator: Simulator) -> None:
    """A queue the PBX does not have is refused before any request."""
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "agent_pause", {"queue": "9999", "extension": "1003"})
    assert err.value.translation_key == "unknown_queue"
    assert err.value.translation_placeholders == {"queue": "9999"}
    assert "Queue 9999 does not exist on the PBX" in str(err.value)
