"""Endpoints of queues and their dynamic agents."""

from .. import arguments as arg
from ..enums import AgentState
from ..queues import QueueInfo, QueueStatus
from ..session import SynwayClientBase


class QueueEndpoints(SynwayClientBase):
    """List queues, read their callers and agents, log agents in and out."""

    # ----------------------------------------------------------------------- queues

    async def queue_list(self) -> list[QueueInfo]:
        """Return every queue."""
        _data, items = await self._call_list("queue_list", "queuelist")
        return [QueueInfo.from_api(item) for item in items]

    async def queue_members(self, queue_id: str) -> QueueStatus:
        """Return the waiting callers and the agents of a queue."""
        queue = arg.single("queue_id", queue_id)
        data, _members = await self._call_list(
            "queue_members", "members", {"queueid": queue}
        )
        return QueueStatus.from_api(data, queue)

    def _agent_body(
        self, queue_id: str, extension: str, password: str | None = None
    ) -> dict[str, str]:
        body = {
            "queueid": arg.single("queue_id", queue_id),
            "extid": arg.single("extension", extension),
        }
        if password is not None:
            body["password"] = arg.text("password", password)
        return body

    async def agent_query(
        self, queue_id: str, extension: str, password: str | None = None
    ) -> AgentState:
        """Return a dynamic agent's state in a queue."""
        data = await self._call_object(
            "agent_query", self._agent_body(queue_id, extension, password)
        )
        return AgentState(data.get("agentstatus"))

    async def agent_login(
        self,
        queue_id: str,
        extension: str,
        password: str | None = None,
        *,
        all_queues: bool = False,
    ) -> None:
        """Log a dynamic agent in to a queue (or to all queues)."""
        body = self._agent_body(queue_id, extension, password)
        if all_queues:
            body["mode"] = "all"
        await self._call("agent_login", body)

    async def agent_logout(
        self,
        queue_id: str,
        extension: str,
        password: str | None = None,
        *,
        all_queues: bool = False,
    ) -> None:
        """Log a dynamic agent out of a queue (or of all queues)."""
        body = self._agent_body(queue_id, extension, password)
        if all_queues:
            body["mode"] = "all"
        await self._call("agent_logout", body)

    async def agent_break(self, queue_id: str, extension: str) -> None:
        """Pause an agent: no queue calls until resumed."""
        await self._call("agent_break", self._agent_body(queue_id, extension))

    async def agent_resume(self, queue_id: str, extension: str) -> None:
        """Resume a paused agent."""
        await self._call("agent_resume", self._agent_body(queue_id, extension))
