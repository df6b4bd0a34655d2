"""RefreshTokenReused v1. Producer: identity.

A spent Caf connect refresh token was presented again (two parties held it: a stolen copy, or
an application that kept an old one): every token of its family was ended at once
(docs/oidc-provider.md, "Refresh tokens"). Counted too: ``caf_oidc_refresh_tokens_total``.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class RefreshTokenReusedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    family_id = fields.UUID(required=True)


class RefreshTokenReusedV1(IntegrationEvent):
    event_type_name = "RefreshTokenReused"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(RefreshTokenReusedPayloadV1, required=True)
