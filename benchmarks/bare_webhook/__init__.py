"""Benchmark floor: a webhook that only parses the JSON body and fires one bus event.

``benchmarks/ingest.py`` copies this folder into a throwaway config dir next to the
integration. Its stats view (no auth: a loopback benchmark only) tells the benchmark how many
events each side fired and whether the integration has loaded; asked with ``?collect=1``,
it first runs a full garbage collection, so that a collection of the heap left by earlier
rounds does not land at random inside the next measured round (one side or the other).
``?profile=<side>`` resumes that side's cProfile of the event loop's thread (each side's
profile adds up over the rounds), ``?profile=off`` pauses it, and ``?dump=<dir>`` writes
each side's profile to ``<dir>/<side>.prof`` (``ingest.py --profile DIR``).

``?latency=on`` starts noting when each status lands: the bare event of a status report,
and the state write of each phone's Status sensor (the time Home Assistant fired them);
``?latency=take`` hands the notes over (and forgets them). Off unless asked: the CPU
rounds pay for no listener of the benchmark's own. ``?latency=on`` also stops the
integration's polls: the paced statuses are made up, not the simulator's, and a poll puts
the PBX's own back (as it should), so a later report of the same status changes nothing,
writes nothing, and was counted as unmatched or matched to a later write (800 ms).
"""

import cProfile
import gc
from pathlib import Path

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.helpers.typing import ConfigType
from homeassistant.util.json import json_loads

DOMAIN = "bare_webhook"
WEBHOOK_ID = "bare-benchmark-webhook"
COUNTS = {"bare_webhook_event": 0, "synway_ippbx_event": 0}
PROFILES: dict[str, cProfile.Profile] = {}
# Per side, (time fired, extension, status) of each status that landed.
LANDED: dict[str, list[tuple[float, str, str]]] = {"bare": [], "ours": []}


async def _async_handle(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Parse, fire, answer: all a webhook must do."""
    data = json_loads(await request.read())
    hass.bus.async_fire("bare_webhook_event", data)  # type: ignore[arg-type]
    return web.Response(status=200)


class StatsView(HomeAssistantView):
    """Counters for the benchmark."""

    url = "/api/bare_webhook/stats"
    name = "api:bare_webhook:stats"
    requires_auth = False

    async def get(self, request: web.Request) -> web.Response:
        """Events fired by each side; whether the integration is loaded."""
        if request.query.get("collect"):
            gc.collect()
        if (side := request.query.get("profile")) == "off":
            for profile in PROFILES.values():
                profile.disable()
        elif side:
            PROFILES.setdefault(side, cProfile.Profile()).enable()
        hass = request.app[KEY_HASS]
        if (latency := request.query.get("latency")) == "on":
            _stop_polls(hass)
            _note_landings(hass)
        elif latency == "take":
            taken = {side: list(notes) for side, notes in LANDED.items()}
            for notes in LANDED.values():
                notes.clear()
            return self.json(taken)
        if folder := request.query.get("dump"):
            for name, profile in PROFILES.items():
                profile.dump_stats(Path(folder) / f"{name}.prof")
        entries = hass.config_entries.async_entries("synway_ippbx")
        loaded = bool(entries) and entries[0].state is ConfigEntryState.LOADED
        # Reports the integration took in (its bus events may be more than one each).
        received = entries[0].runtime_data.coordinator.reports.received if loaded else 0
        return self.json(
            {**COUNTS, "synway_loaded": loaded, "synway_received": received}
        )


def _stop_polls(hass: HomeAssistant) -> None:
    """No more polls of the PBX (see the module docstring)."""
    for entry in hass.config_entries.async_loaded_entries("synway_ippbx"):
        coordinator = entry.runtime_data.coordinator
        coordinator.update_interval = None
        coordinator._async_unsub_refresh()  # noqa: SLF001


def _note_landings(hass: HomeAssistant) -> None:
    """Note each status landing on either side, from now on (see the module docstring)."""
    status_of: dict[str, str] = {}
    for item in er.async_get(hass).entities.values():
        _, found, tail = item.unique_id.rpartition("_extension_")
        if item.platform == "synway_ippbx" and found and tail.endswith("_status"):
            status_of[item.entity_id] = tail.removesuffix("_status")

    @callback
    def ours(event: Event[EventStateChangedData]) -> None:
        number = status_of.get(event.data["entity_id"])
        if number is not None and (state := event.data.get("new_state")) is not None:
            LANDED["ours"].append(
                (event.time_fired_timestamp, number, str(state.state).lower())
            )

    @callback
    def bare(event: Event) -> None:
        if "status" in event.data:
            LANDED["bare"].append(
                (
                    event.time_fired_timestamp,
                    str(event.data["extension"]),
                    str(event.data["status"]).lower(),
                )
            )

    hass.bus.async_listen(EVENT_STATE_CHANGED, ours)
    hass.bus.async_listen("bare_webhook_event", bare)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the webhook and the stats view."""

    @callback
    def count(event: Event) -> None:
        COUNTS[str(event.event_type)] += 1

    for name in COUNTS:
        hass.bus.async_listen(name, count)
    webhook.async_register(
        hass,
        DOMAIN,
        "Bare webhook",
        WEBHOOK_ID,
        _async_handle,
        local_only=True,
        allowed_methods=["POST"],
    )
    hass.http.register_view(StatsView())
    return True
