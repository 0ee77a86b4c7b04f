"""Parsing of every report type, from the manual's examples and from quirky bodies."""

import datetime as dt
import json

import pytest

from custom_components.synway_ippbx.api import (
    MAX_REPORT_SIZE,
    REPORT_EVENTS,
    AgentStatusChange,
    AgentStatusReport,
    AgentWrapUpReport,
    AnsweredReport,
    AnswerReport,
    CallDirection,
    CallFailedReport,
    CallinRequestReport,
    CallParty,
    CallReport,
    CdrReport,
    CdrStatus,
    ConferenceCreateReport,
    ConferenceDestroyReport,
    DtmfReport,
    ExtensionStatus,
    ExtensionStatusReport,
    HangupReport,
    HoldReport,
    PlayEndReport,
    QueueAction,
    QueueOverflowReport,
    QueueStatusReport,
    RecordEndReport,
    RecordStartReport,
    RecordType,
    Report,
    ReportParseError,
    RingbackReport,
    RingReport,
    SynwayError,
    SystemUpReport,
    TransferReport,
    UnholdReport,
    UnknownReport,
    parse_report,
)

from .manual_examples import REPORTS

EXPECTED_CLASSES: dict[str, type[Report]] = {
    "Systemup": SystemUpReport,
    "ExtensionStatus": ExtensionStatusReport,
    "RING": RingReport,
    "RINGBACK": RingbackReport,
    "ANSWER": AnswerReport,
    "ANSWERED": AnsweredReport,
    "HOLD": HoldReport,
    "UNHOLD": UnholdReport,
    "HANGUP": HangupReport,
    "TRANSFER": TransferReport,
    "CALLFAILED": CallFailedReport,
    "CallinRequest": CallinRequestReport,
    "DTMF": DtmfReport,
    "PLAYEND": PlayEndReport,
    "RECORDSTART": RecordStartReport,
    "RECORDEND": RecordEndReport,
    "AgentStatus": AgentStatusReport,
    "AgentWrapUp": AgentWrapUpReport,
    "QueueStatus": QueueStatusReport,
    "QueueOverflow": QueueOverflowReport,
    "CDR": CdrReport,
    "CONFERENCECREATE": ConferenceCreateReport,
    "CONFERENCEDESTROY": ConferenceDestroyReport,
}


def test_all_23_report_types_are_known() -> None:
    assert len(EXPECTED_CLASSES) == 23
    assert set(EXPECTED_CLASSES) == REPORT_EVENTS == set(REPORTS)


@pytest.mark.parametrize("event", sorted(EXPECTED_CLASSES))
def test_manual_example_parses_to_its_class(event: str) -> None:
    body = REPORTS[event]
    report = parse_report(body.encode())
    assert type(report) is EXPECTED_CLASSES[event]
    assert report.event == event
    assert report.data == json.loads(body)
    json.dumps(report.data)
    json.dumps(report.to_dict())
    # str bodies too, and the name in any case
    assert type(parse_report(body.replace(f'"{event}"', f'"{event.lower()}"'))) is type(
        report
    )


def test_ring_parties() -> None:
    report = parse_report(REPORTS["RING"])
    assert isinstance(report, RingReport)
    assert report.callid == "a0a6d172-d384-11e8-826f-55df9da9116c"
    assert report.caller == CallParty(
        role="caller",
        kind="extension",
        extension="1000",
        caller_id="1000",
        uuid="a0a6d172-d384-11e8-826f-55df9da9116c",
    )
    assert report.called is not None
    assert report.called.extension == "1002"
    assert report.called.uuid == "66030ee8-e0bb-11e8-8a30-a319da67b18c"
    assert [party.extension for party in report.extension_parties] == ["1000", "1002"]
    assert report.caller is not None
    assert report.caller.number == "1000"
    assert report.user_id is None


def test_trunk_parties() -> None:
    report = parse_report(REPORTS["RINGBACK"])
    assert isinstance(report, CallReport)
    called = report.called
    assert called is not None
    assert (called.kind, called.from_number, called.to_number, called.trunk) == (
        "trunk",
        "1002",
        "1141",
        "trunkname",
    )
    assert called.number == "1141"
    answer = parse_report(REPORTS["ANSWER"])
    assert isinstance(answer, CallReport)
    assert answer.caller is not None
    assert answer.caller.kind == "trunk"
    assert answer.caller.number == "88861158"
    assert [party.extension for party in answer.extension_parties] == ["1002"]


