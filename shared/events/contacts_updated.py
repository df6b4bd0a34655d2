"""ContactsUpdated v1. Producer: identity.

The contact details on file changed: by an agent of the Caf (back office, ``operator`` is the
agent), or by the person from « Mon profil » (``operator`` is ``titulaire``, after the current
password and a code sent to the new address). Notification tells the previous contacts first.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Sealed


class ContactsUpdatedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    sealed_contact = Sealed(required=True, allow_none=True)
    operator = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "the agent, or ``titulaire`` when the person changed them"},
    )


class ContactsUpdatedV1(IntegrationEvent):
    event_type_name = "ContactsUpdated"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ContactsUpdatedPayloadV1, required=True)
