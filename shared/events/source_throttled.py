"""SourceThrottled v1. Producer: lockout.

A source address failed against too many identifiers and is slowed down.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload
from .fields_common import Pseudonym


class SourceThrottledPayloadV1(Payload):
    source_key = Pseudonym(required=True)
    until = fields.AwareDateTime(required=True)
    distinct_identifiers = fields.Integer(required=True, validate=validate.Range(min=1))


class SourceThrottledV1(IntegrationEvent):
    event_type_name = "SourceThrottled"
    version = 1
    producer_name = "lockout"
    payload = fields.Nested(SourceThrottledPayloadV1, required=True)
