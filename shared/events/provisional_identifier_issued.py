"""ProvisionalIdentifierIssued v1. Producer: identity.

A provisional identifier must be sent to its holder (registration or recovery).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Channel, Sealed


class ProvisionalIdentifierIssuedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["registration", "recovery"]))
    channel = Channel(required=True)
    sealed = Sealed(required=True, allow_none=True)


class ProvisionalIdentifierIssuedV1(IntegrationEvent):
    event_type_name = "ProvisionalIdentifierIssued"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ProvisionalIdentifierIssuedPayloadV1, required=True)
