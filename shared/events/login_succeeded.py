"""LoginSucceeded v1. Producer: identity.

A person logged in. Since issue #28 it carries the ``reservation_id`` of the password check
lockout reserved for it (null for FranceConnect): lockout settles that check from this event.
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
    #: the password check lockout reserved for this login, which this event settles (issue
    #: #28); absent from events before it and from refusals made before any check
    reservation_id = fields.String(load_default=None, allow_none=True)


class LoginSucceededV1(IntegrationEvent):
    event_type_name = "LoginSucceeded"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(LoginSucceededPayloadV1, required=True)
