"""DeliveryGivenUp v1. Producer: notification.

A message could not be delivered after every retry; support must act.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Channel, Kind


class DeliveryGivenUpPayloadV1(Payload):
    delivery_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True, allow_none=True)
    kind = Kind(required=True)
    channel = Channel(required=True)
    attempts = fields.Integer(required=True, validate=validate.Range(min=1))
    error_code = fields.String(required=True, validate=validate.Length(max=64))


class DeliveryGivenUpV1(IntegrationEvent):
    event_type_name = "DeliveryGivenUp"
    version = 1
    producer_name = "notification"
    payload = fields.Nested(DeliveryGivenUpPayloadV1, required=True)
