"""A report's states and events share one context, and only that report's writes carry it."""

from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.synway_ippbx.const import EVENT_SYNWAY
from simulator import Simulator
from tests.conftest import settle

STATUS = "sensor.extension_1001_status"


async def test_a_report_is_one_context(
    hass: HomeAssistant, simulator: Simulator, init_integration: MockConfigEntry
) -> None:
    """The ring's Status change and its bus event: one context per report.

    Automations and the logbook see what one report caused together; and a fresh
    context per write made each event a reference cycle for the garbage collector.
    """
    seen: list[tuple[str, Any, str]] = []

    @callback
    def _note(event: Event[Any]) -> None:
        if event.event_type == EVENT_STATE_CHANGED:
            entity_id = event.data["entity_id"]
            if entity_id == STATUS:
                seen.append(
                    (entity_id, event.data["new_state"].state, event.context.id)
                )
        elif event.data.get("extension") == "1001":
            seen.append((EVENT_SYNWAY, event.data["call_type"], event.context.id))

    hass.bus.async_listen(EVENT_STATE_CHANGED, _note)
    hass.bus.async_listen(EVENT_SYNWAY, _note)
    simulator.call_internal("1000", "1001")
    await settle(hass, simulator)
    simulator.answer("1001")
    await settle(hass, simulator)

    ring = [item for item in seen if item[1] in ("ringing", "ring")]
    assert {item[0] for item in ring} == {STATUS, EVENT_SYNWAY}, seen
    assert len({item[2] for item in ring}) == 1, ring
    # The answer is another report: its writes carry its own context, not the ring's.
    talking = [item for item in seen if item[0] == STATUS and item[1] != "ringing"]
    assert talking, seen
    assert talking[0][2] != ring[0][2]