def test_getevent_shape_with_lastdest() -> None:
    body = (
        '{"event":"ANSWERED","callid":"c1","callerext":{"extid":"3000","callerid":"3000","uuid":"u1"},'
        '"calledtrunk":{"from":"3000","to":"123456789","callerid":"3000","lastdest":"123456789",'
        '"originaldest":"9","trunk":"172.16.10.56:5066","uuid":"u2"}}'
    )
    report = parse_report(body)
    assert isinstance(report, AnsweredReport)
    assert report.called is not None
    assert report.called.last_destination == "123456789"
    assert report.called.original_destination == "9"


def test_duplicate_party_keys_keep_every_party_in_order() -> None:
    body = (
        '{"event":"RING","callid":"c","calledext":{"extid":"1003"},'
        '"callerext":{"extid":"1001"},"calledext":{"extid":"1004"}}'
    )
    report = parse_report(body)
    assert [(party.role, party.extension) for party in report.parties] == [
        ("called", "1003"),
        ("caller", "1001"),
        ("called", "1004"),
    ]
    assert report.data["calledext"] == {"extid": "1004"}  # last wins in data


def test_party_quirks() -> None:
    body = (
        '{"event":"HANGUP","callid":12345,"originator":"CALLER","CallerExt":{"extid":1001},'
        '"calledext":[{"extid":["106","101"]},"junk"],"callertrunk":null,"calledtrunk":"x",'
        '"user_id":77}'
    )
    report = parse_report(body)
    assert isinstance(report, HangupReport)
    assert report.callid == "12345"
    assert report.originator == "caller"
    assert report.user_id == "77"
    assert [party.extension for party in report.parties] == ["1001", "106", "101"]
    empty = parse_report('{"event":"HANGUP","calledext":{"extid":[]}}')
    assert isinstance(empty, HangupReport)
    assert empty.callid == ""
    assert empty.originator is None
    assert [party.extension for party in empty.parties] == [None]


def test_extension_status() -> None:
    report = parse_report(REPORTS["ExtensionStatus"])
    assert isinstance(report, ExtensionStatusReport)
    assert (report.extension, report.status) == ("1002", ExtensionStatus.REGISTERED)
    # the table's field name, a number for the extension, odd case
    other = parse_report(
        '{"event":"extensionstatus","extension":1005,"ExtensionStatus":"InUse","user_id":"x"}'
    )
    assert isinstance(other, ExtensionStatusReport)
    assert (other.extension, other.status, other.user_id) == (
        "1005",
        ExtensionStatus.IN_USE,
        "x",
    )
    odd = parse_report('{"event":"ExtensionStatus","status":"Exploded"}')
    assert isinstance(odd, ExtensionStatusReport)
    assert (odd.extension, odd.status) == ("", ExtensionStatus.UNKNOWN)
    for word, status in [
        ("Ringing", ExtensionStatus.RINGING),
        ("Ringback", ExtensionStatus.RINGBACK),
        ("Talking", ExtensionStatus.TALKING),
        ("Hangup", ExtensionStatus.HANGUP),
        ("Unregistered", ExtensionStatus.UNREGISTERED),
    ]:
        parsed = parse_report(
            json.dumps({"event": "ExtensionStatus", "extension": "1", "status": word})
        )
        assert isinstance(parsed, ExtensionStatusReport)
        assert parsed.status is status


def test_systemup_spellings() -> None:
    for name in ("Systemup", "SystemUp", "SYSTEMUP"):
        report = parse_report(json.dumps({"event": name}))
        assert isinstance(report, SystemUpReport)
        assert report.event == "Systemup"
        assert report.parties == ()


def test_hangup_and_call_failed() -> None:
    hangup = parse_report(REPORTS["HANGUP"])
    assert isinstance(hangup, HangupReport)
    assert hangup.originator == "called"
    failed = parse_report(REPORTS["CALLFAILED"])
    assert isinstance(failed, CallFailedReport)
    assert (failed.originator, failed.cause) == ("called", "NO_USER_RESPONSE")
    yeastar = parse_report(
        '{"event":"CallFailed","reason":"486 Busy Here","originator":"who"}'
    )
    assert isinstance(yeastar, CallFailedReport)
    assert (yeastar.cause, yeastar.originator) == ("486 Busy Here", None)


