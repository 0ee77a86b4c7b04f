"""Assist actions beyond calling: transfer, wake-up calls, forwarding, queue agents, DND.

Each finds its extensions with the same name matching as calls do, sends one request,
and says what it did; what the PBX cannot do is said plainly, with nothing sent.
"""

from typing import Any, Final, override

from homeassistant.helpers import intent
from homeassistant.util import dt as dt_util
import probatio

from .api import AlarmSettings, ExtensionChanges, SynwayError
from .coordinator import SynwayConfigEntry
from .intent_common import (
    SLOT_NAME,
    SynwayIntentHandler,
    join,
    say,
    sentence_extension,
    sentence_pbx,
    text_slot,
)
from .voice import (
    SpokenError,
    assist_extension,
    dial_target,
    find_queue,
    named_extension,
    pbx_failure,
    queue_name,
    spoken_name,
)
from .voice_names import next_occurrence, parse_spoken_time

INTENT_TRANSFER: Final = "SynwayTransfer"
INTENT_WAKE_UP_SET: Final = "SynwayWakeUpSet"
INTENT_WAKE_UP_CANCEL: Final = "SynwayWakeUpCancel"
INTENT_WAKE_UP_LIST: Final = "SynwayWakeUpList"
INTENT_FORWARD: Final = "SynwayForward"
INTENT_FORWARD_OFF: Final = "SynwayForwardOff"
INTENT_QUEUE_AGENT: Final = "SynwayQueueAgent"
INTENT_DO_NOT_DISTURB: Final = "SynwayDoNotDisturb"

SLOT_TARGET: Final = "target"
SLOT_TIME: Final = "time"
SLOT_DAY: Final = "day"
SLOT_QUEUE: Final = "queue"
SLOT_ACTION: Final = "action"
SLOT_STATE: Final = "state"
# The name wake-up calls set by voice carry on the PBX.
WAKE_UP_NAME: Final = "Wake-up call"
_AGENT_ACTIONS: Final = {
    "login": ("agent_login", "voice_agent_login"),
    "logout": ("agent_logout", "voice_agent_logout"),
    "pause": ("agent_break", "voice_agent_pause"),
    "resume": ("agent_resume", "voice_agent_resume"),
}
_NAME_DESCRIPTION: Final = "Name or number of the extension (a room, a person, a phone)"


def _extension_slot(required: bool = True) -> dict[Any, Any]:
    key = probatio.Required if required else probatio.Optional
    return {key(SLOT_NAME, description=_NAME_DESCRIPTION): intent.non_empty_string}


