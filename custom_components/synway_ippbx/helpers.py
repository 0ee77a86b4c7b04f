"""Turning the client's errors into Home Assistant's, for buttons and actions."""

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import SynwayConnectionError, SynwayError, SynwayRequestError
from .const import DOMAIN


async def async_pbx_call[T](awaitable: Awaitable[T]) -> T:
    """Await a client call; PBX refusals and outages become translated errors."""
    try:
        return await awaitable
    except ValueError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_input",
            translation_placeholders={"error": str(err)},
        ) from err
    except SynwayRequestError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="pbx_error",
            translation_placeholders={"errno": str(err.errno), "meaning": err.meaning},
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
