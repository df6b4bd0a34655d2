"""NirAssigned v1. Producer: identity.

A provisional account received its NIR (back office); the login identifier changes.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class NirAssignedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    previous_identifier_key = Pseudonym(required=True)
    identifier_key = Pseudonym(required=True)
    nir_key = Pseudonym(required=True)
    operator = fields.String(required=True, validate=validate.Length(min=1, max=64))


class NirAssignedV1(IntegrationEvent):
    event_type_name = "NirAssigned"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(NirAssignedPayloadV1, required=True)