def test_transfer() -> None:
    report = parse_report(REPORTS["TRANSFER"])
    assert isinstance(report, TransferReport)
    assert (report.transfer_from, report.transfer_to, report.transfer_time) == (
        "6500",
        "6700",
        None,
    )
    assert report.caller is not None
    assert report.caller.original_destination == "6500"
    typo = parse_report(
        '{"event":"Tranfer","callid":"c","transfer_time":"2019-05-05 10:00:00"}'
    )
    assert isinstance(typo, TransferReport)
    assert typo.event == "TRANSFER"
    assert typo.transfer_time == "2019-05-05 10:00:00"


def test_callin_request_nested_and_top_level() -> None:
    nested = parse_report(REPORTS["CallinRequest"])
    assert isinstance(nested, CallinRequestReport)
    assert (nested.from_number, nested.to_number, nested.trunk, nested.uuid) == (
        "88861158",
        "1002",
        "trunkname",
        "071d9cde-d5be-11e8-8a38-55df9da9116c",
    )
    top = parse_report(
        '{"event":"CallinRequest","callid":"c9","from":88861158,"to":"1002","trunk":"t1"}'
    )
    assert isinstance(top, CallinRequestReport)
    assert (top.from_number, top.to_number, top.trunk, top.uuid) == (
        "88861158",
        "1002",
        "t1",
        "c9",
    )
    bare = parse_report('{"event":"CallinRequest"}')
    assert isinstance(bare, CallinRequestReport)
    assert (bare.from_number, bare.uuid) == (None, None)


def test_callin_request_manual_example_has_an_extra_brace() -> None:
    with pytest.raises(ReportParseError):
        parse_report(REPORTS["CallinRequest"] + "}")


def test_dtmf_both_spellings() -> None:
    example = parse_report(REPORTS["DTMF"])
    assert isinstance(example, DtmfReport)
    assert (example.digit, example.index) == ("2", 1)
    table = parse_report('{"event":"DTMF","callid":"c","info":"#","flag":"2"}')
    assert isinstance(table, DtmfReport)
    assert (table.digit, table.index) == ("#", 2)
    numbers = parse_report('{"event":"DTMF","dtmf":5,"index":0}')
    assert isinstance(numbers, DtmfReport)
    assert (numbers.digit, numbers.index) == ("5", 0)


def test_play_end_and_recording() -> None:
    play = parse_report(REPORTS["PLAYEND"])
    assert isinstance(play, PlayEndReport)
    assert play.filename == "1.wav"
    start = parse_report(REPORTS["RECORDSTART"])
    assert isinstance(start, RecordStartReport)
    assert start.record_type is RecordType.EXTENSION
    end = parse_report(REPORTS["RECORDEND"])
    assert isinstance(end, RecordEndReport)
    assert end.record_type is RecordType.EXTENSION
    assert end.start == dt.datetime(2019, 4, 28, 9, 2, 39)
    assert end.end == dt.datetime(2019, 4, 28, 9, 5, 10)
    assert end.seconds == 151
    assert end.download_path is not None
    assert end.download_path.startswith("https://172.16.10.90/")
    conf = parse_report(
        '{"event":"RECORDSTART","record_type":"conf","conference_name":"c","conference_number":6400}'
    )
    assert isinstance(conf, RecordStartReport)
    assert (conf.record_type, conf.conference_number) == (RecordType.CONFERENCE, "6400")
    for word, kind in [
        ("trunk", RecordType.TRUNK),
        ("key", RecordType.ONE_TOUCH),
        ("msg", RecordType.VOICE_MESSAGE),
        ("odd", RecordType.UNKNOWN),
    ]:
        parsed = parse_report(json.dumps({"event": "RECORDSTART", "record_type": word}))
        assert isinstance(parsed, RecordStartReport)
        assert parsed.record_type is kind


def test_record_start_manual_example_is_broken_json() -> None:
    broken = (
        '{"event":"RECORDSTART","callid":"d28cc16e-6fca-11e9-b603-ff2c482675e9","callerext":'
        '{"extid":"1000","uuid":"d28cc16e-6fca-11e9-b603-ff2c482675e9"}"},"record_type":"ext""}'
    )
    with pytest.raises(ReportParseError):
        parse_report(broken)


