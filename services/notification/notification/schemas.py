"""The RPC edge of the notification service (marshmallow, French messages)."""

from __future__ import annotations

from marshmallow import Schema, fields


class DeliveriesQuery(Schema):
    account_id = fields.UUID(required=True)
