"""ContactsUpdated v1. Producer: identity.

The contact details on file changed (back office).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Sealed


class ContactsUpdatedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    sealed_contact = Sealed(required=True, allow_none=True)
    operator = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ContactsUpdatedV1(IntegrationEvent):
    event_type_name = "ContactsUpdated"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(ContactsUpdatedPayloadV1, required=True)
