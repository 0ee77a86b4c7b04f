"""Response models built from the manual's examples, enums, and input validation."""

from dataclasses import fields
import datetime as dt
import json
from typing import Any

import pytest

from custom_components.synway_ippbx.api import (
    AgentState,
    AgentType,
    Alarm,
    AlarmChanges,
    AlarmSettings,
    CallDirection,
    CallPermission,
    CallRecordDetail,
    CdrPage,
    CdrQuery,
    CdrStatus,
    EavesdropMode,
    EavesdropPermission,
    ExtensionChanges,
    ExtensionSettings,
    ExtensionStatus,
    ExtensionStatusPage,
    ExtensionType,
    Ivr,
    MonitorMode,
    OutboundPinType,
    OutboundRoute,
    QueueInfo,
    QueueMemberState,
    QueueStatus,
    SynwayArgumentError,
    TimeConditionType,
    TrunkInfo,
    TrunkSettings,
    TrunkStatus,
    TrunkType,
    TtsPrompt,
    Weekday,
    models as api_models,
)
from custom_components.synway_ippbx.api.base import ApiModel, RequestModel
from custom_components.synway_ippbx.api.models import alarms_from_api
from custom_components.synway_ippbx.api.parsing import loads

from . import manual_examples as manual


def _load(text: str) -> Any:
    return loads(text)


def test_enum_parsing() -> None:
    """Calling the class parses: loose spellings agree, unknown words become UNKNOWN."""
    assert ExtensionStatus("InUse") is ExtensionStatus.IN_USE
    assert ExtensionStatus(" ring back ") is ExtensionStatus.RINGBACK
    assert ExtensionStatus("Talking") is ExtensionStatus.TALKING
    assert ExtensionStatus("on hold") is ExtensionStatus.HOLD
    assert ExtensionStatus(None) is ExtensionStatus.UNKNOWN
    assert ExtensionStatus(True) is ExtensionStatus.UNKNOWN
    assert ExtensionStatus(7) is ExtensionStatus.UNKNOWN
    assert ExtensionStatus("no such state") is ExtensionStatus.UNKNOWN
    assert ExtensionStatus(ExtensionStatus.HOLD) is ExtensionStatus.HOLD
    assert TrunkStatus("fail to register") is TrunkStatus.FAIL_TO_REGISTER
    assert TrunkStatus("in use") is TrunkStatus.IN_USE
    assert QueueMemberState("In a queue call") is QueueMemberState.IN_QUEUE_CALL
    assert AgentState("on break") is AgentState.ON_BREAK
    assert AgentState.LOGGED_IN.api_value == "logged in"
    assert CdrStatus("ivr:IVR") is CdrStatus.IVR
    assert MonitorMode("bargein") is MonitorMode.BARGE_IN
    assert MonitorMode("barge_in") is MonitorMode.BARGE_IN
    assert MonitorMode.BARGE_IN.api_value == "bargein"
    assert EavesdropMode("barge-in") is EavesdropMode.BARGE_IN
    assert TimeConditionType.WORK_TIME.api_value == "WorkTime"
    assert TimeConditionType("WorkTime") is TimeConditionType.WORK_TIME
    assert TrunkType("FXO") is TrunkType.FXO
    assert ExtensionStatus.RINGBACK.value == "ringback"
    assert str(ExtensionStatus.IN_USE) == "in_use"
    # The loose spellings are lookups only: members, values and exports are unchanged.
    assert [member.value for member in MonitorMode] == ["listen", "whisper", "barge_in"]
    # Without an UNKNOWN member an unknown word is refused.
    with pytest.raises(ValueError, match="MonitorMode"):
        MonitorMode("spy")


def test_weekdays() -> None:
    assert Weekday.SUN.api_value == 1
    assert Weekday.MON.api_value == 2
    assert Weekday.SAT.api_value == 7
    assert [day.value for day in Weekday] == [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ]
    # A number is the API's (1 = Sunday); a text is a day's name.
    assert Weekday(1) is Weekday.SUN
    assert Weekday(7) is Weekday.SAT
    assert Weekday("Monday") is Weekday.MON
    assert Weekday("fri") is Weekday.FRI
    assert Weekday(Weekday.TUE) is Weekday.TUE
    for bad in ("mo", "xyz", "1", 8, True, None):
        with pytest.raises(ValueError, match="is not a day of the week"):
            Weekday(bad)


