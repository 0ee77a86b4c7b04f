"""The Activity log as a user reads it: real recorder and logbook, real calls."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import (
    RecorderInstanceContextManager,
    WebSocketGenerator,
)

from simulator import Simulator
from tests.conftest import settle


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: RecorderInstanceContextManager, enable_custom_integrations: None
) -> None:
    """The recorder must come before Home Assistant starts (overrides conftest's)."""


@pytest.fixture(autouse=True)
async def logbook(
    recorder_mock: RecorderInstanceContextManager, hass: HomeAssistant
) -> None:
    """Recorder and logbook, set up before the HTTP server starts."""
    assert await async_setup_component(hass, "logbook", {})


async def _rows(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any, **query: Any
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    client = await ws()
    await client.send_json_auto_id(
        {"type": "logbook/get_events", "start_time": start.isoformat(), **query}
    )
    answer = await client.receive_json()
    assert answer["success"], answer
    return [row for row in answer["result"] if row.get("domain") == "synway_ippbx"]


def _call_entity(hass: HomeAssistant, extension: str) -> str:
    """The call event entity of an extension (its id follows the device name)."""
    registry = er.async_get(hass)
    return next(
        entry.entity_id
        for entry in registry.entities.values()
        if entry.unique_id.endswith(f"_extension_{extension}_call")
    )


async def test_rows_use_names_icons_and_the_extension_entity(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """ "Alice (1004) is calling Reception (1003)", on Alice's call entity."""
    simulator.state.extensions["1003"].settings["username"] = "Reception"
    simulator.state.extensions["1004"].settings["username"] = "Alice"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    simulator.answer("1003")
    await settle(hass, simulator)
    simulator.hangup("1004")
    await settle(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start)
    lines = {(row["name"], row["message"]) for row in rows}
    assert ("Alice (1004)", "is calling Reception (1003)") in lines
    assert ("Reception (1003)", "answered a call from Alice (1004)") in lines
    assert ("Alice (1004)", "hung up") in lines
    calling = next(row for row in rows if row["message"].startswith("is calling"))
    assert calling["entity_id"] == _call_entity(hass, "1004")
    assert calling["icon"] == "mdi:phone-outgoing"
    answered = next(row for row in rows if row["message"].startswith("answered"))
    assert answered["entity_id"] == _call_entity(hass, "1003")
    assert answered["icon"] == "mdi:phone-in-talk"


async def test_rows_show_on_the_device_page(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The device page asks the logbook for its entities: the call rows are there."""
    start = dt_util.utcnow()
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    on_page = await _rows(
        hass, hass_ws_client, start, entity_ids=[_call_entity(hass, "1000")]
    )
    assert any(row["message"] == "is calling 1001" for row in on_page)


async def test_missed_call_row(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A caller giving up while the phone rings reads as a missed call."""
    start = dt_util.utcnow()
    simulator.call_internal("1000", "1002")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    rows = await _rows(hass, hass_ws_client, start)
    missed = [row for row in rows if "missed" in row["message"]]
    assert missed
    assert missed[0]["name"] == "Extension 1002"
    assert missed[0]["icon"] == "mdi:phone-missed"
    assert missed[0]["entity_id"] == "event.extension_1002_call"


def _device_page(hass: HomeAssistant, extension: str) -> dict[str, Any]:
    """What an extension's device page asks the logbook for: its entities and device."""
    registry = er.async_get(hass)
    call = registry.async_get(_call_entity(hass, extension))
    assert call is not None and call.device_id is not None
    return {
        "entity_ids": [
            entry.entity_id
            for entry in er.async_entries_for_device(
                registry, call.device_id, include_disabled_entities=True
            )
        ],
        "device_ids": [call.device_id],
    }


async def _page(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any, extension: str
) -> list[dict[str, Any]]:
    """Every row of an extension's device page (state rows and described rows)."""
    await async_wait_recording_done(hass)
    client = await ws()
    await client.send_json_auto_id(
        {
            "type": "logbook/get_events",
            "start_time": start.isoformat(),
            **_device_page(hass, extension),
        }
    )
    answer = await client.receive_json()
    assert answer["success"], answer
    return list(answer["result"])


async def test_a_call_reads_one_row_per_step_on_each_phone(
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A call answered and ended: each phone's page says each step once, with names.

    No second text row from the PBX's status reports, no rows from the other party
    coming and going: it rides on Status as attributes.
    """
    simulator.state.extensions["1003"].settings["username"] = "Reception"
    simulator.state.extensions["1004"].settings["username"] = "Alice"
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    simulator.call_internal("1004", "1003")
    await settle(hass, simulator)
    simulator.answer("1003")
    await settle(hass, simulator)
    status = hass.states.get("sensor.reception_1003_status")
    assert status is not None
    assert status.attributes["other_party"] == "1004"
    assert status.attributes["other_party_name"] == "Alice"
    simulator.hangup("1004")
    await settle(hass, simulator)

    designed = {
        "1004": [
            ("Alice (1004)", "is calling Reception (1003)", "mdi:phone-outgoing"),
            ("Alice (1004)", "got through to Reception (1003)", "mdi:phone-in-talk"),
            ("Alice (1004)", "hung up", "mdi:phone-hangup"),
        ],
        "1003": [
            (
                "Reception (1003)",
                "is ringing, call from Alice (1004)",
                "mdi:phone-ring",
            ),
            (
                "Reception (1003)",
                "answered a call from Alice (1004)",
                "mdi:phone-in-talk",
            ),
        ],
    }
    for extension, lines in designed.items():
        page = await _page(hass, hass_ws_client, start, extension)
        described = [row for row in page if row.get("domain") == "synway_ippbx"]
        assert [
            (row["name"], row["message"], row.get("icon")) for row in described
        ] == lines
        assert {row["entity_id"] for row in described} == {
            _call_entity(hass, extension)
        }
        # The Status sensor says each state once; nothing else writes state rows but
        # the call event entity.
        states = [row for row in page if "state" in row]
        assert {row["entity_id"].split(".")[0] for row in states} == {
            "sensor",
            "event",
        }
        assert [
            row["state"] for row in states if row["entity_id"].startswith("sensor.")
        ] == ["ringback" if extension == "1004" else "ringing", "talking", "idle"]
        assert not any(row.get("state") == "unknown" for row in page)


async def _described(
    hass: HomeAssistant, ws: WebSocketGenerator, start: Any, extension: str
) -> list[tuple[str, str, str | None]]:
    """The described rows of an extension's page: name, message, icon."""
    page = await _page(hass, ws, start, extension)
    rows = [row for row in page if row.get("domain") == "synway_ippbx"]
    assert {row["entity_id"] for row in rows} <= {_call_entity(hass, extension)}
    return [(row["name"], row["message"], row.get("icon")) for row in rows]


async def test_a_missed_call_reads_as_missed_on_the_phone_that_rang(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The caller gives up: the ringing phone's page says "missed", once."""
    start = dt_util.utcnow()
    simulator.call_internal("1000", "1002")
    await settle(hass, simulator)
    simulator.hangup("1000")
    await settle(hass, simulator)
    assert await _described(hass, hass_ws_client, start, "1002") == [
        ("Extension 1002", "is ringing, call from 1000", "mdi:phone-ring"),
        ("Extension 1002", "missed a call from 1000", "mdi:phone-missed"),
    ]
    assert await _described(hass, hass_ws_client, start, "1000") == [
        ("Extension 1000", "is calling 1002", "mdi:phone-outgoing"),
    ]


async def test_the_callee_hanging_up_reads_on_the_callees_page(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Whoever hangs up, the row is on that phone's page."""
    start = dt_util.utcnow()
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    simulator.answer("1001")
    await settle(hass, simulator)
    simulator.hangup("1001")
    await settle(hass, simulator)
    assert await _described(hass, hass_ws_client, start, "1001") == [
        ("Extension 1001", "is ringing, call from 1000", "mdi:phone-ring"),
        ("Extension 1001", "answered a call from 1000", "mdi:phone-in-talk"),
        ("Extension 1001", "hung up", "mdi:phone-hangup"),
    ]
    assert await _described(hass, hass_ws_client, start, "1000") == [
        ("Extension 1000", "is calling 1001", "mdi:phone-outgoing"),
        ("Extension 1000", "got through to 1001", "mdi:phone-in-talk"),
    ]


async def test_transfer_and_busy_read_on_the_phone_that_did_them(
    hass: HomeAssistant,
    simulator: Simulator,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """The transferring phone says it passed the call on; a busy callee fails the call."""
    start = dt_util.utcnow()
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    simulator.answer("1001")
    await settle(hass, simulator)
    simulator.transfer("1001", "1002")
    await settle(hass, simulator)
    simulator.call_internal("1003", "1000")
    await settle(hass, simulator)
    assert await _described(hass, hass_ws_client, start, "1001") == [
        ("Extension 1001", "is ringing, call from 1000", "mdi:phone-ring"),
        ("Extension 1001", "answered a call from 1000", "mdi:phone-in-talk"),
        (
            "Extension 1001",
            "transferred the call from 1000 to 1002",
            "mdi:phone-forward",
        ),
    ]
    assert await _described(hass, hass_ws_client, start, "1000") == [
        ("Extension 1000", "is calling 1001", "mdi:phone-outgoing"),
        ("Extension 1000", "got through to 1001", "mdi:phone-in-talk"),
        ("Extension 1000", "is calling 1002", "mdi:phone-outgoing"),
    ]
    assert await _described(hass, hass_ws_client, start, "1002") == [
        ("Extension 1002", "is ringing, call from 1000", "mdi:phone-ring"),
    ]
    assert await _described(hass, hass_ws_client, start, "1003") == [
        ("Extension 1003", "could not reach 1000 (USER_BUSY)", "mdi:phone-cancel"),
    ]
