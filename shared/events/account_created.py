"""AccountCreated v1. Producer: identity.

An account was created at the end of a registration (both paths).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym, Sealed


class AccountCreatedPayloadV1(Payload):
    account_id = fields.UUID(required=True)
    identifier_kind = fields.String(required=True, validate=validate.OneOf(["nir", "provisional"]))
    identifier_key = Pseudonym(required=True)
    nir_key = Pseudonym(required=True, allow_none=True)
    supporting_documents_required = fields.Boolean(required=True)
    benefit_request = fields.String(
        required=True, allow_none=True, validate=validate.Length(max=32)
    )
    sealed_contact = Sealed(required=True, allow_none=True)


class AccountCreatedV1(IntegrationEvent):
    event_type_name = "AccountCreated"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(AccountCreatedPayloadV1, required=True)