def test_extension_settings_from_manual() -> None:
    data = _load(manual.EXT_QUERY)["extinfo"][0]
    ext = ExtensionSettings.from_api(data)
    assert ext.extension == "5001"
    assert ext.extension_type is ExtensionType.SIP
    assert ext.password == "123456"
    assert ext.enabled is True
    assert ext.caller_id is None
    assert ext.max_registrations == 3
    assert ext.forward_always.enabled is False
    assert ext.forward_always.time_condition is TimeConditionType.ALL
    assert ext.follow_me.destination is None
    assert ext.call_timeout == 30
    assert ext.max_call_duration == 6000
    assert ext.call_permission is CallPermission.INTERNATIONAL
    assert ext.eavesdrop_permission is EavesdropPermission.DISABLE
    assert ext.eavesdrop_mode is EavesdropMode.NONE
    assert ext.voicemail is True
    assert ext.recording is False
    assert ext.codecs == ()
    exported = ext.to_dict()
    assert "password" not in exported
    assert "raw" not in exported
    assert exported["forward_busy"] == {
        "enabled": False,
        "destination": None,
        "time_condition": "all",
        "time_condition_uuid": None,
    }
    assert "123456" not in repr(ext)
    json.dumps(exported)
    # Every field of the manual's example is declared: raw keeps none twice.
    assert ext.raw == {}
    newer = ExtensionSettings.from_api({**data, "ring_group": " sales\x00 "})
    assert newer.raw == {"ring_group": " sales\ufffd "}


def test_raw_keeps_only_what_no_field_reads() -> None:
    """A firmware's extra fields survive in raw; the declared ones live parsed, once."""
    settings = ExtensionSettings.from_api(
        {"extension": "1001", "dnd_enabled": "true", "forward_busy_enabled": "yes"}
    )
    assert settings.raw == {}
    page = ExtensionStatusPage.from_api(
        {"total": 1, "data": [{"extension": "1001", "status": "idle", "x": 1}], "y": 2}
    )
    assert page.raw == {"y": 2}
    assert page.extensions[0].raw == {"x": 1}
    route = OutboundRoute.from_api(
        {"outbound_name": "r", "member_extension": "1001", "priority": 3}
    )
    assert route.raw == {"priority": 3}


def test_extension_settings_tolerates_junk() -> None:
    ext = ExtensionSettings.from_api(
        {
            "extension": 5001,
            "absolute_codec_string": "PCMU,PCMA",
            "eavesdrop_extensions": "1,2",
            "call_permission": "galactic",
            "forward_all_tc_type": "",
            "call_timeout": "soon",
        }
    )
    assert ext.extension == "5001"
    assert ext.codecs == ("PCMU", "PCMA")
    assert ext.eavesdrop_extensions == ("1", "2")
    assert ext.call_permission is CallPermission.UNKNOWN
    assert ext.forward_always.time_condition is None
    assert ext.call_timeout is None
    assert ExtensionSettings.from_api({}).extension == ""


