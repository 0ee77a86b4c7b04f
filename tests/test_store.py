"""The state store: one place that decides what is newer, polls versus reports."""

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from custom_components.synway_ippbx.api import (
    AgentType,
    ExtensionState,
    ExtensionStatus,
    ExtensionType,
    QueueCaller,
    QueueInfo,
    QueueMember,
    QueueMemberState,
    QueueStatus,
    TrunkInfo,
    TrunkSettings,
    TrunkStatus,
    TrunkType,
    parse_report,
)
from custom_components.synway_ippbx.pbx.objects import QueuePoll
from custom_components.synway_ippbx.pbx.store import (
    CALLS_KEY,
    STRUCTURE_KEY,
    PbxStore,
    extension_key,
    queue_key,
    trunk_key,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def report(**fields: Any) -> Any:
    """Parse a report from keyword fields."""
    return parse_report(json.dumps(fields))


def status_of(store: PbxStore, number: str) -> ExtensionStatus:
    """An extension's status (a call, so type checkers do not narrow it)."""
    return store.extensions[number].status


def ext(number: str, status: ExtensionStatus = ExtensionStatus.IDLE) -> ExtensionState:
    """An extension as ext_status returns it."""
    return ExtensionState(
        extension=number, name=number, type=ExtensionType.SIP, status=status
    )


def queue(
    callers: list[QueueCaller] | None = None, members: list[QueueMember] | None = None
) -> QueuePoll:
    """Queue 6700 as queue_list + queue_members return it."""
    callers = callers or []
    return QueuePoll(
        QueueInfo(queue_id="6700", name="Sales"),
        QueueStatus(
            queue_id="6700",
            caller_count=len(callers),
            callers=callers,
            members=members
            or [
                QueueMember(
                    extension="1003",
                    type=AgentType.DYNAMIC,
                    state=QueueMemberState.WAITING,
                )
            ],
        ),
    )


def test_extension_poll_adds_updates_and_removes() -> None:
    store = PbxStore()
    changed = store.apply_extensions([ext("1000"), ext("1001")], store.begin_poll())
    assert changed == {extension_key("1000"), extension_key("1001"), STRUCTURE_KEY}
    # Nothing changed: nothing to wake.
    assert (
        store.apply_extensions([ext("1000"), ext("1001")], store.begin_poll()) == set()
    )
    changed = store.apply_extensions([ext("1000")], store.begin_poll())
    assert changed == {extension_key("1001"), STRUCTURE_KEY}
    assert list(store.extensions) == ["1000"]


def test_poll_never_undoes_a_fresher_report() -> None:
    store = PbxStore()
    store.apply_extensions([ext("1000")], store.begin_poll())
    mark = store.begin_poll()
    # While the poll is in flight, a report says the phone rings.
    store.apply_report(
        report(event="ExtensionStatus", extension="1000", status="Ringing"), NOW
    )
    # The poll's (older) answer still says idle: it must not win.
    assert store.apply_extensions([ext("1000")], mark) == set()
    assert status_of(store, "1000") is ExtensionStatus.RINGING
    # The next poll, started after the report, is authoritative again.
    store.apply_extensions([ext("1000")], store.begin_poll())
    assert status_of(store, "1000") is ExtensionStatus.IDLE
    assert store.unreported_changes == 1


def test_extension_status_reports() -> None:
    store = PbxStore()
    store.apply_extensions([ext("1000", ExtensionStatus.TALKING)], store.begin_poll())
    hangup = report(event="ExtensionStatus", extension="1000", status="Hangup")
    assert store.apply_report(hangup, NOW) == {extension_key("1000")}
    assert status_of(store, "1000") is ExtensionStatus.IDLE
    assert store.apply_report(hangup, NOW) == set()
    unknown = report(event="ExtensionStatus", extension="9999", status="Idle")
    assert store.apply_report(unknown, NOW) == set()
    weird = report(event="ExtensionStatus", extension="1000", status="Dancing")
    assert store.apply_report(weird, NOW) == set()


def test_idle_poll_clears_a_call_whose_hangup_was_lost() -> None:
    store = PbxStore()
    store.apply_extensions([ext("1000"), ext("1001")], store.begin_poll())
    store.apply_report(
        report(
            event="ANSWER",
            callid="c1",
            callerext={"extid": "1000", "uuid": "c1"},
            calledext={"extid": "1001", "uuid": "l1"},
        ),
        NOW,
    )
    assert status_of(store, "1001") is ExtensionStatus.TALKING
    assert store.calls.active_calls == 1
    # The HANGUP never arrived; a later poll shows both phones idle.
    changed = store.apply_extensions([ext("1000"), ext("1001")], store.begin_poll())
    assert CALLS_KEY in changed
    assert store.calls.active_calls == 0
    assert status_of(store, "1001") is ExtensionStatus.IDLE


def test_trunks_with_fxo_ports() -> None:
    store = PbxStore()
    trunks = [
        TrunkInfo(name="SIP-1", type=TrunkType.SIP, status=TrunkStatus.REGISTERED),
        TrunkInfo(name="fxo1", type=TrunkType.FXO, status=TrunkStatus.IDLE),
    ]
    settings = {"fxo1": TrunkSettings(name="fxo1", port="1")}
    changed = store.apply_trunks(trunks, settings)
    assert changed == {trunk_key("SIP-1"), trunk_key("fxo1"), STRUCTURE_KEY}
    assert store.trunks["fxo1"].port == "1"
    assert store.trunks["SIP-1"].port is None
    assert store.apply_trunks(trunks, settings) == set()
    assert store.apply_trunks(trunks[:1], settings) == {
        trunk_key("fxo1"),
        STRUCTURE_KEY,
    }


def test_queue_poll_and_reports() -> None:
    store = PbxStore()
    key = queue_key("6700")
    caller = QueueCaller(caller_id="88861158", call_id="c9", wait_time=40)
    # A caller waits whom no phone rings for: the hub's Active calls counts them too.
    assert store.apply_queues([queue([caller])], store.begin_poll(), NOW) == {
        key,
        STRUCTURE_KEY,
        CALLS_KEY,
    }
    record = store.queues["6700"]
    assert record.caller_count == 1
    assert record.longest_wait(NOW) == 40
    assert record.agents_available == 1

    # A caller joins and one leaves, by report.
    joined = report(
        event="QueueStatus",
        number="6700",
        callercount="2",
        action="Add",
        callfrom="555",
        callid="c10",
    )
    assert store.apply_report(joined, NOW + timedelta(seconds=5)) == {key, CALLS_KEY}
    assert record.caller_count == 2
    assert record.longest_wait(NOW + timedelta(seconds=10)) == 50
    left = report(
        event="QueueStatus",
        number="6700",
        callercount="1",
        action="Remove",
        callfrom="88861158",
        callid="c9",
    )
    store.apply_report(left, NOW)
    assert list(record.callers) == ["c10"]
    emptied = report(
        event="QueueStatus", number="6700", callercount="0", action="Remove"
    )
    store.apply_report(emptied, NOW)
    assert record.caller_count == 0
    assert record.longest_wait(NOW) == 0
    # Reports about queues we do not know change nothing.
    assert store.apply_report(report(event="QueueStatus", number="1"), NOW) == set()
    assert store.apply_report(report(event="AgentStatus", queueid="1"), NOW) == set()


def test_agent_reports() -> None:
    store = PbxStore()
    store.apply_queues([queue()], store.begin_poll(), NOW)
    record = store.queues["6700"]
    key = queue_key("6700")
    on_break = report(event="AgentWrapUp", queueid="6700", extid="1003", status="on")
    assert store.apply_report(on_break, NOW) == {key}
    assert record.agents_available == 0
    # A poll does not know about breaks: it keeps them.
    store.apply_queues([queue()], store.begin_poll(), NOW)
    assert record.agents["1003"].on_break
    resume = report(event="AgentStatus", queueid="6700", extid="1003", status="resume")
    store.apply_report(resume, NOW)
    assert record.agents_available == 1
    pause = report(event="AgentStatus", queueid="6700", extid="1003", status="onbreak")
    store.apply_report(pause, NOW)
    assert record.agents["1003"].on_break
    login = report(event="AgentStatus", queueid="6700", extid="1004", status="login")
    store.apply_report(login, NOW)
    assert record.agents["1004"].available
    logout = report(event="AgentStatus", queueid="6700", extid="1004", status="logout")
    store.apply_report(logout, NOW)
    assert "1004" not in record.agents
    odd = report(event="AgentStatus", queueid="6700", extid="1003", status="dancing")
    assert store.apply_report(odd, NOW) == set()


def test_queue_removed_by_poll() -> None:
    store = PbxStore()
    store.apply_queues([queue()], store.begin_poll(), NOW)
    assert store.apply_queues([], store.begin_poll(), NOW) == {
        queue_key("6700"),
        STRUCTURE_KEY,
    }
    assert store.queues == {}


def test_systemup_and_unhandled_reports() -> None:
    store = PbxStore()
    store.apply_extensions([ext("1000"), ext("1001")], store.begin_poll())
    store.apply_report(
        report(
            event="RING",
            callid="c1",
            callerext={"extid": "1000", "uuid": "c1"},
            calledext={"extid": "1001", "uuid": "l1"},
        ),
        NOW,
    )
    assert status_of(store, "1000") is ExtensionStatus.RINGBACK
    changed = store.apply_report(report(event="Systemup"), NOW)
    assert changed == {CALLS_KEY, extension_key("1000"), extension_key("1001")}
    assert status_of(store, "1001") is ExtensionStatus.IDLE
    assert store.apply_report(report(event="SomethingNew"), NOW) == set()


def test_finished_call_returns_to_the_resting_status() -> None:
    store = PbxStore()
    store.apply_extensions(
        [ext("1000", ExtensionStatus.REGISTERED), ext("1008")], store.begin_poll()
    )
    for number in ("1000", "1008"):
        store.apply_report(
            report(event="ExtensionStatus", extension=number, status="Talking"), NOW
        )
        store.apply_report(
            report(event="ExtensionStatus", extension=number, status="Hangup"), NOW
        )
    assert status_of(store, "1000") is ExtensionStatus.IDLE
    assert status_of(store, "1008") is ExtensionStatus.IDLE
