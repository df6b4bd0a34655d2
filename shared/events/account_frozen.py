"""AccountFrozen v1. Producer: lockout.

An identifier was frozen after repeated failures (also for identifiers without an account).
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class AccountFrozenPayloadV1(Payload):
    identifier_key = Pseudonym(required=True)
    failures = fields.Integer(required=True, validate=validate.Range(min=1))
    frozen_until = fields.AwareDateTime(required=True)
    duration_s = fields.Integer(required=True, validate=validate.Range(min=1))


class AccountFrozenV1(IntegrationEvent):
    event_type_name = "AccountFrozen"
    version = 1
    producer_name = "lockout"
    payload = fields.Nested(AccountFrozenPayloadV1, required=True)
