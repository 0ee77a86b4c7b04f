"""Constants of the Synway IPPBX integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "synway_ippbx"
LOGGER = logging.getLogger(__package__)

CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_REPORT_URL: Final = "report_url"
CONF_ASSIST_EXTENSION: Final = "assist_extension"
# Before entry version 2.2 the option held one address; now a short list.
CONF_TRUSTED_SENDER: Final = "trusted_sender"
CONF_TRUSTED_SENDERS: Final = "trusted_senders"
MAX_TRUSTED_SENDERS: Final = 8

# The integration's choice, not an option: reports keep entities live, the poll only
# reconciles what the PBX does not report (homeassistant.update_entity polls at once).
POLL_INTERVAL: Final = timedelta(seconds=30)

# The entry title and hub device name: never the address (entity ids follow from it). A PBX
# added beside another gets a name the user chooses, stored as the entry's ``name``: the
# devices of such an entry carry it, so every entity id of that PBX starts with it.
DEFAULT_TITLE: Final = "Synway IPPBX"
HEARTBEAT_INTERVAL: Final = timedelta(minutes=5)


class ObjectKind(StrEnum):
    """What an entity belongs to: the first part of its store key."""

    HUB = "hub"
    EXTENSION = "extension"
    TRUNK = "trunk"
    QUEUE = "queue"


EVENT_SYNWAY: Final = f"{DOMAIN}_event"
# A described Activity row: fired only for what no enabled entity shows (describe.py).
EVENT_ACTIVITY: Final = f"{DOMAIN}_activity"
# Polls that keep finding activity no report announced for this long raise a repair issue.
REPORT_SILENCE: Final = timedelta(minutes=10)
# Home Assistant accepts at most 10,000 enabled entities per config entry. A new PBX creates
# few per phone (entity_families.py: Status and Do not disturb enabled), but a user may
# choose every family: an extension then has 16 entities enabled by default when everything
# fits (status, 5 setting switches, 3 forwarding destinations, 4 call figures, queue agent
# switches aside): 500 × 16 = 8,000 leaves room for trunks, queues and agents. On larger
# PBXs only the status entity starts enabled (on-call, other party and call events start
# disabled on every PBX), so 3,000 extensions fit.
LARGE_PBX_EXTENSIONS: Final = 500
