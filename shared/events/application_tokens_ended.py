"""ApplicationTokensEnded v1. Producer: identity.

Every token of a Caf connect login was ended: ``revoked`` by its application (RFC 7009), or
``session_ended`` (found when one was presented after its portal session ended: logout, « tous
les appareils », a credential or contact change, erasure, a NIR attribution). A reuse publishes
RefreshTokenReused instead.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class ApplicationTokensEndedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    family_id = fields.UUID(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(["revoked", "session_ended"]))


class ApplicationTokensEndedV1(IntegrationEvent):
    event_type_name = "ApplicationTokensEnded"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ApplicationTokensEndedPayloadV1, required=True)
