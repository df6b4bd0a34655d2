"""BackchannelLogoutDue v1. Producer: identity.

A portal session ended (a logout, « tous les appareils », a password reset or change, a
contact change, a NIR
attribution, an erasure, an agent's "end sessions") and an application got tokens from it:
it is due a back-channel logout token (OpenID Connect Back-Channel Logout 1.0). The gateway's
sender (gateway/oidc/backchannel.py) asks identity what to sign (``oidc_backchannel_logout``:
the person's ``sub`` at that application never travels in this event), posts it to the
application's ``backchannel_logout_uri`` until a 2xx, and records the delivery
(``oidc_logout_delivered``): never sent again after that.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class BackchannelLogoutDuePayloadV1(Payload):
    logout_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    client_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    cause = fields.String(
        required=True,
        validate=validate.OneOf(
            ["logout", "all_devices", "password_reset", "password_change", "contact_change",
             "nir_assigned", "erasure"]
        ),
    )  # fmt: skip


class BackchannelLogoutDueV1(IntegrationEvent):
    event_type_name = "BackchannelLogoutDue"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(BackchannelLogoutDuePayloadV1, required=True)
