"""LoginSucceeded v1. Producer: identity.

A person logged in.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class LoginSucceededPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    identifier_key = Pseudonym(required=True)
    auth_method = fields.String(
        required=True, validate=validate.OneOf(["password", "franceconnect"])
    )
    source_key = Pseudonym(required=True, allow_none=True)


class LoginSucceededV1(IntegrationEvent):
    event_type_name = "LoginSucceeded"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(LoginSucceededPayloadV1, required=True)
