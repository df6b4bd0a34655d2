"""French default messages for marshmallow's built-in fields (the portal shows them as-is).

Applied once, by importing :mod:`shared.runtime.rpc`. Validators take their own French
``error=`` where they are used.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {
        "required": "Ce champ est obligatoire.",
        "null": "Ce champ ne peut pas être vide.",
        "validator_failed": "Valeur invalide.",
    },
    fields.String: {"invalid": "Texte attendu.", "invalid_utf8": "Texte invalide."},
    fields.Integer: {"invalid": "Nombre entier attendu.", "too_large": "Nombre trop grand."},
    fields.Float: {"invalid": "Nombre attendu.", "special": "Nombre attendu."},
    fields.Boolean: {"invalid": "Oui ou non attendu."},
    fields.UUID: {"invalid_uuid": "Identifiant invalide."},
    fields.DateTime: {"invalid": "Date et heure invalides.", "format": "Format de date invalide."},
    fields.AwareDateTime: {"invalid_awareness": "Fuseau horaire manquant."},
    fields.Date: {"invalid": "Date invalide (JJ/MM/AAAA).", "format": "Format de date invalide."},
    fields.List: {"invalid": "Liste attendue."},
    fields.Dict: {"invalid": "Objet attendu."},
    fields.Nested: {"type": "Objet attendu."},
    fields.Email: {"invalid": "Adresse e-mail invalide."},
}


def apply() -> None:
    for field_class, messages in _MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}


SCHEMA_MESSAGES = {
    "required": _MESSAGES[fields.Field]["required"],
    "unknown": "Champ inconnu.",
    "type": "Objet attendu.",
}


def frenchify(messages: Any) -> Any:
    """marshmallow's messages of a failed load with the schema-level ones in French."""
    if isinstance(messages, dict):
        return {key: frenchify(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [SCHEMA_MESSAGES["unknown"] if m == "Unknown field." else m for m in messages]
    return messages