def test_agents_and_queues() -> None:
    agent = parse_report(REPORTS["AgentStatus"])
    assert isinstance(agent, AgentStatusReport)
    assert (agent.queue_id, agent.extension, agent.status) == (
        "6700",
        "1002",
        AgentStatusChange.LOGIN,
    )
    for word, status in [
        ("logout", AgentStatusChange.LOGOUT),
        ("onbreak", AgentStatusChange.ON_BREAK),
        ("resume", AgentStatusChange.RESUME),
        ("dancing", AgentStatusChange.UNKNOWN),
    ]:
        parsed = parse_report(
            json.dumps(
                {"event": "AgentStatus", "queueid": 6700, "extid": 1, "status": word}
            )
        )
        assert isinstance(parsed, AgentStatusReport)
        assert parsed.status is status
        assert parsed.queue_id == "6700"
    wrap = parse_report(REPORTS["AgentWrapUp"])
    assert isinstance(wrap, AgentWrapUpReport)
    assert (wrap.queue_id, wrap.extension, wrap.on_break) == ("6700", "1000", True)
    off = parse_report(
        '{"event":"AgentWrapUp","queueid":"6700","extid":"1000","status":"off"}'
    )
    assert isinstance(off, AgentWrapUpReport)
    assert off.on_break is False
    queue = parse_report(REPORTS["QueueStatus"])
    assert isinstance(queue, QueueStatusReport)
    assert (queue.queue_id, queue.caller_count, queue.action, queue.caller) == (
        "6700",
        1,
        QueueAction.ADD,
        "88861158",
    )
    assert queue.callid == "cb3a1004-4a0b-11e9-8663-d3bc908a587a"
    removed = parse_report(
        '{"event":"QueueStatus","number":6700,"callercount":0,"action":"Remove"}'
    )
    assert isinstance(removed, QueueStatusReport)
    assert (removed.queue_id, removed.caller_count, removed.action) == (
        "6700",
        0,
        QueueAction.REMOVE,
    )
    overflow = parse_report(REPORTS["QueueOverflow"])
    assert isinstance(overflow, QueueOverflowReport)
    assert (overflow.queue_id, overflow.destination, overflow.callid) == (
        "6700",
        "6701",
        "a1e213f2-787b-11e9-9798-c796b0163a55",
    )


def test_cdr() -> None:
    report = parse_report(REPORTS["CDR"])
    assert isinstance(report, CdrReport)
    assert report.callid == "d7634108-d59d-11e8-88be-55df9da9116c"
    assert (report.caller, report.callee, report.caller_id) == ("1002", "114", "1002")
    assert (report.original_destination, report.last_destination) == ("114", "114")
    assert (report.destination_trunk, report.source_trunk) == ("fxo3", None)
    assert (report.status, report.status_text) == (CdrStatus.ANSWERED, "ANSWERED")
    assert report.reason == "NORMAL_CLEARING"
    assert report.call_type is CallDirection.OUTBOUND
    assert report.call_time == dt.datetime(2018, 10, 22, 9, 57, 33)
    assert report.answer_time == dt.datetime(2018, 10, 22, 9, 57, 37)
    assert report.hangup_time == dt.datetime(2018, 10, 22, 9, 57, 39)
    assert report.talk_time == 1
    internal = parse_report(
        '{"event":"CDR","callid":"c","type":"Internal","status":"NO ANSWER","talktime":6,'
        '"srctrunk":"fxo3","didnumber":8001,"waittimeinqueue":"3","agentringtime":"2",'
        '"agenttalktime":"9","user_id":"u"}'
    )
    assert isinstance(internal, CdrReport)
    assert internal.call_type is CallDirection.LOCAL
    assert internal.status is CdrStatus.NO_ANSWER
    assert (internal.source_trunk, internal.did_number, internal.talk_time) == (
        "fxo3",
        "8001",
        6,
    )
    assert (
        internal.wait_time_in_queue,
        internal.agent_ring_time,
        internal.agent_talk_time,
    ) == (3, 2, 9)
    assert internal.user_id == "u"


def test_cdr_manual_examples_use_curly_quotes() -> None:
    body = '{"event":"CDR","callid":"c",”originaldest”:”1002”}'
    with pytest.raises(ReportParseError):
        parse_report(body)


def test_conference() -> None:
    create = parse_report(REPORTS["CONFERENCECREATE"])
    assert isinstance(create, ConferenceCreateReport)
    assert (create.uuid, create.name, create.number) == (
        "d28cc16e-6fca-11e9-b603-ff2c482675e9",
        "conf",
        "6400",
    )
    destroy = parse_report(REPORTS["CONFERENCEDESTROY"])
    assert isinstance(destroy, ConferenceDestroyReport)
    assert destroy.number == "6400"


