"""Configuration actions (actions/config.py): reading and, for admins, changing settings."""

from typing import Any

from homeassistant.core import Context, HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import probatio as vol
import pytest

from custom_components.synway_ippbx.const import DOMAIN
from simulator import Simulator
from tests.conftest import settle

pytestmark = pytest.mark.usefixtures("init_integration")


async def _call(
    hass: HomeAssistant,
    action: str,
    data: dict[str, Any],
    context: Context | None = None,
) -> None:
    await hass.services.async_call(DOMAIN, action, data, blocking=True, context=context)


async def _ask(
    hass: HomeAssistant, action: str, data: dict[str, Any] | None = None
) -> Any:
    response: ServiceResponse = await hass.services.async_call(
        DOMAIN, action, data or {}, blocking=True, return_response=True
    )
    assert response is not None
    return response


async def test_get_extensions(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_extensions returns typed settings, never the passwords."""
    response = await _ask(hass, "get_extensions", {"extensions": ["1000", "1008"]})
    numbers = [item["extension"] for item in response["extensions"]]
    assert numbers == ["1000", "1008"]
    first = response["extensions"][0]
    assert "password" not in first
    assert first["call_permission"] == "international"
    assert first["forward_busy"] == {
        "enabled": False,
        "destination": None,
        "time_condition": "all",
        "time_condition_uuid": None,
    }
    everything = await _ask(hass, "get_extensions")
    assert len(everything["extensions"]) == len(simulator.state.extensions)
    assert "Synway1234" not in repr(everything)


async def test_get_extensions_unknown(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """Unknown extensions are refused before any request."""
    with pytest.raises(ServiceValidationError):
        await _ask(hass, "get_extensions", {"extensions": ["1000", "31"]})


async def test_get_trunks(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_trunks returns the trunks' settings."""
    response = await _ask(hass, "get_trunks", {"trunks": ["fxo1"]})
    assert response == {"trunks": [{"name": "fxo1", "sip_address": None, "port": "1"}]}
    assert len((await _ask(hass, "get_trunks"))["trunks"]) == 4


async def test_get_outbound_routes(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_outbound_routes returns the routes with their members."""
    response = await _ask(hass, "get_outbound_routes", {"name": "Default"})
    (route,) = response["routes"]
    assert route["name"] == "Default"
    assert route["enabled"] is True
    assert route["trunks"] == ["SIP-1", "fxo1"]
    assert "single_pin" not in route
    assert len((await _ask(hass, "get_outbound_routes"))["routes"]) == 2


async def test_get_ivrs(hass: HomeAssistant, simulator: Simulator) -> None:
    """get_ivrs returns every IVR."""
    assert await _ask(hass, "get_ivrs") == {
        "ivrs": [{"ivr_id": "6500", "name": "Main menu"}]
    }


async def test_update_extension(hass: HomeAssistant, simulator: Simulator) -> None:
    """Settings and forwardings change on the PBX; an empty destination switches off."""
    settings = simulator.state.extensions["1000"].settings
    settings["follow_me_enabled"] = "true"
    settings["follow_me_destination"] = "13900000000"
    await _call(
        hass,
        "update_extension",
        {
            "extension": "1000",
            "name": "Lobby",
            "caller_id": "88861158",
            "call_permission": "local",
            "voicemail": False,
            "recording": True,
            "forward_busy": "1001",
            "follow_me": "",
            "call_timeout": 20,
            "max_call_duration": 3600,
        },
    )
    assert settings["username"] == "Lobby"
    assert settings["effective_caller_id_number"] == "88861158"
    assert settings["call_permission"] == "local"
    assert settings["voicemail_enabled"] == "false"
    assert settings["user_record"] == "true"
    assert settings["forward_busy_enabled"] == "true"
    assert settings["forward_busy_destination"] == "1001"
    assert settings["follow_me_enabled"] == "false"
    assert settings["call_timeout"] == "20"
    assert settings["max_call_duration"] == "3600"

    await _call(hass, "update_extension", {"extension": "1000", "forward_busy": None})
    assert settings["forward_busy_enabled"] == "false"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"extension": "2000", "name": "Nobody"}, "unknown_extension"),
        ({"extension": "1000", "name": "  "}, "invalid_input"),
    ],
)
async def test_update_extension_validation(
    hass: HomeAssistant, simulator: Simulator, data: dict[str, Any], key: str
) -> None:
    """Unknown extensions and bad values are refused up front, translated."""
    before = len(simulator.requests)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "update_extension", data)
    assert err.value.translation_key == key
    assert len(simulator.requests) == before


async def test_update_extension_nothing_to_change(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """No setting at all fails the schema, naming the settings it could take."""
    before = len(simulator.requests)
    with pytest.raises(vol.Invalid, match=r"at least one of \['name', 'caller_id'"):
        await _call(hass, "update_extension", {"extension": "1000"})
    assert len(simulator.requests) == before


async def test_add_extension(hass: HomeAssistant, simulator: Simulator) -> None:
    """add_extension creates the extension with its type and settings."""
    await _call(
        hass,
        "add_extension",
        {
            "extension": "1010",
            "password": "Secret99",
            "type": "fxs",
            "name": "Door",
            "forward_no_answer": "1000",
        },
    )
    ext_mod = [request for request in simulator.requests if request.name == "ext_mod"]
    assert ext_mod[-1].body["extension_type"] == "FXS"
    extension = simulator.state.extensions["1010"]
    assert extension.kind == "FXS"
    assert extension.settings["username"] == "Door"
    assert extension.settings["password"] == "Secret99"
    assert extension.settings["forward_no_answer_destination"] == "1000"
    await settle(hass, simulator)
    with pytest.raises(HomeAssistantError) as err:
        await _call(hass, "add_extension", {"extension": "1000", "password": "x1"})
    assert err.value.translation_placeholders == {
        "errno": "40",
        "meaning": "Extension already exists",
    }


async def test_update_outbound_route(hass: HomeAssistant, simulator: Simulator) -> None:
    """A route is disabled and its members replaced."""
    route = simulator.state.routes["Default"]
    await _call(
        hass,
        "update_outbound_route",
        {
            "name": "Default",
            "enabled": False,
            "extensions": ["1000", "1001"],
            "trunks": ["SIP-2"],
        },
    )
    assert route.enabled is False
    assert route.extensions == ["1000", "1001"]
    assert route.gateways == ["SIP-2"]
    with pytest.raises(
        vol.Invalid, match=r"at least one of \['enabled', 'extensions', 'trunks'\]"
    ):
        await _call(hass, "update_outbound_route", {"name": "Default"})
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, "update_outbound_route", {"name": "Default", "extensions": ["77"]}
        )
    assert err.value.translation_key == "unknown_extension"
