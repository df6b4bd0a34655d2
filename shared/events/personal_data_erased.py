"""PersonalDataErased v1. Producer: any service.

A person's key was destroyed in one service's store (GDPR erasure, crypto-shredding).
"""

from marshmallow import fields

from .envelope import IntegrationEvent, Payload


class PersonalDataErasedPayloadV1(Payload):
    subject_id = fields.UUID(required=True)


class PersonalDataErasedV1(IntegrationEvent):
    event_type_name = "PersonalDataErased"
    version = 1
    producer_name = ""
    payload = fields.Nested(PersonalDataErasedPayloadV1, required=True)
