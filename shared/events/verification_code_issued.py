"""VerificationCodeIssued v1. Producer: identity.

A 6-digit verification code must be sent; the code and address travel sealed to notification.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Channel, Sealed


class VerificationCodeIssuedPayloadV1(Payload):
    flow_id = fields.UUID(required=True)
    purpose = fields.String(
        required=True,
        validate=validate.OneOf(
            ["registration", "password_reset", "identifier_recovery", "contact_change"]
        ),
    )
    account_id = fields.UUID(required=True, allow_none=True)
    channel = Channel(required=True)
    expires_at = fields.AwareDateTime(required=True)
    sealed = Sealed(required=True, allow_none=True)


class VerificationCodeIssuedV1(IntegrationEvent):
    event_type_name = "VerificationCodeIssued"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(VerificationCodeIssuedPayloadV1, required=True)
