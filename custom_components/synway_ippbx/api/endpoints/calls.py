"""Endpoints of calls in progress, their records (CDRs) and pulled events."""

from collections.abc import Mapping, Sequence
import math
from typing import Any

from .. import arguments as arg
from ..calls import CallRecord, CallRecordDetail, CdrPage, CdrQuery, TtsPrompt
from ..enums import AudioDirection, MonitorMode, PlayMode
from ..exceptions import SynwayArgumentError
from ..paging import bounded_last_page, remaining_pages
from ..parsing import JsonObject, mappings
from ..reports.parser import Report, ReportParseError, report_from_object
from ..session import SynwayClientBase


class CallEndpoints(SynwayClientBase):
    """Act on calls (dial, transfer, hang up, monitor, play, audio, hook), read records."""

    # ----------------------------------------------------------------------- calls

    async def monitor(self, extension: str, target: str, mode: MonitorMode) -> None:
        """Let ``extension`` listen to, whisper into or barge into ``target``'s call."""
        body = {
            "extid": arg.single("extension", extension),
            "monitorid": arg.single("target", target),
            "mode": mode.api_value,
        }
        await self._call("monitor", body)

    async def play_sound_file(
        self,
        uuid: str,
        *,
        mode: PlayMode,
        files: Sequence[str] | None = None,
        tts: TtsPrompt | None = None,
    ) -> None:
        """Play custom prompts (``files``) or a TTS prompt into a call leg."""
        body: dict[str, Any] = {"uuid": arg.single("uuid", uuid)}
        if (files is None) == (tts is None):
            raise SynwayArgumentError("give exactly one of files and tts")
        if files is not None:
            if isinstance(files, str):
                raise SynwayArgumentError(
                    "files must be a list of file names, not a string"
                )
            names = [arg.single("file name", name) for name in files]
            if not names:
                raise SynwayArgumentError("files must name at least one prompt")
            body["filename"] = ",".join(names)
        elif tts is not None:
            body |= tts.to_api()
        body["mode"] = mode.api_value
        await self._call("play_sound_file", body)

    async def ext_outbound(
        self, extension: str, number: str, user_id: str | None = None
    ) -> None:
        """Make ``extension`` call ``number`` (the extension rings first)."""
        body = {
            "extid": arg.single("extension", extension),
            "calledid": arg.single("number", number),
        }
        if user_id is not None:
            body["user_id"] = arg.text("user_id", user_id)
        await self._call("ext_outbound", body)

    async def transfer_ext(self, uuid: str, destination: str) -> None:
        """Transfer a call leg to an extension or outside number."""
        body = {
            "uuid": arg.single("uuid", uuid),
            "extid": arg.single("destination", destination),
        }
        await self._call("transfer_ext", body)

    async def hangup(self, uuid: str) -> None:
        """Hang up a call leg."""
        await self._call("hangup", {"uuid": arg.single("uuid", uuid)})

    async def hold(self, uuid: str) -> None:
        """Put a call leg on hold."""
        await self._call("hold", {"uuid": arg.single("uuid", uuid)})

    async def unhold(self, uuid: str) -> None:
        """Resume a held call leg."""
        await self._call("unhold", {"uuid": arg.single("uuid", uuid)})

    async def record(self, uuid: str) -> None:
        """Start (or stop) recording a call leg."""
        await self._call("record", {"uuid": arg.single("uuid", uuid)})

    async def audio(
        self,
        uuid: str,
        direction: AudioDirection,
        *,
        mute: bool | None = None,
        volume: int | None = None,
    ) -> None:
        """Mute/unmute or set the volume (-4..4) of a call leg's speaking or listening side."""
        body = {
            "uuid": arg.single("uuid", uuid),
            "direction": direction.api_value,
        }
        if (mute is None) == (volume is None):
            raise SynwayArgumentError("give exactly one of mute and volume")
        if mute is not None:
            body |= {
                "type": "mute",
                "mode": "mute" if mute else "unmute",
            }
        elif volume is not None:
            if not -4 <= volume <= 4:
                raise SynwayArgumentError("volume must be between -4 and 4")
            body |= {"type": "level", "level": str(volume)}
        await self._call("audio", body)

    async def inbound_accept(self, uuid: str) -> None:
        """Let a controlled inbound call (CallinRequest) through now."""
        await self._call("inbound_accept", {"uuid": arg.single("uuid", uuid)})

    async def inbound_refuse(self, uuid: str) -> None:
        """Refuse a controlled inbound call (CallinRequest)."""
        await self._call("inbound_refuse", {"uuid": arg.single("uuid", uuid)})

    async def hook(self, port: int | str, off_hook: bool) -> None:
        """Take an FXO port off hook (``off_hook=True``) or put it back on hook."""
        port_text = arg.single("port", str(port))
        if not port_text.isdigit() or int(port_text) < 1:
            raise SynwayArgumentError("port must be a positive port number")
        mode = "on" if off_hook else "off"
        await self._call("hook", {"port": port_text, "mode": mode})

    # ----------------------------------------------------------------------- call records

    async def cdrs(
        self, query: CdrQuery | None = None, page: int | None = None
    ) -> CdrPage:
        """Return one page of call records matching ``query``."""
        body = query.to_api() if query is not None else {}
        if page is not None:
            body["page"] = str(arg.positive("page", page))
        return CdrPage.from_api(await self._call_object("cdrs", body))

    async def cdrs_all(
        self, query: CdrQuery | None = None, *, limit: int = 1000, concurrency: int = 4
    ) -> list[CallRecord]:
        """Return up to ``limit`` call records, fetching the pages concurrently."""
        arg.positive("limit", limit)
        arg.positive("concurrency", concurrency)
        first = await self.cdrs(query, page=1)
        page_size = first.limit or len(first.records)
        max_page = bounded_last_page(first.max_page, first.total, page_size)
        if page_size:
            # Never fetch more pages than the limit needs, whatever the PBX claims.
            wanted = math.ceil(limit / page_size)
            max_page = wanted if max_page is None else min(max_page, wanted)
        pages = await remaining_pages(
            first, max_page, concurrency, lambda page: self.cdrs(query, page=page)
        )
        records: dict[str, CallRecord] = {}
        anonymous: list[CallRecord] = []
        for result in pages:
            for record in result.records:
                if record.record_id:
                    records.setdefault(record.record_id, record)
                else:
                    anonymous.append(record)
                if len(records) + len(anonymous) >= limit:
                    break
        ordered = [record for page in pages for record in page.records]
        kept = {id(record) for record in (*records.values(), *anonymous)}
        return [record for record in ordered if id(record) in kept][:limit]

    async def cdr_query(self, record_id: str) -> list[CallRecordDetail]:
        """Return the detailed legs of one call record."""
        data = await self._call_object(
            "cdr_query", {"cdrid": arg.single("record_id", record_id)}
        )
        return [CallRecordDetail.from_api(item) for item in mappings(data.get("data"))]

    # ----------------------------------------------------------------------- events

    async def getevent(self) -> Report | None:
        """Pull the next event (needs ``event_pull``); ``None`` when there is none."""
        data = await self._call("getevent")
        if isinstance(data, JsonObject):
            for key in ("data", "event"):
                inner = data.get(key)
                if isinstance(inner, JsonObject):
                    data = inner
                    break
        if isinstance(data, list):
            data = next(iter(mappings(data)), None)
        if not isinstance(data, Mapping):
            return None
        try:
            return report_from_object(data)
        except ReportParseError:
            return None
