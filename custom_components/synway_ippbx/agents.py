"""Queue agents: who is an agent of which queue, and who is on break.

queue_members lists only logged-in agents taking calls, so the directory remembers every
agent once seen (in Home Assistant's storage) and follows breaks from reports and, at
setup, from agent_query.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any, Final

from homeassistant.core import callback
from homeassistant.helpers.storage import Store

from .api import (
    AgentState,
    AgentStatusChange,
    AgentStatusReport,
    AgentWrapUpReport,
    SynwayClient,
    SynwayError,
)
from .const import LOGGER
from .pbx.store import PbxStore

CONF_AGENT_PASSWORDS: Final = "agent_passwords"
_AGENT_QUERY_CONCURRENCY: Final = 4


def parse_agent_passwords(value: Any) -> dict[str, str]:
    """``queue=password`` entries (a list, or one text with one entry per line)."""
    items = value.splitlines() if isinstance(value, str) else value or []
    passwords: dict[str, str] = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            continue
        queue_id, _, password = item.partition("=")
        if queue_id.strip():
            passwords[queue_id.strip()] = password.strip()
    return passwords


@dataclass(slots=True)
class AgentDirectory:
    """Which extensions are agents of which queues, remembered across restarts.

    queue_members lists only logged-in agents, so a dynamic agent that logged out would
    vanish; the directory keeps every agent once seen.
    """

    store: Store[dict[str, Any]]
    passwords: dict[str, str]
    # queue -> extension -> whether the agent is dynamic
    agents: dict[str, dict[str, bool]] = field(default_factory=dict)
    # (queue, extension) of agents on break. queue_members leaves them out, so their
    # break is known from reports and, at setup, from agent_query.
    breaks: set[tuple[str, str]] = field(default_factory=set)

    async def async_load(self) -> None:
        """Read the remembered agents."""
        data = await self.store.async_load()
        if isinstance(data, dict) and isinstance(data.get("agents"), dict):
            self.agents = {
                str(q): {str(e): bool(d) for e, d in members.items()}
                for q, members in data["agents"].items()
                if isinstance(members, dict)
            }

    def learn(self, pbx: PbxStore) -> bool:
        """Add the agents the store knows now; returns whether any is new."""
        new = False
        for queue_id, queue in pbx.queues.items():
            members = self.agents.setdefault(queue_id, {})
            for extension, agent in queue.agents.items():
                if not agent.on_break:
                    # Listed and taking calls: whatever break we knew of is over.
                    self.breaks.discard((queue_id, extension))
                dynamic = agent.type.value != "static"
                if members.get(extension) != dynamic:
                    members[extension] = dynamic
                    new = True
        if new:
            self.store.async_delay_save(lambda: {"agents": self.agents}, 1)
        return new

    @callback
    def async_stop(self) -> None:
        """Write the directory now (unload), so no save timer outlives the entry."""
        self.store.hass.async_create_task(
            self.store.async_save({"agents": self.agents})
        )

    @callback
    def async_handle_report(
        self, report: AgentStatusReport | AgentWrapUpReport
    ) -> None:
        """Follow breaks as the PBX reports them."""
        agent = (report.queue_id, report.extension)
        if isinstance(report, AgentWrapUpReport):
            on_break = bool(report.on_break)
        else:
            on_break = report.status is AgentStatusChange.ON_BREAK
        if on_break:
            self.breaks.add(agent)
            members = self.agents.setdefault(report.queue_id, {})
            members.setdefault(report.extension, True)
        else:
            self.breaks.discard(agent)

    async def async_read_breaks(self, client: SynwayClient, pbx: PbxStore) -> set[str]:
        """Ask about known dynamic agents the PBX does not list (on break, or out).

        Returns the queues where a break was found.
        """
        limit = asyncio.Semaphore(_AGENT_QUERY_CONCURRENCY)
        found: set[str] = set()

        async def _query(queue_id: str, extension: str) -> None:
            password = self.passwords.get(queue_id) or None
            async with limit:
                try:
                    state = await client.agent_query(queue_id, extension, password)
                except SynwayError as err:
                    LOGGER.debug("agent_query %s/%s: %s", queue_id, extension, err)
                    return
            if state is AgentState.ON_BREAK:
                self.breaks.add((queue_id, extension))
                found.add(queue_id)

        await asyncio.gather(
            *(
                _query(queue_id, extension)
                for queue_id, members in self.agents.items()
                if (queue := pbx.queues.get(queue_id)) is not None
                for extension, dynamic in members.items()
                if dynamic and extension not in queue.agents
            )
        )
        return found


def queue_label(pbx: PbxStore, queue_id: str) -> str:
    """How a queue is named in entity names: its name, else its number."""
    queue = pbx.queues.get(queue_id)
    return (queue.name if queue and queue.name else None) or queue_id
