"""PasswordChanged v1. Producer: identity.

A password was changed (reset through codes, or change while logged in).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class PasswordChangedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    identifier_key = Pseudonym(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["reset", "change"]))


class PasswordChangedV1(IntegrationEvent):
    event_type_name = "PasswordChanged"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(PasswordChangedPayloadV1, required=True)
