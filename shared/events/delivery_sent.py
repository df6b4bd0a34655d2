"""DeliverySent v1. Producer: notification.

A message was handed to its channel (SMTP accepted, SMS gateway accepted, letter spooled).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Channel, Kind


class DeliverySentPayloadV1(Payload):
    delivery_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True, allow_none=True)
    kind = Kind(required=True)
    channel = Channel(required=True)
    attempts = fields.Integer(required=True, validate=validate.Range(min=1))


class DeliverySentV1(IntegrationEvent):
    event_type_name = "DeliverySent"
    version = 1
    producer_name = "notification"
    payload = fields.Nested(DeliverySentPayloadV1, required=True)