class TransferIntentHandler(SynwayIntentHandler):
    """Transfer the voice assistant extension's call (or a named one's) elsewhere."""

    intent_type = INTENT_TRANSFER
    description = (
        "Transfers the current call of the voice assistant extension (or of the "
        "extension given as 'from_extension') to another extension or number"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Where to, and optionally whose call."""
        return {
            probatio.Required(
                SLOT_TARGET, description="Extension name or number, or a phone number"
            ): intent.non_empty_string,
            probatio.Optional(
                "from_extension",
                description="Whose call; the voice assistant extension when left out",
            ): str,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Hand the extension's current call leg's far end to the destination."""
        entry = sentence_pbx(intent_obj)
        source_name = text_slot(slots, "from_extension")
        source = (
            named_extension(entry, source_name)
            if source_name
            else assist_extension(entry)
        )
        target = dial_target(
            entry, str(slots[SLOT_TARGET]["value"]), exclude=source.number
        )
        calls = entry.runtime_data.coordinator.data.calls
        other = calls.other_party(source.number)
        if other is None:
            raise SpokenError("voice_no_call", extension=spoken_name(source))
        try:
            await entry.runtime_data.client.transfer_ext(other.pbx_id, target.number)
        except SynwayError as err:
            raise pbx_failure(err, spoken_name(source)) from err
        entry.runtime_data.coordinator.recheck.async_action_done(
            "transfer", other.pbx_id, target.number
        )
        return await say(intent_obj, "voice_transferred", target=target.spoken)


class WakeUpSetIntentHandler(SynwayIntentHandler):
    """Set a one-off wake-up call for a room."""

    intent_type = INTENT_WAKE_UP_SET
    description = "Sets a one-off wake-up call on a Synway IPPBX extension (a room)"

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Which room, at what time, optionally tomorrow."""
        return {
            **_extension_slot(),
            probatio.Required(
                SLOT_TIME, description="Clock time, e.g. '7', '7:30 am', '19:30'"
            ): intent.non_empty_string,
            probatio.Optional(SLOT_DAY, description="'tomorrow' to skip today"): str,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Add the alarm for the next time the clock shows that time."""
        entry, record = sentence_extension(intent_obj, slots)
        said = str(slots[SLOT_TIME]["value"])
        tomorrow = text_slot(slots, SLOT_DAY) == "tomorrow" or any(
            word in said.casefold() for word in ("tomorrow", "明天")
        )
        time = parse_spoken_time(said.replace("明天", ""))
        if time is None:
            raise SpokenError("voice_not_a_time", time=said.strip())
        day = next_occurrence(time, dt_util.now(), tomorrow=tomorrow)
        alarm = AlarmSettings(name=WAKE_UP_NAME, time=time, date=day)
        try:
            await entry.runtime_data.client.alarm_add(record.number, alarm)
        except SynwayError as err:
            raise pbx_failure(err, spoken_name(record)) from err
        return await say(
            intent_obj,
            "voice_wake_up_set",
            extension=spoken_name(record),
            time=time.strftime("%H:%M"),
            date=day.isoformat(),
        )


async def _alarms(entry: SynwayConfigEntry, number: str, spoken: str) -> list[Any]:
    try:
        return list(await entry.runtime_data.client.alarm_query(number))
    except SynwayError as err:
        raise pbx_failure(err, spoken) from err


class WakeUpCancelIntentHandler(SynwayIntentHandler):
    """Cancel a room's wake-up calls."""

    intent_type = INTENT_WAKE_UP_CANCEL
    description = "Cancels every wake-up call of a Synway IPPBX extension (a room)"

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Which room."""
        return _extension_slot()

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Delete the extension's alarms."""
        entry, record = sentence_extension(intent_obj, slots)
        spoken = spoken_name(record)
        alarms = await _alarms(entry, record.number, spoken)
        if not alarms:
            return await say(intent_obj, "voice_no_wake_up", extension=spoken)
        for alarm in alarms:
            try:
                await entry.runtime_data.client.alarm_del(
                    alarm.alarm_id, [record.number]
                )
            except SynwayError as err:
                raise pbx_failure(err, spoken) from err
        return await say(
            intent_obj,
            "voice_wake_up_cancelled",
            extension=spoken,
            count=str(len(alarms)),
        )


class WakeUpListIntentHandler(SynwayIntentHandler):
    """Say a room's wake-up calls."""

    intent_type = INTENT_WAKE_UP_LIST
    description = "Lists the wake-up calls of a Synway IPPBX extension (a room)"

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Which room."""
        return _extension_slot()

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Read the extension's alarms."""
        entry, record = sentence_extension(intent_obj, slots)
        spoken = spoken_name(record)
        alarms = sorted(
            await _alarms(entry, record.number, spoken), key=lambda alarm: alarm.time
        )
        if not alarms:
            return await say(intent_obj, "voice_no_wake_up", extension=spoken)
        times = [alarm.time.strftime("%H:%M") for alarm in alarms]
        return await say(
            intent_obj,
            "voice_wake_ups",
            extension=spoken,
            times=await join(intent_obj, times),
        )


async def _change(
    entry: SynwayConfigEntry, number: str, spoken: str, changes: ExtensionChanges
) -> None:
    """Write an extension setting and read it back (the switches follow)."""
    features = entry.runtime_data.features
    try:
        await features.settings.async_change(number, changes)
    except SynwayError as err:
        raise pbx_failure(err, spoken) from err


class ForwardIntentHandler(SynwayIntentHandler):
    """Forward all of an extension's calls to another extension or number."""

    intent_type = INTENT_FORWARD
    description = (
        "Forwards every call of a Synway IPPBX extension to another extension or number"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Whose calls, and where to."""
        return {
            **_extension_slot(),
            probatio.Required(
                SLOT_TARGET, description="Extension name or number, or a phone number"
            ): intent.non_empty_string,
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Switch always-forward on to the destination."""
        entry, record = sentence_extension(intent_obj, slots)
        target = dial_target(
            entry, str(slots[SLOT_TARGET]["value"]), exclude=record.number
        )
        spoken = spoken_name(record)
        await _change(
            entry, record.number, spoken, ExtensionChanges(forward_always=target.number)
        )
        return await say(
            intent_obj, "voice_forwarding", extension=spoken, target=target.spoken
        )


class ForwardOffIntentHandler(SynwayIntentHandler):
    """Stop forwarding an extension's calls."""

    intent_type = INTENT_FORWARD_OFF
    description = "Stops forwarding the calls of a Synway IPPBX extension"

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Whose calls."""
        return _extension_slot()

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Switch always-forward off."""
        entry, record = sentence_extension(intent_obj, slots)
        spoken = spoken_name(record)
        await _change(entry, record.number, spoken, ExtensionChanges(forward_always=""))
        return await say(intent_obj, "voice_forwarding_off", extension=spoken)


class QueueAgentIntentHandler(SynwayIntentHandler):
    """Log an agent into or out of a queue, pause or resume them."""

    intent_type = INTENT_QUEUE_AGENT
    description = (
        "Logs an extension into or out of a Synway IPPBX call queue, or pauses or "
        "resumes it as an agent"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Who, which queue, and what to do."""
        return {
            **_extension_slot(),
            probatio.Required(
                SLOT_QUEUE, description="Name or number of the queue"
            ): intent.non_empty_string,
            probatio.Required(
                SLOT_ACTION, description="login, logout, pause or resume"
            ): probatio.In(list(_AGENT_ACTIONS)),
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Send the agent request."""
        entry, record = sentence_extension(intent_obj, slots)
        queue = find_queue(entry, str(slots[SLOT_QUEUE]["value"]))
        method, key = _AGENT_ACTIONS[str(slots[SLOT_ACTION]["value"])]
        client = entry.runtime_data.client
        spoken = spoken_name(record)
        try:
            if method in {"agent_login", "agent_logout"}:
                features = entry.runtime_data.features
                password = features.agents.passwords.get(queue.queue_id)
                await getattr(client, method)(queue.queue_id, record.number, password)
            else:
                await getattr(client, method)(queue.queue_id, record.number)
        except SynwayError as err:
            raise pbx_failure(err, spoken) from err
        return await say(intent_obj, key, extension=spoken, queue=queue_name(queue))


class DoNotDisturbIntentHandler(SynwayIntentHandler):
    """Switch do-not-disturb where the PBX's firmware has it."""

    intent_type = INTENT_DO_NOT_DISTURB
    description = (
        "Switches do-not-disturb of a Synway IPPBX extension on or off, where the "
        "PBX's firmware offers it"
    )

    @property
    @override
    def own_slots(self) -> dict[Any, Any]:
        """Whose phone, and on or off."""
        return {
            **_extension_slot(),
            probatio.Required(SLOT_STATE, description="on or off"): probatio.In(
                ["on", "off"]
            ),
        }

    @override
    async def async_answer(
        self, intent_obj: intent.Intent, slots: dict[str, Any]
    ) -> intent.IntentResponse:
        """Write the firmware's DND field, or say the API has none."""
        entry, record = sentence_extension(intent_obj, slots)
        spoken = spoken_name(record)
        features = entry.runtime_data.features
        settings = features.settings.settings.get(record.number)
        if settings is None or settings.do_not_disturb is None:
            raise SpokenError("voice_no_dnd")
        on = slots[SLOT_STATE]["value"] == "on"
        await _change(
            entry,
            record.number,
            spoken,
            ExtensionChanges(extra={"dnd_enabled": "true" if on else "false"}),
        )
        key = "voice_dnd_on" if on else "voice_dnd_off"
        return await say(intent_obj, key, extension=spoken)


ACTION_HANDLERS: Final = (
    TransferIntentHandler(),
    WakeUpSetIntentHandler(),
    WakeUpCancelIntentHandler(),
    WakeUpListIntentHandler(),
    ForwardIntentHandler(),
    ForwardOffIntentHandler(),
    QueueAgentIntentHandler(),
    DoNotDisturbIntentHandler(),
)
