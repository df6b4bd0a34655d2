"""AccountUnfrozen v1. Producer: lockout.

A freeze was lifted before its end, or the ladder was reset. An agent's lift (``operator``)
carries the agent's agency and the reason's code (AGENT_REASONS; null for free text): identity
shows it in the person's « Mon historique » (issue #35).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class AccountUnfrozenPayloadV1(Payload):
    identifier_key = Pseudonym(required=True)
    lifted_by = fields.String(
        required=True, validate=validate.OneOf(["login", "password_reset", "operator"])
    )
    operator = fields.String(required=True, allow_none=True, validate=validate.Length(max=64))
    #: an agent's lift (issue #35): the agency shown to the person, the reason's code
    agency = fields.String(allow_none=True, validate=validate.Length(max=120))
    reason = fields.String(allow_none=True, validate=validate.Length(max=64))


class AccountUnfrozenV1(IntegrationEvent):
    event_type_name = "AccountUnfrozen"
    version = 1
    producer_name = "lockout"
    payload = fields.Nested(AccountUnfrozenPayloadV1, required=True)
