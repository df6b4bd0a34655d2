"""ApplicationTokensIssued v1. Producer: identity.

A person logged in to an application through Caf connect: the application redeemed its code and
got its tokens (``family_id``: the family of every token of that login, refreshes included;
``refresh_token``: whether it holds one). ``session_id`` is the portal session (the ID token's
``sid``). Refreshes are recorded in identity's store only (``TokenFamily.Rotated``).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class ApplicationTokensIssuedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    family_id = fields.UUID(required=True)
    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    scopes = fields.List(fields.String(validate=validate.Length(min=1, max=32)), required=True)
    refresh_token = fields.Boolean(required=True)


class ApplicationTokensIssuedV1(IntegrationEvent):
    event_type_name = "ApplicationTokensIssued"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ApplicationTokensIssuedPayloadV1, required=True)
