"""DelegationRevoked v1. Producer: delegation.

The spouse's delegation ended (choice, separation, departure, new allocataire).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class DelegationRevokedPayloadV1(Payload):
    dossier_key = Pseudonym(required=True)
    allocataire_account_id = fields.UUID(required=True, allow_none=True)
    spouse_account_id = fields.UUID(required=True, allow_none=True)
    reason = fields.String(
        required=True,
        validate=validate.OneOf(
            ["allocataire_choice", "separation", "spouse_left", "allocataire_changed"]
        ),
    )


class DelegationRevokedV1(IntegrationEvent):
    event_type_name = "DelegationRevoked"
    version = 1
    producer_name = "delegation"
    payload = fields.Nested(DelegationRevokedPayloadV1, required=True)
