"""DelegationGranted v1. Producer: delegation.

The allocataire authorised the spouse to manage the file.
"""

from marshmallow import fields

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class DelegationGrantedPayloadV1(Payload):
    dossier_key = Pseudonym(required=True)
    allocataire_account_id = fields.UUID(required=True)
    spouse_account_id = fields.UUID(required=True, allow_none=True)


class DelegationGrantedV1(IntegrationEvent):
    event_type_name = "DelegationGranted"
    version = 1
    producer_name = "delegation"
    payload = fields.Nested(DelegationGrantedPayloadV1, required=True)
