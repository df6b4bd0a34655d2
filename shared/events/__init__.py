"""The catalogue of integration events: one versioned marshmallow schema per event.

Producers build messages with :func:`build`, consumers read them with :func:`parse`; both sides
use the same schema, so a contract change is a code change in one place. Every module of this
package declares one event (all its versions); they are found at import, no list to maintain.

>>> msg = build("AccountFrozen", {...}, producer="lockout", position=42)   # doctest: +SKIP
>>> parse(msg).payload["identifier_key"]                                    # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from .envelope import IntegrationEvent

__all__ = [
    "CATALOGUE",
    "LATEST",
    "Envelope",
    "UnknownEvent",
    "build",
    "parse",
    "register",
    "schema_for",
]


class UnknownEvent(ValueError):
    """A message names an event type or version the catalogue does not know."""


def _discover() -> dict[tuple[str, int], type[IntegrationEvent]]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "envelope":
            importlib.import_module(f"{__name__}.{module.name}")
    found: dict[tuple[str, int], type[IntegrationEvent]] = {}
    pending = list(IntegrationEvent.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.event_type_name:
            found[(cls.event_type_name, cls.version)] = cls
    return found


CATALOGUE = _discover()
LATEST: dict[str, int] = {}
for _name, _version in CATALOGUE:
    LATEST[_name] = max(_version, LATEST.get(_name, 0))


def register(cls: type[IntegrationEvent]) -> type[IntegrationEvent]:
    """Adds an event schema defined outside this package (test doubles only)."""
    CATALOGUE[(cls.event_type_name, cls.version)] = cls
    LATEST[cls.event_type_name] = max(cls.version, LATEST.get(cls.event_type_name, 0))
    return cls


def schema_for(event_type: str, version: int | None = None) -> type[IntegrationEvent]:
    version = version or LATEST.get(event_type)
    try:
        return CATALOGUE[(event_type, version or 0)]
    except KeyError:
        raise UnknownEvent(f"unknown integration event {event_type} v{version}") from None


@dataclass(frozen=True)
class Envelope:
    """A parsed integration event, its payload upgraded to the latest version."""

    event_type: str
    schema_version: int
    event_id: uuid.UUID
    occurred_at: datetime
    correlation_id: str | None
    producer: str
    position: int
    payload: dict[str, Any]


def build(
    event_type: str,
    payload: dict[str, Any],
    *,
    producer: str,
    position: int,
    event_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """Validates an event against the latest schema and returns its JSON-compatible form."""
    cls = schema_for(event_type)
    if cls.producer_name and producer != cls.producer_name:
        raise ValueError(f"{event_type} is produced by {cls.producer_name}, not {producer}")
    raw = {
        "event_type": event_type,
        "schema_version": cls.version,
        "event_id": str(event_id or uuid.uuid4()),
        "occurred_at": (occurred_at or datetime.now(UTC)).isoformat(),
        "correlation_id": correlation_id,
        "producer": producer,
        "position": position,
        "payload": payload,
    }
    schema = cls()
    return dict(schema.dump(schema.load(raw)))


def parse(message: dict[str, Any]) -> Envelope:
    """Validates a received message and upgrades its payload to the latest version.

    Raises :class:`UnknownEvent` or marshmallow's ``ValidationError`` for a message that breaks
    the contract (the consumer dead-letters it: retrying cannot mend it).
    """
    if not isinstance(message, dict):
        raise ValidationError({"_schema": ["message is not an object"]})
    event_type = message.get("event_type")
    version = message.get("schema_version")
    if not isinstance(event_type, str) or not isinstance(version, int):
        raise ValidationError({"_schema": ["event_type and schema_version are required"]})
    data = schema_for(event_type, version)().load(message)
    payload = data["payload"]
    latest = LATEST[event_type]
    for step in range(version + 1, latest + 1):
        payload = schema_for(event_type, step).upgrade(payload)
    return Envelope(
        event_type=event_type,
        schema_version=latest,
        event_id=data["event_id"],
        occurred_at=data["occurred_at"],
        correlation_id=data.get("correlation_id"),
        producer=data["producer"],
        position=data["position"],
        payload=payload,
    )
