"""HouseholdFiledByAgent v1. Producer: delegation.

An agent of the Caf filed or changed a household file (back office, issue #35): each member
with an account sees it in « Mon historique » (identity), with the agency and the reason.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class HouseholdFiledByAgentPayloadV1(Payload):
    dossier_key = Pseudonym(required=True)
    action = fields.String(
        required=True, validate=validate.OneOf(["register_household", "update_household"])
    )
    account_ids = fields.List(fields.UUID(), required=True)
    operator = fields.String(required=True, allow_none=True, validate=validate.Length(max=64))
    agency = fields.String(required=True, validate=validate.Length(max=120))
    reason = fields.String(required=True, allow_none=True, validate=validate.Length(max=64))


class HouseholdFiledByAgentV1(IntegrationEvent):
    event_type_name = "HouseholdFiledByAgent"
    version = 1
    producer_name = "delegation"
    payload = fields.Nested(HouseholdFiledByAgentPayloadV1, required=True)
