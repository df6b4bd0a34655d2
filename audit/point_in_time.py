"""What an account, a lockout ladder or a household file was at a given instant.

The version at an instant is the last one whose event happened by then (the service's clock,
see :func:`audit.values.when`); eventsourcing rebuilds that version (``get(id, version=…)``).

>>> state_at(stores, "ladder", "1 63 06 31 555 082", instant)["view"]["gate"]   # doctest: +SKIP
'frozen'
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared.identifiers import parse_identifier

from .masking import for_auditor
from .person import find_person
from .values import aggregate_state, plain, times_of

KINDS = ("account", "ladder", "household")


class NothingThen(LookupError):
    """The aggregate did not exist yet at that instant (or never did)."""


def version_at(app: Any, aggregate_id: uuid.UUID, instant: datetime) -> int:
    version = None
    events = list(app.events.get(aggregate_id))
    for event, happened in zip(events, times_of(events), strict=True):
        if happened > instant:
            break
        version = event.originator_version
    if version is None:
        raise NothingThen(f"{aggregate_id} did not exist at {instant.isoformat()}")
    return int(version)


def state_at(stores: Any, kind: str, key: str, instant: datetime) -> dict[str, Any]:
    """``kind`` account / ladder (``key``: an identifier) or household (a dossier number)."""
    if kind == "account":
        app = stores["identity"]
        aggregate_id = find_person(stores, key).account_id
    elif kind == "ladder":
        from lockout.domain import FailedLoginLadder

        app = stores["lockout"]
        identifier_key = app.pseudonyms.of("identifier", parse_identifier(key).value)
        aggregate_id = FailedLoginLadder.create_id(identifier_key)
    elif kind == "household":
        from delegation.domain import HouseholdFile

        app = stores["delegation"]
        aggregate_id = HouseholdFile.create_id(app.dossier_key(key.strip()))
    else:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    version = version_at(app, aggregate_id, instant)
    aggregate = app.repository.get(aggregate_id, version=version)
    # Shown as the export shows it, and the identifier masked (audit output travels).
    state = for_auditor(aggregate_state(aggregate))
    answer = {"kind": kind, "at": instant.isoformat(), "state": state}
    if kind == "ladder":
        answer["view"] = plain(aggregate.view(instant, app.ladder_policy))
    return answer
