"""Response and report examples copied from the vendor manual (broken JSON repaired)."""

EXT_QUERY = (
    '{"status":"success","extinfo":[{"extension":"5001","extension_type":"SIP","password":"123456",'
    '"enabled":"true","username":"5001","effective_caller_id_number":null,"max_registrations":"3",'
    '"forward_all_enabled":"false","forward_all_destination":null,"forward_all_tc_type":"All",'
    '"forward_all_tc_uuid":null,"forward_busy_enabled":"false","forward_busy_destination":null,'
    '"forward_busy_tc_type":"All","forward_busy_tc_uuid":null,"forward_no_answer_enabled":"false",'
    '"forward_no_answer_destination":null,"forward_no_answer_tc_type":"All",'
    '"forward_no_answer_tc_uuid":null,"forward_user_not_registered_enabled":"false",'
    '"forward_user_not_registered_destination":null,"forward_user_not_registered_tc_type":"All",'
    '"forward_user_not_registered_tc_uuid":null,"follow_me_enabled":"false",'
    '"follow_me_destination":null,"follow_me_tc_type":"All","follow_me_tc_uuid":null,'
    '"absolute_codec_string":null,"force_ping":"false","call_timeout":"30",'
    '"max_call_duration":"6000","outbound_restriction":"false","call_permission":"international",'
    '"extension_trunk":"false","eavesdrop_enable":"disable","eavesdrop_mode":"none",'
    '"user_record":"false","voicemail_enabled":"true"}]}'
)
EXT_STATUS = (
    '{"status":"success","total":1,"max_page":1,"page":1,"count":1,"data":[{"extension":"1000",'
    '"effective_caller_id_name":"1000","extension_type":"FXS","extension_uuid":'
    '"6d76a3d5-2d60-4f88-9816-6886aa67e1a9","port":"1","ip":null,"status":"Idle"}]}'
)
TRUNK_LIST = (
    '{"status":"success","trunklist":[{"trunkname":"100","type":"SIP","status":"registered"},'
    '{"trunkname":"10.88","type":"SIP","status":"unmonitored"},{"trunkname":"fxo3","type":"FXO",'
    '"status":"idle","did_number":""},{"trunkname":"fxo4","type":"FXO","status":"unusable",'
    '"did_number":""},{"trunkname":"fxo5","type":"FXO","status":"unusable","did_number":""},'
    '{"trunkname":"fxo6","type":"FXO","status":"unusable","did_number":""}]}'
)
TRUNK_QUERY = (
    '{"status":"success","trunks":[{"trunkname":"sip3","sip_address":"172.16.10.88"}]}'
)
QUEUE_LIST = (
    '{"status":"success","queuelist":[{"queueid":"6701","queuename":"q6701"},'
    '{"queueid":"6700","queuename":"q6700"}]}'
)
QUEUE_MEMBERS = (
    '{"status":"success","queueid":"6700","callercount":"1","callers":[{"callerid":"1003",'
    '"callid":"dd97bb5c-60b3-11e9-a65d-1be0b8b0b7b8","position":"1","inqueue_time":'
    '"2019-04-17 09:55:24","wait_time":"99"}],"members":[{"extid":"1000","type":"static",'
    '"state":"In a queue call"}]}'
)
AGENT_QUERY = (
    '{"status":"success","queueid":"6700","extid":"1002","agentstatus": "logged in"}'
)
OUTBOUND_QUERY = (
    '[{"domain_uuid":"7ad965ea-1285-4511-b240-32b236a7a4d3","dialplan_uuid":'
    '"09ffeaa4-4202-4ddb-bd20-ff4727727512","outbound_name":"1122","outbound_pintype":"none",'
    '"outbound_singlepin":null,"outbound_pinlist":null,"outbound_rrmemory_hunt":"false",'
    '"outbound_dialpatterns":"^\\\\d*$&1&2&4&3@^\\\\d*$&3&4&6&5","outbound_next_route":"true",'
    '"outbound_failed_sip_code":"403|408|488|500|502|504|480","outbound_enabled":"true",'
    '"outbound_order":"1000","member_extension":[{"extension":"1000","extension_uuid":'
    '"6d76a3d5-2d60-4f88-9816-6886aa67e1a9"},{"extension":"1001","extension_uuid":'
    '"2626e433-c56d-4826-b5a1-af6f747c505b"}],"member_gateway":[{"gateway":"117","gateway_uuid":'
    '"027e1f94-372c-4335-b209-8b6e43584ab7","outbound_gateway_order":"101"},{"gateway":"ssss",'
    '"gateway_uuid":"01bd6550-ccfd-4c88-8241-980cd0173328","outbound_gateway_order":"100"}],'
    '"time_condition_destination":[]}]'
)
IVR_LIST = (
    '{"status":"success","ivrlist":[{"ivrid":"6500","ivrname":"default6500"},'
    '{"ivrid":"6501","ivrname":"ivr6501"}]}'
)
ALARM_QUERY = (
    '{"status":"success","wakeups":{"extid":"1002","wakeup":[{"wakeup_name":"test",'
    '"wakeup_uuid":"3d53af25-0623-4519-9d91-d43efa0913e8","wakeup_enabled":"true",'
    '"wakeup_prompt":"","wakeup_custom_day":"false","wakeup_wday":"","wakeup_mday":"2019-01-04",'
    '"wakeup_hour":"0","wakeup_min":"0","wakeup_snooze_time":"600"}]}}'
)
CDRS = (
    '{"status":"success","total":1,"max_page":1,"page":1,"count":1,"data":[{"start_stamp":'
    '"2019-06-26 15:19:05","hangup_cause":"NORMAL_CLEARING","duration":"15","record_name":null,'
    '"trunk_record_name":null,"one_touch_record_name":null,"direction":"inbound","billsec":"15",'
    '"caller_id_number":"3098","caller_destination":"stvm1002","source_number":null,'
    '"destination_number":"stvm1002","answer_stamp":"2019-06-26 15:19:05",'
    '"sip_hangup_disposition":null,"call_status":"voicemail","gateway_name":"fxo4",'
    '"outbound_callerid_number":null,"did_number":null,"last_destination":"stvm1002",'
    '"cc_queue_wait_time_in_queue":null,"cc_agent_ring_time":null,"cc_agent_talk_time":null,'
    '"rtp_audio_in_mos":null}]}'
)
CDR_QUERY = (
    '{"status":"success","data":[{"uuid":"e7b947ea-f70d-11e9-a538-4916853a66fb","direction":'
    '"local","caller_id_name":"1001","caller_id_number":"1001","caller_destination":"3005",'
    '"destination_number":"3005","start_epoch":"1571997470","start_stamp":"2019-10-25 17:57:50",'
    '"answer_stamp":"2019-10-25 17:57:53","answer_epoch":"1571997473","end_epoch":"1571997482",'
    '"end_stamp":"2019-10-25 17:58:02","duration":"12","billsec":"9","record_path":'
    '"/shdisk/synswitch/var/lib/synswitch/recordings/IPPBX/archive/2019/Oct/25","record_name":'
    '"AutoExt-2019-10-25-17-57-53-1001-3005.wav","cc_queue":null,"cc_cancel_reason":null,'
    '"last_destination":"3005","conference_name":null,"hangup_cause":"NORMAL_CLEARING",'
    '"call_status":null,"gateway_name":null,"cost":"0.00"}]}'
)
GETEVENT = (
    '{"event":"ANSWERED","callid":"9086a7ca-914a-11e4-8792-f337386e807c","callerext":{"extid":'
    '"3000","callerid":"3000","uuid":"9086a7ca-914a-11e4-8792-f337386e807c"},"calledtrunk":'
    '{"from":"3000","to":"123456789","callerid":"3000","lastdest":"123456789","trunk":'
    '"172.16.10.56:5066","uuid":"915ef026-914a-11e4-8aa8-f337386e807c"}}'
)