def test_unknown_event_and_action_key() -> None:
    report = parse_report('{"event":"Incoming","callid":"c","callerext":{"extid":"1"}}')
    assert isinstance(report, UnknownReport)
    assert report.event == "Incoming"
    assert report.parties[0].extension == "1"
    legacy = parse_report('{"action":"RING","callid":"c"}')
    assert isinstance(legacy, RingReport)
    upper = parse_report('{"Event":"HOLD"}')
    assert isinstance(upper, HoldReport)
    assert upper.callid == ""


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"RING"',
        b"null",
        b"{}",
        b'{"callid":"x"}',
        b'{"event":null}',
        b'{"event":""}',
        b'{"event":{"nested":1}}',
        b"[" * 100000,
    ],
)
def test_not_a_report(body: bytes) -> None:
    with pytest.raises(ReportParseError):
        parse_report(body)


def test_size_limit() -> None:
    padding = "x" * (MAX_REPORT_SIZE - 40)
    fits = json.dumps({"event": "RING", "p": padding}).encode()
    assert len(fits) <= MAX_REPORT_SIZE
    assert isinstance(parse_report(fits), RingReport)
    too_big = json.dumps({"event": "RING", "p": "x" * MAX_REPORT_SIZE})
    with pytest.raises(ReportParseError):
        parse_report(too_big)
    with pytest.raises(ReportParseError):
        parse_report(too_big.encode())


def test_report_parse_error_is_a_synway_and_value_error() -> None:
    assert issubclass(ReportParseError, SynwayError)
    assert issubclass(ReportParseError, ValueError)


def test_bom_and_null_fields() -> None:
    body = '\ufeff{"event":"RING","callid":null,"callerext":{"extid":null,"uuid":null},"user_id":null}'
    report = parse_report(body.encode("utf-8"))
    assert isinstance(report, RingReport)
    assert report.callid == ""
    assert report.parties[0].extension is None
    assert report.data["callid"] is None


def test_reports_are_hashable_free_of_raw_compare() -> None:
    first = parse_report(REPORTS["HOLD"])
    second = parse_report(REPORTS["HOLD"].replace("}}", '},"extra":1}'))
    assert first == second  # data is not compared
    assert first.to_dict()["event"] == "HOLD"


def test_party_number_falls_back_on_what_names_that_side() -> None:
    caller = CallParty(role="caller", kind="trunk", caller_id="88861158")
    called = CallParty(role="called", kind="trunk", last_destination="6700")
    bare = CallParty(role="called", kind="trunk", original_destination="6500")
    extension = CallParty(role="caller", kind="extension", extension="1002")
    assert (caller.number, called.number, bare.number, extension.number) == (
        "88861158",
        "6700",
        "6500",
        "1002",
    )


@pytest.mark.parametrize("event", sorted(EXPECTED_CLASSES))
def test_fast_and_careful_decoding_agree(event: str) -> None:
    """Clean bodies skip the cleaning walk; the report must be the one the walk gives."""
    from custom_components.synway_ippbx.api.parsing import loads, loads_clean
    from custom_components.synway_ippbx.api.reports.parser import report_from_object

    body = REPORTS[event].encode()
    careful = report_from_object(loads(body))
    fast = parse_report(body)
    assert fast == careful
    assert fast.data == careful.data
    assert fast.parties == careful.parties
    if loads_clean(body) is None:
        return
    # An escape, a long text or a repeated key sends the body the careful way.
    assert loads_clean(body.replace(b'"event"', b'"\\u0065vent"')) is None
    assert loads_clean(body[:-1] + b', "x": "' + b"y" * 300 + b'"}') is None
    assert loads_clean(body[:-1] + b', "event": "x"}') is None


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"event":"RING","callid":"1"}',
        b'{"event" : "RING", "callid" : "1"}',
        b'{"event":"RING","callid":"1","duration":NaN}',
        b'{"event":"RING","callid":"1","big":123456789012345678901234567890}',
        b'{"event":"RING","callid":"1","event":"HANGUP"}',
    ],
    ids=["bom", "spaced-colons", "nan", "huge-int", "repeated-key"],
)
def test_fast_path_declines_or_agrees(body: bytes) -> None:
    """Whatever orjson declines or cannot tell apart goes the careful way, same result."""
    from custom_components.synway_ippbx.api.parsing import loads
    from custom_components.synway_ippbx.api.reports.parser import report_from_object

    careful = report_from_object(loads(body.decode("utf-8-sig")))
    assert parse_report(body) == careful
