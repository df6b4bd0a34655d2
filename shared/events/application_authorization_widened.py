"""ApplicationAuthorizationWidened v1. Producer: identity.

A person who had already allowed an application of Caf connect (ApplicationAuthorized) allowed it
more: scopes it did not have (on the consent page, or silently for a first-party application), or
their consent on the consent page for a first-party application that had none so far
(``prompt=consent``). ``scopes`` are every scope now allowed; ``added`` the new ones (empty when
only the consent was given); ``consented`` whether the person has now answered a consent page.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload

_SCOPE = fields.String(validate=validate.Length(min=1, max=32))


class ApplicationAuthorizationWidenedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    scopes = fields.List(_SCOPE, required=True)
    added = fields.List(_SCOPE, required=True)
    consented = fields.Boolean(required=True)


class ApplicationAuthorizationWidenedV1(IntegrationEvent):
    event_type_name = "ApplicationAuthorizationWidened"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ApplicationAuthorizationWidenedPayloadV1, required=True)
