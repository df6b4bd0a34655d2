"""RegistrationAbandoned v1. Producer: identity.

A person left Créer Mon Compte (« Quitter ») before the account existed; the form was shredded.
"""

from marshmallow import fields, validate

from .envelope import IntegrationEvent, Payload


class RegistrationAbandonedPayloadV1(Payload):
    registration_id = fields.UUID(required=True)
    step = fields.String(
        required=True, validate=validate.OneOf(["etat_civil", "code", "mot_de_passe"])
    )


class RegistrationAbandonedV1(IntegrationEvent):
    event_type_name = "RegistrationAbandoned"
    version = 1
    producer_name = "identity"
    payload = fields.Nested(RegistrationAbandonedPayloadV1, required=True)