def test_extension_changes_to_api() -> None:
    changes = ExtensionChanges(
        name="Andy",
        caller_id="",
        call_permission=CallPermission.LONG_DISTANCE,
        enabled=True,
        voicemail=False,
        recording=True,
        forward_always="1003",
        forward_busy="",
        follow_me=" 555 ",
        call_timeout=30,
        max_call_duration=600,
        max_registrations=2,
        extra={"force_ping": "true"},
    )
    assert changes.call_permission is CallPermission.LONG_DISTANCE
    assert changes.to_api() == {
        "username": "Andy",
        "effective_caller_id_number": "",
        "call_permission": "long_distance",
        "enabled": "true",
        "voicemail_enabled": "false",
        "user_record": "true",
        "forward_all_enabled": "true",
        "forward_all_destination": "1003",
        "forward_busy_enabled": "false",
        "follow_me_enabled": "true",
        "follow_me_destination": "555",
        "call_timeout": "30",
        "max_call_duration": "600",
        "max_registrations": "2",
        "force_ping": "true",
    }
    assert not changes.is_empty
    assert ExtensionChanges().is_empty
    json.dumps(changes.to_dict())


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": ""}, ValueError),
        ({"name": " "}, ValueError),
        ({"call_permission": CallPermission.UNKNOWN}, ValueError),
        ({"call_timeout": 0}, ValueError),
        ({"max_call_duration": 0}, ValueError),
        ({"max_registrations": 0}, ValueError),
    ],
)
def test_extension_changes_validation(
    kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        ExtensionChanges(**kwargs)


def test_extension_state_page() -> None:
    page = ExtensionStatusPage.from_api(_load(manual.EXT_STATUS))
    assert (page.total, page.max_page, page.page, page.count) == (1, 1, 1, 1)
    state = page.extensions[0]
    assert state.extension == "1000"
    assert state.name == "1000"
    assert state.type is ExtensionType.FXS
    assert state.uuid == "6d76a3d5-2d60-4f88-9816-6886aa67e1a9"
    assert state.port == "1"
    assert state.ip_port is None
    assert state.status is ExtensionStatus.IDLE
    assert "data" not in page.raw
    assert page.to_dict()["extensions"][0]["status"] == "idle"
    empty = ExtensionStatusPage.from_api({"data": None, "total": "x"})
    assert (empty.total, empty.extensions) == (None, [])


def test_trunks() -> None:
    trunks = [
        TrunkInfo.from_api(item) for item in _load(manual.TRUNK_LIST)["trunklist"]
    ]
    assert [(t.name, t.type, t.status) for t in trunks[:3]] == [
        ("100", TrunkType.SIP, TrunkStatus.REGISTERED),
        ("10.88", TrunkType.SIP, TrunkStatus.UNMONITORED),
        ("fxo3", TrunkType.FXO, TrunkStatus.IDLE),
    ]
    assert trunks[2].did_number is None
    assert trunks[3].status is TrunkStatus.UNUSABLE
    settings = TrunkSettings.from_api(_load(manual.TRUNK_QUERY)["trunks"][0])
    assert (settings.name, settings.sip_address, settings.port) == (
        "sip3",
        "172.16.10.88",
        None,
    )
    assert trunks[0].to_dict() == {
        "name": "100",
        "type": "sip",
        "status": "registered",
        "did_number": None,
    }


def test_queues() -> None:
    queues = [
        QueueInfo.from_api(item) for item in _load(manual.QUEUE_LIST)["queuelist"]
    ]
    assert [(q.queue_id, q.name) for q in queues] == [
        ("6701", "q6701"),
        ("6700", "q6700"),
    ]
    status = QueueStatus.from_api(_load(manual.QUEUE_MEMBERS))
    assert status.queue_id == "6700"
    assert status.caller_count == 1
    caller = status.callers[0]
    assert caller.caller_id == "1003"
    assert caller.position == 1
    assert caller.joined == dt.datetime(2019, 4, 17, 9, 55, 24)
    assert caller.wait_time == 99
    member = status.members[0]
    assert (member.extension, member.type, member.state) == (
        "1000",
        AgentType.STATIC,
        QueueMemberState.IN_QUEUE_CALL,
    )
    json.dumps(status.to_dict())
    fallback = QueueStatus.from_api(
        {"callers": [{"callerid": 1}, {"callerid": 2}]}, "6701"
    )
    assert (fallback.queue_id, fallback.caller_count) == ("6701", 2)


def test_outbound_route() -> None:
    route = OutboundRoute.from_api(_load(manual.OUTBOUND_QUERY)[0])
    assert route.name == "1122"
    assert route.enabled is True
    assert route.order == 1000
    assert route.pin_type is OutboundPinType.NONE
    assert route.round_robin is False
    assert route.dial_patterns == ("^\\d*$&1&2&4&3", "^\\d*$&3&4&6&5")
    assert route.next_route is True
    assert route.failed_sip_codes == ("403", "408", "488", "500", "502", "504", "480")
    assert route.extensions == ("1000", "1001")
    assert route.trunks == ("117", "ssss")
    strings = OutboundRoute.from_api(
        {
            "outboundname": "r",
            "member_extension": "1003,1004",
            "member_gateway": "fxo6",
            "outbound_pintype": "singlepin",
            "outbound_singlepin": "1234",
        }
    )
    assert (strings.name, strings.extensions, strings.trunks) == (
        "r",
        ("1003", "1004"),
        ("fxo6",),
    )
    assert strings.pin_type is OutboundPinType.SINGLE_PIN
    assert "single_pin" not in strings.to_dict()


def test_ivrs() -> None:
    ivrs = [Ivr.from_api(item) for item in _load(manual.IVR_LIST)["ivrlist"]]
    assert [(i.ivr_id, i.name) for i in ivrs] == [
        ("6500", "default6500"),
        ("6501", "ivr6501"),
    ]


def test_alarm_from_manual() -> None:
    alarms = alarms_from_api(_load(manual.ALARM_QUERY)["wakeups"])
    assert alarms == [
        Alarm(
            alarm_id="3d53af25-0623-4519-9d91-d43efa0913e8",
            extension="1002",
            name="test",
            enabled=True,
            prompt=None,
            weekdays=None,
            date=dt.date(2019, 1, 4),
            time=dt.time(0, 0),
            snooze_interval=600,
            retries=None,
        )
    ]
    assert alarms[0].to_dict()["date"] == "2019-01-04"
    assert alarms[0].to_dict()["time"] == "00:00:00"


def test_alarms_weekdays_lists_and_duplicate_keys() -> None:
    body = (
        '{"wakeups":{"extid":"1002","wakeup":[{"wakeup_uuid":"a","wakeup_custom_day":"true",'
        '"wakeup_wday":"2,3,4,5,6","wakeup_hour":"7","wakeup_min":"30"}],'
        '"extid":"1003","wakeup":[{"wakeup_uuid":"b","wakeup_wday":"17","wakeup_hour":"25"}]}}'
    )
    alarms = alarms_from_api(_load(body)["wakeups"])
    assert [(a.alarm_id, a.extension) for a in alarms] == [("a", "1002"), ("b", "1003")]
    assert alarms[0].weekdays == frozenset(
        {Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI}
    )
    assert alarms[0].time == dt.time(7, 30)
    assert alarms[0].to_dict()["weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert alarms[1].weekdays == frozenset({Weekday.SUN, Weekday.SAT})
    assert alarms[1].time == dt.time(1, 0)
    listed = alarms_from_api(
        [
            {"extid": 1, "wakeup": [{"wakeup_uuid": "c"}]},
            {"wakeup": {"wakeup_uuid": "d", "extid": "9"}},
        ]
    )
    assert [(a.alarm_id, a.extension) for a in listed] == [("c", "1"), ("d", "9")]
    assert alarms_from_api(None) == []
    odd = alarms_from_api(
        _load(
            '{"extid": "5", "wakeup": [{"wakeup_uuid": "e"}], "wakeup": [{"wakeup_uuid": "f"}]}'
        )
    )
    assert [(a.alarm_id, a.extension) for a in odd] == [("e", "5"), ("f", "5")]


def test_alarm_settings() -> None:
    once = AlarmSettings(
        name="wake", time=dt.time(6, 5), date=dt.date(2030, 1, 4), retries=3
    )
    assert once.to_api() == {
        "wakeup_name": "wake",
        "wakeup_enabled": "true",
        "wakeup_prompt": "",
        "wakeup_custom_day": "false",
        "wakeup_wday": "",
        "wakeup_mday": "2030-01-04",
        "wakeup_hour": "6",
        "wakeup_min": "5",
        "wakeup_snooze_time": "600",
        "wakeup_retry_times": "3",
    }
    weekly = AlarmSettings(
        name="w",
        time=dt.time(7),
        weekdays=frozenset({Weekday.SUN, Weekday.SAT, Weekday.MON}),
        enabled=False,
        prompt="p.wav",
        snooze_interval=300,
    )
    api = weekly.to_api()
    assert api["wakeup_custom_day"] == "true"
    assert api["wakeup_wday"] == "1,2,7"
    assert api["wakeup_mday"] == ""
    assert api["wakeup_enabled"] == "false"
    assert "wakeup_retry_times" not in api
    assert weekly.weekdays == frozenset({Weekday.SUN, Weekday.SAT, Weekday.MON})


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"name": "a", "time": dt.time(1)}, ValueError),
        (
            {
                "name": "a",
                "time": dt.time(1),
                "date": dt.date(2030, 1, 1),
                "weekdays": [Weekday.MON],
            },
            ValueError,
        ),
        ({"name": "", "time": dt.time(1), "date": dt.date(2030, 1, 1)}, ValueError),
        (
            {"name": "a", "time": dt.time(1), "date": dt.datetime(2030, 1, 1)},
            SynwayArgumentError,
        ),
        ({"name": "a", "time": dt.time(1), "weekdays": frozenset()}, ValueError),
        (
            {
                "name": "a",
                "time": dt.time(1),
                "date": dt.date(2030, 1, 1),
                "snooze_interval": 0,
            },
            ValueError,
        ),
        (
            {
                "name": "a",
                "time": dt.time(1),
                "date": dt.date(2030, 1, 1),
                "retries": -1,
            },
            ValueError,
        ),
    ],
)
def test_alarm_settings_validation(
    kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        AlarmSettings(**kwargs)


def test_alarm_changes() -> None:
    assert AlarmChanges().is_empty
    changes = AlarmChanges(
        name="n",
        time=dt.time(8, 15),
        weekdays=frozenset({Weekday.WED}),
        enabled=True,
        prompt="",
        snooze_interval=60,
        retries=0,
    )
    assert changes.to_api() == {
        "wakeup_name": "n",
        "wakeup_enabled": "true",
        "wakeup_prompt": "",
        "wakeup_custom_day": "true",
        "wakeup_wday": "4",
        "wakeup_hour": "8",
        "wakeup_min": "15",
        "wakeup_snooze_time": "60",
        "wakeup_retry_times": "0",
    }
    dated = AlarmChanges(date=dt.date(2031, 2, 3))
    assert dated.to_api() == {"wakeup_custom_day": "false", "wakeup_mday": "2031-02-03"}
    with pytest.raises(SynwayArgumentError):
        AlarmChanges(date=dt.date(2031, 2, 3), weekdays=frozenset({Weekday.WED}))
    with pytest.raises(SynwayArgumentError):
        AlarmChanges(weekdays=frozenset())
    with pytest.raises(SynwayArgumentError):
        AlarmChanges(date=dt.datetime(2031, 2, 3, 8))


# Every request model, each declaring where its fields go (sent()), like the responses.
_REQUEST_MODELS = (AlarmSettings, AlarmChanges, CdrQuery, ExtensionChanges, TtsPrompt)


@pytest.mark.parametrize("model", _REQUEST_MODELS)
def test_request_models_declare_their_wire_keys(model: type[ApiModel]) -> None:
    """A request model says once, beside each field, which PBX key it goes out as."""
    assert issubclass(model, RequestModel)
    assert any("send" in item.metadata for item in fields(model))


def test_every_input_model_is_a_request_model() -> None:
    """No request model of the client is left out of the list above."""
    inputs = {
        value
        for value in vars(api_models).values()
        if isinstance(value, type)
        and issubclass(value, ApiModel)
        and (hasattr(value, "to_api") or value is TtsPrompt)
    }
    assert inputs == set(_REQUEST_MODELS)


def test_tts_prompt() -> None:
    tts = TtsPrompt(
        type="fchtts",
        url="http://10.10.8.134/api",
        params={"fchtts_param": {"text": "你好"}},
    )
    assert tts.to_dict() == {
        "type": "fchtts",
        "url": "http://10.10.8.134/api",
        "params": {"fchtts_param": {"text": "你好"}},
    }
    assert tts.to_api() == {
        "type": "tts",
        "tts_type": "fchtts",
        "tts_url": "http://10.10.8.134/api",
        "tts_param": {"fchtts_param": {"text": "你好"}},
    }
    assert TtsPrompt(type="t", url="u").to_api()["tts_param"] == {}
    with pytest.raises(SynwayArgumentError):
        TtsPrompt(type="", url="u")
    with pytest.raises(SynwayArgumentError):
        TtsPrompt(type="t", url=" ")


def test_cdr_query() -> None:
    query = CdrQuery(
        extension="1001",
        caller="3098",
        callee="1002",
        outbound_caller_id="555",
        started_after=dt.datetime(2019, 5, 27, 12),
        started_before=dt.datetime(2019, 5, 28, 12),
        ended_after=dt.datetime(2019, 5, 27, 13),
        ended_before=dt.datetime(2019, 5, 28, 13, 0, 5),
        direction=CallDirection.INBOUND,
        status=CdrStatus.ANSWERED,
    )
    assert query.to_api() == {
        "extid": "1001",
        "caller_id_number": "3098",
        "destination_number": "1002",
        "outbound_callerid_number": "555",
        "start_stamp_begin": "2019-05-27 12:00:00",
        "start_stamp_end": "2019-05-28 12:00:00",
        "end_stamp_begin": "2019-05-27 13:00:00",
        "end_stamp_end": "2019-05-28 13:00:05",
        "direction": "inbound",
        "call_status": "answered",
    }
    assert CdrQuery().to_api() == {}
    assert CdrQuery(
        status=CdrStatus.CANCELLED, direction=CallDirection.LOCAL
    ).to_api() == {"direction": "local", "call_status": "cancelled"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"status": CdrStatus.VOICEMAIL}, ValueError),
        ({"status": CdrStatus.UNKNOWN}, ValueError),
        ({"direction": CallDirection.UNKNOWN}, ValueError),
        ({"extension": ""}, ValueError),
    ],
)
def test_cdr_query_validation(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        CdrQuery(**kwargs)


def test_call_records() -> None:
    page = CdrPage.from_api(_load(manual.CDRS))
    assert (page.total, page.max_page, page.page, page.count, page.limit) == (
        1,
        1,
        1,
        1,
        None,
    )
    record = page.records[0]
    assert record.record_id == ""
    assert record.start == dt.datetime(2019, 6, 26, 15, 19, 5)
    assert record.direction is CallDirection.INBOUND
    assert record.status is CdrStatus.VOICEMAIL
    assert (record.caller, record.destination, record.trunk) == (
        "3098",
        "stvm1002",
        "fxo4",
    )
    assert (record.duration, record.talk_time, record.mos) == (15, 15, None)
    json.dumps(page.to_dict())
    detail = CallRecordDetail.from_api(_load(manual.CDR_QUERY)["data"][0])
    assert detail.record_id == "e7b947ea-f70d-11e9-a538-4916853a66fb"
    assert detail.direction is CallDirection.LOCAL
    assert detail.status is None
    assert detail.end == dt.datetime(2019, 10, 25, 17, 58, 2)
    assert (detail.start_epoch, detail.answer_epoch, detail.end_epoch) == (
        1571997470,
        1571997473,
        1571997482,
    )
    assert detail.record_name == "AutoExt-2019-10-25-17-57-53-1001-3005.wav"
    assert detail.cost == "0.00"
    assert detail.to_dict()["end"] == "2019-10-25T17:58:02"


def test_models_are_frozen() -> None:
    info = QueueInfo(queue_id="1")
    with pytest.raises(AttributeError):
        info.queue_id = "2"  # type: ignore[misc]


def test_request_models_declare_where_each_field_goes() -> None:
    """Request fields are declared with sent(), as response fields are with wire()."""
    from dataclasses import fields

    from custom_components.synway_ippbx.api.base import RequestModel

    two_keys = {"forward_always", "forward_busy", "forward_no_answer"}
    two_keys |= {"forward_unregistered", "follow_me", "extra"}
    when = {"time", "date", "weekdays"}
    for model, own in (
        (ExtensionChanges, two_keys),
        (CdrQuery, set()),
        (AlarmChanges, when),
    ):
        assert issubclass(model, RequestModel)
        undeclared = {
            item.name for item in fields(model) if "send" not in item.metadata
        }
        assert undeclared == own, model
    query = CdrQuery(extension="1000", direction=CallDirection.INBOUND)
    assert query.to_api() == {"extid": "1000", "direction": "inbound"}


def test_alike_forwarding_rules_are_one_object() -> None:
    """Five rules per extension, mostly off: 3,000 extensions keep one object for them."""
    off = {f"{p}_enabled": "no" for p in ("forward_all", "forward_busy", "follow_me")}
    first = ExtensionSettings.from_api({"extension": "1001", **off})
    second = ExtensionSettings.from_api(
        {"extension": "1002", **off, "forward_busy_destination": "1003"}
    )
    assert first.forward_always is second.forward_always is first.follow_me
    assert second.forward_busy.destination == "1003"
    assert first.forward_busy.destination is None


def test_forwarding_with_junk_where_a_word_belongs() -> None:
    """A list or object in a forwarding field is read like any junk, never a crash."""
    settings = ExtensionSettings.from_api(
        {"extension": "1001", "forward_busy_destination": ["1003"]}
    )
    assert settings.forward_busy.destination is None
    again = ExtensionSettings.from_api({"extension": "1002", "forward_busy_enabled": 1})
    truthy = ExtensionSettings.from_api(
        {"extension": "1003", "forward_busy_enabled": True}
    )
    assert again.forward_busy.enabled is truthy.forward_busy.enabled is True
