"""LoginFailed v1. Producer: identity.

A login attempt on an account failed. Since issue 17, identity records nothing for an
identifier with no account (lockout's ladder counts it): ``account_id`` is null only in events
recorded before that change.

Since issue #28 it carries the ``reservation_id`` of the password check it settles on lockout's
ladder (a failure; ``password_reset_required``: the password was right, a success).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class LoginFailedPayloadV1(Payload):
    identifier_key = Pseudonym(required=True)
    account_id = fields.UUID(required=True, allow_none=True)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(
            [
                "invalid_credentials",
                "captcha_required",
                "frozen",
                "password_reset_required",
                "source_throttled",
            ]
        ),
    )
    source_key = Pseudonym(required=True, allow_none=True)
    #: the password check lockout reserved for this login, which this event settles (issue
    #: #28); absent from events before it and from refusals made before any check
    reservation_id = fields.String(load_default=None, allow_none=True)


class LoginFailedV1(IntegrationEvent):
    event_type_name = "LoginFailed"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(LoginFailedPayloadV1, required=True)
