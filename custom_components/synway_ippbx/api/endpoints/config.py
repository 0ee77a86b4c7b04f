"""Endpoints of what is configured: extensions, trunks, outbound routes, IVRs, alarms."""

from collections.abc import Iterable, Mapping

from .. import arguments as arg
from ..alarms import Alarm, AlarmChanges, AlarmSettings, alarms_from_api
from ..enums import ExtensionType
from ..exceptions import SynwayArgumentError
from ..extensions import (
    ExtensionChanges,
    ExtensionSettings,
    ExtensionState,
    ExtensionStatusPage,
)
from ..paging import bounded_last_page, check_complete, remaining_pages
from ..parsing import mappings
from ..session import SynwayClientBase
from ..trunks import Ivr, OutboundRoute, TrunkInfo, TrunkSettings


class ConfigEndpoints(SynwayClientBase):
    """Read and change the PBX's extensions, trunks, routes, IVRs and wake-up alarms."""

    # ----------------------------------------------------------------------- extensions

    async def ext_query(
        self, extensions: Iterable[str] | None = None
    ) -> list[ExtensionSettings]:
        """Return the settings of some extensions, or of all of them."""
        joined = arg.joined("extensions", extensions)
        body = {"extid": joined} if joined else {}
        data = await self._call_object("ext_query", body)
        return [
            ExtensionSettings.from_api(item) for item in mappings(data.get("extinfo"))
        ]

    async def ext_update(self, extension: str, changes: ExtensionChanges) -> None:
        """Change settings of an extension."""
        extid = arg.single("extension", extension)
        fields = changes.to_api()
        if not fields:
            raise SynwayArgumentError("changes is empty: nothing to update")
        await self._call("ext_mod", {"extid": extid, "action": "update", **fields})

    async def ext_add(
        self,
        extension: str,
        password: str,
        changes: ExtensionChanges | None = None,
        extension_type: ExtensionType | None = None,
    ) -> None:
        """Create an extension with a registration password and optional settings."""
        extid = arg.single("extension", extension)
        body: dict[str, str] = {
            "extid": extid,
            "action": "add",
            "password": arg.text("password", password),
        }
        if extension_type is ExtensionType.UNKNOWN:
            raise SynwayArgumentError("extension_type must be a known extension type")
        if extension_type is not None:
            body["extension_type"] = extension_type.api_value
        if changes is not None:
            body = changes.to_api() | body
        await self._call("ext_mod", body)

    async def ext_status(
        self, extension: str | None = None, page: int | None = None
    ) -> ExtensionStatusPage:
        """Return the state of one extension, or one page of all extensions."""
        body: dict[str, str] = {}
        if extension is not None:
            body["extid"] = arg.single("extension", extension)
        if page is not None:
            body["page"] = str(arg.positive("page", page))
        data, _items = await self._call_list("ext_status", "data", body)
        return ExtensionStatusPage.from_api(data)

    async def ext_status_all(self, *, concurrency: int = 4) -> list[ExtensionState]:
        """Return the state of every extension, fetching the pages concurrently."""
        arg.positive("concurrency", concurrency)
        first = await self.ext_status(page=1)
        max_page = bounded_last_page(first.max_page, first.total, len(first.extensions))
        pages = await remaining_pages(
            first, max_page, concurrency, lambda page: self.ext_status(page=page)
        )
        seen: dict[str, ExtensionState] = {}
        for result in pages:
            for state in result.extensions:
                seen.setdefault(state.extension, state)
        check_complete("ext_status", pages, len(seen))
        return list(seen.values())

    # ----------------------------------------------------------------------- trunks

    async def trunk_list(self) -> list[TrunkInfo]:
        """Return every trunk with its type and state."""
        _data, items = await self._call_list("trunk_list", "trunklist")
        return [TrunkInfo.from_api(item) for item in items]

    async def trunk_query(
        self, names: Iterable[str] | None = None
    ) -> list[TrunkSettings]:
        """Return the settings of some trunks, or of all of them."""
        joined = arg.joined("names", names)
        data = await self._call_object(
            "trunk_query", {"trunkname": joined} if joined else {}
        )
        return [TrunkSettings.from_api(item) for item in mappings(data.get("trunks"))]

    # ----------------------------------------------------------------------- routes, IVRs

    async def outbound_query(self, name: str | None = None) -> list[OutboundRoute]:
        """Return one outbound route, or all of them."""
        body = {"outboundname": arg.single("name", name)} if name is not None else {}
        data = await self._call("outbound_query", body)
        if isinstance(data, Mapping):
            items = next(
                (
                    data[key]
                    for key in ("data", "outbounds", "outboundlist", "routes")
                    if key in data
                ),
                [data] if "outbound_name" in data else [],
            )
        else:
            items = data
        return [OutboundRoute.from_api(item) for item in mappings(items)]

    async def outbound_mod(
        self,
        name: str,
        *,
        enabled: bool | None = None,
        extensions: Iterable[str] | None = None,
        trunks: Iterable[str] | None = None,
        add: bool = False,
    ) -> None:
        """Change (or with ``add`` create) an outbound route's state and members."""
        route = arg.single("name", name)
        body: dict[str, str] = {
            "outboundname": route,
            "action": "add" if add else "update",
        }
        if add:
            body["outbound_name"] = route
        if enabled is not None:
            body["outbound_enabled"] = "true" if enabled else "false"
        members = arg.joined("extensions", extensions)
        if members is not None:
            body["member_extension"] = members
        gateways = arg.joined("trunks", trunks)
        if gateways is not None:
            body["member_gateway"] = gateways
        if len(body) == 2:
            raise SynwayArgumentError(
                "nothing to change: give enabled, extensions or trunks"
            )
        await self._call("outbound_mod", body)

    async def ivr_list(self) -> list[Ivr]:
        """Return every IVR."""
        data = await self._call_object("ivr_list")
        return [Ivr.from_api(item) for item in mappings(data.get("ivrlist"))]

    # ----------------------------------------------------------------------- alarms

    async def alarm_query(self, extension: str | None = None) -> list[Alarm]:
        """Return the wake-up alarms of one extension, or of all of them."""
        body = (
            {"extid": arg.single("extension", extension)}
            if extension is not None
            else {}
        )
        data = await self._call_object("alarm_query", body)
        return alarms_from_api(data.get("wakeups"))

    async def alarm_add(self, extension: str, alarm: AlarmSettings) -> None:
        """Add a wake-up alarm to an extension."""
        extid = arg.single("extension", extension)
        await self._call("alarm_add", {"extid": extid, **alarm.to_api()})

    async def alarm_mod(self, alarm_id: str, changes: AlarmChanges) -> None:
        """Change a wake-up alarm."""
        wakeup = arg.single("alarm_id", alarm_id)
        fields = changes.to_api()
        if not fields:
            raise SynwayArgumentError("changes is empty: nothing to update")
        await self._call("alarm_mod", {"wakeup_uuid": wakeup, **fields})

    async def alarm_del(
        self, alarm_id: str, extensions: Iterable[str] | None = None
    ) -> None:
        """Delete a wake-up alarm (for some extensions, or for all)."""
        body = {"wakeup_uuid": arg.single("alarm_id", alarm_id)}
        joined = arg.joined("extensions", extensions)
        if joined:
            body["extid"] = joined
        await self._call("alarm_del", body)
