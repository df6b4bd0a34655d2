"""ApplicationAuthorized v1. Producer: identity.

A person allowed an application of Caf connect (Mon Compte as the agency's OpenID provider,
docs/oidc-provider.md) to log them in: on the consent page, or, for a first-party application,
at the first login to it (``consented`` false). Later, wider scopes or a consent given at last:
ApplicationAuthorizationWidened.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class ApplicationAuthorizedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    scopes = fields.List(fields.String(validate=validate.Length(min=1, max=32)), required=True)
    consented = fields.Boolean(required=True)


class ApplicationAuthorizedV1(IntegrationEvent):
    event_type_name = "ApplicationAuthorized"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ApplicationAuthorizedPayloadV1, required=True)
