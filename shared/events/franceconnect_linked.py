"""FranceConnectLinked v1. Producer: identity.

A FranceConnect identity was linked to an account.
"""

from marshmallow import fields

from .envelope import IntegrationEvent, Payload


class FranceConnectLinkedPayloadV1(Payload):
    account_id = fields.UUID(required=True)


class FranceConnectLinkedV1(IntegrationEvent):
    event_type_name = "FranceConnectLinked"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(FranceConnectLinkedPayloadV1, required=True)
