"""The envelope every integration event travels in, and the base of every payload schema.

An integration event is the public, versioned projection of one domain event. It is built by
the producer's outbox relay from the store's notification log, never in a command's code path.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import RAISE, Schema, fields, validate


class Payload(Schema):
    """Base of every payload schema: unknown fields are refused, so a typo never ships."""

    class Meta:
        unknown = RAISE


class IntegrationEvent(Schema):
    """Envelope: identity and provenance of an event, plus its typed payload.

    Subclasses set ``event_type``, ``schema_version`` and the ``payload`` field. Older versions
    of an event stay readable: keep their schema class and register it with ``upgrades_to``.
    """

    event_type_name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    producer_name: ClassVar[str] = ""

    class Meta:
        unknown = RAISE

    event_type = fields.String(required=True)
    schema_version = fields.Integer(required=True, validate=validate.Range(min=1))
    event_id = fields.UUID(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(load_default=None, allow_none=True)
    producer = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z][a-z0-9_-]{0,31}$", error="producteur invalide"),
    )
    position = fields.Integer(required=True, validate=validate.Range(min=1))
    payload: fields.Field = fields.Dict(required=True)

    @classmethod
    def upgrade(cls, payload: dict[str, Any]) -> dict[str, Any]:
        """Turns a payload of the previous version into this version's shape (identity here)."""
        return payload
