"""Assist questions beyond one extension: who is calling, queues, phone lines, call counts.

Each answers from the live store (or the PBX's call records) and says plainly when
there is nothing to tell, so Home Assistant's own intents never answer "No" for us.
"""

from typing import Any, Final, override

from homeassistant.helpers import intent
import probatio

from .api import ExtensionStatus, TrunkStatus
from .intent_common import (
    SLOT_PBX,
    SynwayIntentHandler,
    join,
    phrase,
    say,
    sentence_pbx,
    text_slot,
)
from .pbx.call_tracking import LegState
from .pbx.objects import QueueRecord
from .voice import (
    find_queue,
    label,
    loaded_entry,
    local_today,
    queue_name,
    queue_words,
    recent_calls,
    spoken_name,
)

INTENT_WHO_IS_CALLING: Final = "SynwayWhoIsCalling"
INTENT_QUEUE_STATUS: Final = "SynwayQueueStatus"
INTENT_AGENTS_FREE: Final = "SynwayAgentsFree"
INTENT_CALL_COUNT: Final = "SynwayCallCount"
INTENT_PHONE_LINES: Final = "SynwayPhoneLines"

SLOT_QUEUE: Final = "queue"
_QUEUE_DESCRIPTION: Final = (
    "Name or number of the call queue; every queue when left out"
)
# Trunk states in which calls can go out and come in.
_LINE_UP: Final = frozenset(
    {
        TrunkStatus.REGISTERED,
        TrunkStatus.USABLE,
        TrunkStatus.IDLE,
        TrunkStatus.IN_USE,
        TrunkStatus.UNMONITORED,
    }
)


class WhoIsCallingIntentHandler(SynwayIntentHandler):
    """Say which phones ring, and who calls them."""

    intent_type = INTENT_WHO_IS_CALLING
    description = "Tells which Synway IPPBX phones are ringing now and who is calling"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Name every ringing extension and its caller."""
        store = loaded_entry(
            intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX)
        ).runtime_data.coordinator.data
        items: list[str] = []
        for number, record in sorted(store.extensions.items()):
            leg = store.calls.current_leg(number)
            ringing = record.status is ExtensionStatus.RINGING or (
                leg is not None and leg.state is LegState.RINGING
            )
            if not ringing:
                continue
            other = store.calls.other_party(number)
            caller = other.extension or other.number if other is not None else None
            if caller:
                items.append(
                    await phrase(
                        intent_obj,
                        "voice_ringing_from",
                        extension=spoken_name(record),
                        caller=label(store.extensions.get(caller), caller),
                    )
                )
            else:
                items.append(spoken_name(record))
        if not items:
            return await say(intent_obj, "voice_nothing_ringing")
        return await say(
            intent_obj, "voice_ringing", calls=await join(intent_obj, items)
        )


def _queues(intent_obj: intent.Intent, slots: dict[str, Any]) -> list[QueueRecord]:
    """The queue asked about, or every queue."""
    entry = loaded_entry(intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX))
    wanted = text_slot(slots, SLOT_QUEUE)
    # "in the queue" names no queue: every queue.
    if wanted is not None and queue_words(wanted):
        return [find_queue(entry, wanted)]
    return [
        record
        for _, record in sorted(entry.runtime_data.coordinator.data.queues.items())
    ]


class _QueueIntentHandler(SynwayIntentHandler):
    """A question about one queue or all of them."""

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Optionally, which queue."""
        return {
            probatio.Optional(SLOT_QUEUE, description=_QUEUE_DESCRIPTION): str,
        }


class QueueStatusIntentHandler(_QueueIntentHandler):
    """Say how many callers wait in a queue, and how many agents are free."""

    intent_type = INTENT_QUEUE_STATUS
    description = (
        "Tells how many callers are waiting in a Synway IPPBX call queue (or in all) "
        "and how many agents are free"
    )

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Count the waiting callers and free agents."""
        queues = _queues(intent_obj, slots)
        if not queues:
            return await say(intent_obj, "voice_no_queues")
        waiting = sum(record.caller_count for record in queues)
        free = sum(record.agents_available for record in queues)
        agents = sum(len(record.agents) for record in queues)
        where = (
            queue_name(queues[0])
            if len(queues) == 1
            else await phrase(intent_obj, "voice_all_queues")
        )
        key = "voice_queue_nobody_waiting" if not waiting else "voice_queue_waiting"
        return await say(
            intent_obj,
            key,
            count=str(waiting),
            queue=where,
            free=str(free),
            agents=str(agents),
        )


class AgentsFreeIntentHandler(_QueueIntentHandler):
    """Say how many agents could take a queue call now."""

    intent_type = INTENT_AGENTS_FREE
    description = (
        "Tells how many agents of a Synway IPPBX call queue (or of all) are free to "
        "take a call"
    )

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Count the free agents."""
        queues = _queues(intent_obj, slots)
        if not queues:
            return await say(intent_obj, "voice_no_queues")
        where = (
            queue_name(queues[0])
            if len(queues) == 1
            else await phrase(intent_obj, "voice_all_queues")
        )
        return await say(
            intent_obj,
            "voice_agents_free",
            free=str(sum(record.agents_available for record in queues)),
            agents=str(sum(len(record.agents) for record in queues)),
            queue=where,
        )


class CallCountIntentHandler(SynwayIntentHandler):
    """Say how many calls the PBX had today."""

    intent_type = INTENT_CALL_COUNT
    description = (
        "Tells how many calls the Synway IPPBX had today, from its call records"
    )

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Count today's call records."""
        entry = sentence_pbx(intent_obj)
        records = await recent_calls(
            entry, None, missed=False, day=local_today(intent_obj.hass)
        )
        if not records:
            return await say(intent_obj, "voice_no_calls_today")
        return await say(intent_obj, "voice_calls_today", count=str(len(records)))


class PhoneLinesIntentHandler(SynwayIntentHandler):
    """Say whether the phone lines (trunks) are up."""

    intent_type = INTENT_PHONE_LINES
    description = "Tells whether the Synway IPPBX's phone lines (trunks) are up"

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Name the trunks that are down, if any."""
        trunks = loaded_entry(
            intent_obj.hass, text_slot(intent_obj.slots, SLOT_PBX)
        ).runtime_data.coordinator.data.trunks
        watched = {
            name: record
            for name, record in trunks.items()
            if record.status is not TrunkStatus.DISABLED
        }
        if not watched:
            return await say(intent_obj, "voice_no_lines")
        down = sorted(
            name for name, record in watched.items() if record.status not in _LINE_UP
        )
        if not down:
            return await say(intent_obj, "voice_lines_up", count=str(len(watched)))
        return await say(
            intent_obj,
            "voice_lines_down",
            count=str(len(down)),
            total=str(len(watched)),
            lines=await join(intent_obj, down),
        )


QUESTION_HANDLERS: Final = (
    WhoIsCallingIntentHandler(),
    QueueStatusIntentHandler(),
    AgentsFreeIntentHandler(),
    CallCountIntentHandler(),
    PhoneLinesIntentHandler(),
)
