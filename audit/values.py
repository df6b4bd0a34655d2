"""Turning stored values into plain JSON, and telling when a domain event happened."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Any

from shared.runtime.personal_data import PersonalData

ERASED = "[données effacées]"

#: Domain times carried by events (the services' clock), preferred to the recording time.
TIME_FIELDS = (
    "at",
    "registered_at",
    "requested_at",
    "started_at",
    "sent_at",
    "failed_at",
    "given_up_at",
    "erased_at",
    "issued_at",
)


def domain_time(event: Any) -> datetime | None:
    """When the event happened by the service's clock, if the event says."""
    state = vars(event)
    for name in TIME_FIELDS:
        value = state.get(name)
        if isinstance(value, datetime):
            return value
    return None


def when(event: Any) -> datetime:
    """When the event happened by the service's clock (else when it was recorded)."""
    return domain_time(event) or event.timestamp


def times_of(events: list[Any]) -> list[datetime]:
    """When each event of one aggregate happened. An event that carries no time of its own
    (``Opened``, ``Created``…) was saved with the next one that does, so it takes that time;
    an aggregate whose events carry none at all is dated by the recording times."""
    times: list[datetime] = []
    following: datetime | None = None
    for event in reversed(events):
        following = domain_time(event) or following
        times.append(following or event.timestamp)
    return list(reversed(times))


def plain(value: Any) -> Any:
    """JSON-ready: personal data opened (or marked erased), times ISO 8601, ids as text."""
    if isinstance(value, PersonalData):
        return ERASED if value.erased else plain(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return value


def aggregate_state(aggregate: Any) -> dict[str, Any]:
    """An aggregate's attributes as plain JSON (eventsourcing's own as id/version/times)."""
    state = {
        "id": str(aggregate.id),
        "type": type(aggregate).__name__,
        "version": aggregate.version,
        "created_on": aggregate.created_on.isoformat(),
        "modified_on": aggregate.modified_on.isoformat(),
    }
    for name, value in vars(aggregate).items():
        if not name.startswith("_"):
            state[name] = plain(value)
    return state
