"""Queue agent actions: log in, log out, pause, resume, and ask an agent's state."""

from typing import Any, Final

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ..coordinator import SynwayConfigEntry
from .common import (
    ATTR_EXTENSION,
    ATTR_PASSWORD,
    ATTR_QUEUE,
    BASE,
    Action,
    Handler,
    known_extension,
    known_queue,
)

ATTR_ALL_QUEUES: Final = "all_queues"

QUEUE_AGENT: Final[dict[Any, Any]] = {
    **BASE,
    vol.Required(ATTR_QUEUE): cv.string,
    vol.Required(ATTR_EXTENSION): cv.string,
}
_DYNAMIC_AGENT: Final[dict[Any, Any]] = {
    **QUEUE_AGENT,
    vol.Optional(ATTR_PASSWORD): cv.string,
    vol.Optional(ATTR_ALL_QUEUES): cv.boolean,
}


def _agent_action(method: str, *, with_password: bool) -> Handler:
    """A queue agent action (login, logout, break, resume)."""

    async def _handler(entry: SynwayConfigEntry, call: ServiceCall) -> ServiceResponse:
        runtime = entry.runtime_data
        store = runtime.coordinator.data
        queue = known_queue(store, call.data[ATTR_QUEUE])
        extension = known_extension(store, call.data[ATTR_EXTENSION])
        kwargs: dict[str, Any] = {}
        if with_password:
            kwargs = {
                "password": call.data.get(ATTR_PASSWORD),
                "all_queues": call.data.get(ATTR_ALL_QUEUES, False),
            }
        await getattr(runtime.client, method)(queue, extension, **kwargs)
        return None

    _handler.__doc__ = f"Call the client's {method} for a queue agent."
    return _handler


async def _get_agent_status(
    entry: SynwayConfigEntry, call: ServiceCall
) -> ServiceResponse:
    """Return a dynamic agent's state in a queue."""
    runtime = entry.runtime_data
    store = runtime.coordinator.data
    queue = known_queue(store, call.data[ATTR_QUEUE])
    extension = known_extension(store, call.data[ATTR_EXTENSION])
    state = await runtime.client.agent_query(
        queue, extension, call.data.get(ATTR_PASSWORD)
    )
    return {"queue": queue, "extension": extension, "status": state.value}


ACTIONS: Final[dict[str, Action]] = {
    "agent_login": Action(
        _agent_action("agent_login", with_password=True), _DYNAMIC_AGENT
    ),
    "agent_logout": Action(
        _agent_action("agent_logout", with_password=True), _DYNAMIC_AGENT
    ),
    "agent_pause": Action(
        _agent_action("agent_break", with_password=False), QUEUE_AGENT
    ),
    "agent_resume": Action(
        _agent_action("agent_resume", with_password=False), QUEUE_AGENT
    ),
    "get_agent_status": Action(
        _get_agent_status,
        {**QUEUE_AGENT, vol.Optional(ATTR_PASSWORD): cv.string},
        SupportsResponse.ONLY,
    ),
}
