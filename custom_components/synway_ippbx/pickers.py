"""Action and command plumbing: the client's errors as Home Assistant's; picked devices."""

from collections.abc import Callable, Coroutine, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, Concatenate

from homeassistant.core import HomeAssistant, callback, valid_entity_id
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .api import (
    SynwayAuthenticationError,
    SynwayConnectionError,
    SynwayError,
    SynwayRequestError,
)
from .const import DOMAIN
from .coordinator import SynwayConfigEntry
from .devices import object_identifier
from .entity import SynwayEntity
from .errors import extension_label, pbx_error_words


@contextmanager
def pbx_errors(
    hass: HomeAssistant, entry: SynwayConfigEntry, extension: str | None = None
) -> Iterator[None]:
    """The one error path of actions and buttons: the client's errors, translated.

    A refusal reads as ``pbx_errors.py`` words it (as Assist says it), naming
    ``extension`` (the number of the phone acted on) where the sentence needs one.
    Rejected credentials also start the reauthentication flow, as a failed poll would:
    the user learns of a changed PBX password from the action, not an hour later.
    """
    try:
        yield
    except ValueError as err:
        # The client's own checks of a value the schemas cannot see (e.g. a blank name).
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_input",
            translation_placeholders={"error": str(err)},
        ) from err
    except SynwayAuthenticationError as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="invalid_auth"
        ) from err
    except SynwayRequestError as err:
        label = None
        if extension:
            record = entry.runtime_data.coordinator.data.extensions.get(extension)
            label = extension_label(record, extension)
        words = pbx_error_words(err, label)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=words.key,
            translation_placeholders=words.placeholders,
        ) from err
    except SynwayConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"error": str(err)},
        ) from err
    except SynwayError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="unexpected_response",
            translation_placeholders={"error": str(err)},
        ) from err


def pbx_command[E: SynwayEntity, **P, R](
    func: Callable[Concatenate[E, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[E, P], Coroutine[Any, Any, R]]:
    """Decorate an entity's command (a press, a turn_on) with ``pbx_errors``."""

    @wraps(func)
    async def _command(self: E, /, *args: P.args, **kwargs: P.kwargs) -> R:
        kind, number = self.key
        extension = number if kind == "extension" else None
        with pbx_errors(self.hass, self.coordinator.config_entry, extension):
            return await func(self, *args, **kwargs)

    return _command


# --------------------------------------------------------------------------- pickers
#
# Action fields that name an extension, queue or trunk accept the object itself (its
# number or name, as YAML always could), its device, or one of its entities, so the
# action forms can offer device pickers.


def _device_id(hass: HomeAssistant, value: str) -> str | None:
    """The device a value stands for, if it is a device id or an entity id."""
    if valid_entity_id(value):
        entity = er.async_get(hass).async_get(value)
        return entity.device_id if entity is not None else None
    if dr.async_get(hass).async_get(value) is not None:
        return value
    return None


@callback
def async_picked_entry_id(hass: HomeAssistant, values: Iterable[object]) -> str | None:
    """The config entry of the first of our devices or entities among the values."""
    devices = dr.async_get(hass)
    for value in values:
        if (device_id := _device_id(hass, str(value))) is None:
            continue
        device = devices.async_get(device_id)
        if device is not None and any(d == DOMAIN for d, _ in device.identifiers):
            return device.config_entry_id
    return None


@callback
def async_resolve_object(
    hass: HomeAssistant, entry: SynwayConfigEntry, kind: str, value: object
) -> str:
    """The number or name of the ``kind`` object a field value stands for.

    A value the PBX knows as such, or one that is neither a device nor an entity, is
    returned as given (unknown numbers are refused later, with their own message).
    """
    text = str(value).strip()
    store = entry.runtime_data.coordinator.data
    objects: Iterable[str] = getattr(store, f"{kind}s")
    if text in objects:
        return text
    device_id = _device_id(hass, text)
    if device_id is None and not valid_entity_id(text):
        return text
    device = dr.async_get(hass).async_get(device_id) if device_id else None
    if device is not None and device.config_entry_id == entry.entry_id:
        for candidate in objects:
            if (DOMAIN, object_identifier(entry.entry_id, (kind, candidate))) in (
                device.identifiers
            ):
                return candidate
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=f"not_a_{kind}",
        translation_placeholders={"target": text},
    )