REPORTS = {
    "CONFERENCECREATE": '{"event":"CONFERENCECREATE","uuid":"d28cc16e-6fca-11e9-b603-ff2c482675e9","conference_name":"conf","conference_number":"6400"}',
    "CONFERENCEDESTROY": '{"event":"CONFERENCEDESTROY","uuid":"d28cc16e-6fca-11e9-b603-ff2c482675e9","conference_name":"conf","conference_number":"6400"}',
    "Systemup": '{"event":"Systemup"}',
    "ExtensionStatus": '{"event":"ExtensionStatus","extension":"1002","status":"Registered"}',
    "RING": '{"event":"RING","callid":"a0a6d172-d384-11e8-826f-55df9da9116c","callerext":{"extid":"1000","callerid":"1000","uuid":"a0a6d172-d384-11e8-826f-55df9da9116c"},"calledext":{"extid":"1002","callerid":"1000","uuid":"66030ee8-e0bb-11e8-8a30-a319da67b18c"}}',
    "RINGBACK": '{"event":"RINGBACK","callid":"d7634108-d59d-11e8-88be-55df9da9116c","callerext":{"extid":"1002","callerid":"1002","uuid":"d7634108-d59d-11e8-88be-55df9da9116c"},"calledtrunk":{"from":"1002","to":"1141","callerid":"1002","trunk":"trunkname","uuid":"d7ab2a04-d59d-11e8-8914-55df9da9116c"}}',
    "ANSWER": '{"event":"ANSWER","callid":"071d9cde-d5be-11e8-8a38-55df9da9116c","callertrunk":{"from":"88861158","to":"1002","callerid":"88861158","trunk":"trunkname","uuid":"071d9cde-d5be-11e8-8a38-55df9da9116c"},"calledext":{"extid":"1002","callerid":"88861158","uuid":"5bf4169a-e0bb-11e8-8922-a319da67b18c"}}',
    "ANSWERED": '{"event":"ANSWERED","callid":"87180740-d388-11e8-8421-55df9da9116c","callerext":{"extid":"1000","callerid":"1000","uuid":"87180740-d388-11e8-8421-55df9da9116c"},"calledext":{"extid":"1002","callerid":"1000","uuid":"65a4db2a-e0bb-11e8-89a1-a319da67b18c"}}',
    "HOLD": '{"event":"HOLD","callid":"961e64a2-22be-11e9-8bfd-4b686fed7af6","callerext":{"extid":"1002","uuid":"961e64a2-22be-11e9-8bfd-4b686fed7af6"}}',
    "UNHOLD": '{"event":"UNHOLD","callid":"961e64a2-22be-11e9-8bfd-4b686fed7af6","callerext":{"extid":"1002","uuid":"961e64a2-22be-11e9-8bfd-4b686fed7af6"}}',
    "HANGUP": '{"event":"HANGUP","callid":"d7634108-d59d-11e8-88be-55df9da9116c","originator":"called","callerext":{"extid":"1002","callerid":"1002","uuid":"d7634108-d59d-11e8-88be-55df9da9116c"},"calledtrunk":{"from":"1002","to":"114","callerid":"1002","trunk":"trunkname","uuid":"d7ab2a04-d59d-11e8-8914-55df9da9116c"}}',
    "TRANSFER": '{"event":"TRANSFER","callid":"a24fdecc-7557-11e9-a4ad-230079e8869c","transfer_from":"6500","transfer_to":"6700","callertrunk":{"from":"8347","to":"6700","callerid":"8347","originaldest":"6500","trunk":"fxo3","uuid":"a24fdecc-7557-11e9-a4ad-230079e8869c"}}',
    "CALLFAILED": '{"event":"CALLFAILED","callid":"764b2d96-fd2e-11e8-a53f-93c1edf69491","originator":"called","cause":"NO_USER_RESPONSE","callerext":{"extid":"1000","callerid":"1000","uuid":"764b2d96-fd2e-11e8-a53f-93c1edf69491"},"calledext":{"extid":"1002","callerid":"1000","uuid":"76cd384a-fd2e-11e8-a5db-93c1edf69491"}}',
    "CallinRequest": '{"event":"CallinRequest","callid":"071d9cde-d5be-11e8-8a38-55df9da9116c","callertrunk":{"from":"88861158","to":"1002","trunk":"trunkname","uuid":"071d9cde-d5be-11e8-8a38-55df9da9116c"}}',
    "DTMF": '{"event":"DTMF","callid":"da8e5f18-d375-11e8-b77a-55df9da9116c","callerext":{"extid":"1002","callerid":"1002","uuid":"66030ee8-e0bb-11e8-8a30-a319da67b18c"},"dtmf":"2","index":"1"}',
    "PLAYEND": '{"event":"PLAYEND","callid":"83471932-01da-11e9-badc-fbe3ef84abb2","calledtrunk":{"from":"9966","to":"8407","callerid":"9966","trunk":"30.25","uuid":"838ac81c-01da-11e9-bb45-fbe3ef84abb2"},"filename":"1.wav"}',
    "RECORDSTART": '{"event":"RECORDSTART","callid":"d28cc16e-6fca-11e9-b603-ff2c482675e9","callerext":{"extid":"1000","uuid":"d28cc16e-6fca-11e9-b603-ff2c482675e9"},"record_type":"ext"}',
    "RECORDEND": '{"event":"RECORDEND","callid":"22f3af10-619c-11e9-8a23-b1369f569575","calledext":{"extid":"1000","uuid":"23784b8a-619c-11e9-8aab-b1369f569575"},"record_type":"ext","record_start_time":"2019-04-28 09:02:39","record_end_time":"2019-04-28 09:05:10","record_seconds":"151","download_path":"https://172.16.10.90/app/xml_cdr/download.php?path=/mnt/network10.57/recordings/IPPBX/archive/2019/Apr/18/auto-2002-1000_2019-04-18-13-38-06.wav"}',
    "AgentStatus": '{"event":"AgentStatus","queueid":"6700","extid":"1002","status":"login"}',
    "AgentWrapUp": '{"event":"AgentWrapUp","queueid":"6700","extid":"1000","status":"on"}',
    "QueueStatus": '{"event":"QueueStatus","number":"6700","callercount":"1","action":"Add","callfrom":"88861158","callid":"cb3a1004-4a0b-11e9-8663-d3bc908a587a"}',
    "QueueOverflow": '{"event":"QueueOverflow","number":"6700","destination":"6701","callid":"a1e213f2-787b-11e9-9798-c796b0163a55"}',
    "CDR": '{"event":"CDR","callid":"d7634108-d59d-11e8-88be-55df9da9116c","callfrom":"1002","callto":"114","callerid":"1002","originaldest":"114","lastdest":"114","desttrunk":"fxo3","status":"ANSWERED","reason":"NORMAL_CLEARING","type":"outbound","calltime":"2018-10-22 09:57:33","answertime":"2018-10-22 09:57:37","hanguptime":"2018-10-22 09:57:39","talktime":"1"}',
}
