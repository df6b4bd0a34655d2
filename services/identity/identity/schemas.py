"""The RPC edge of identity: marshmallow schemas with the portal's French messages.

The requests a gateway also checks live in ``shared/requests/identity.py`` (one declaration for
identity and the HTTP API); here, what only identity reads: the back office's requests and how a
loaded form is stored.

>>> load_or_reject(LoginForm(), {"identifier": "1 63 06 31 555 082", "password": "x"})
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.contacts import InvalidContactError, normalize_email, normalize_mobile
from shared.requests.identity import (
    ChangePassword,
    ConfirmContactChange,
    FlowChannel,
    FlowCode,
    IdentifierField,
    LoginForm,
    NewPassword,
    ProvisionalField,
    RegistrationForm,
    SendRegistrationCode,
    SourceSchema,
    StartContactChange,
    StartIdentifierRecovery,
    StartPasswordReset,
    Token,
)

# Its own schemas, and the shared requests that service.py loads as ``schemas.<Name>``.
__all__ = [
    "AssignNir",
    "ChangePassword",
    "ConfirmContactChange",
    "ContactsSchema",
    "FlowChannel",
    "FlowCode",
    "LoginForm",
    "NewPassword",
    "Operator",
    "PostalAddressSchema",
    "RegistrationForm",
    "SendRegistrationCode",
    "SourceOnly",
    "StartContactChange",
    "StartIdentifierRecovery",
    "StartPasswordReset",
    "Token",
    "UpdateContacts",
    "contacts_to_store",
    "registration_form_to_store",
]


class SourceOnly(Schema):
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)


def registration_form_to_store(data: dict[str, Any]) -> dict[str, Any]:
    """The loaded form as the application keeps it: JSON-compatible, canonical."""
    document = dict(data["identity_document"])
    if document.get("issue_date"):
        document["issue_date"] = document["issue_date"].isoformat()
    parents = [data[name] for name in ("parent_1", "parent_2") if data.get(name)]
    return {
        "has_nir": data["has_nir"],
        "nir": data["nir"].value if data["has_nir"] else None,
        "civility": data["civility"],
        "birth_name": data["birth_name"],
        "first_names": data["first_names"],
        "usage_name": data.get("usage_name"),
        "birth_date": data["birth_date"].isoformat(),
        "birth_place": data["birth_place"],
        "resides_in_france": data["resides_in_france"],
        "postal_code": data.get("postal_code"),
        "identity_document": document,
        "parents": None if data["has_nir"] else parents,
        "benefit_request": data["benefit_request"],
        "captcha": data.get("captcha"),
    }


class Operator(Schema):
    operator = fields.String(required=True, validate=validate.Length(min=1, max=64))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class AssignNir(Operator):
    provisional_identifier = ProvisionalField(required=True)
    nir = IdentifierField(nir_only=True, required=True)


class PostalAddressSchema(Schema):
    lines = fields.List(
        fields.String(validate=validate.Length(min=1, max=38)),
        required=True,
        validate=validate.Length(min=2, max=6, error="Entre 2 et 6 lignes."),
    )


class ContactsSchema(Schema):
    email = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    postal_address = fields.Nested(PostalAddressSchema, load_default=None, allow_none=True)
    preferred = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["email", "sms"])
    )

    @validates_schema
    def _each(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = {}
        for name, normalize in (("email", normalize_email), ("phone", normalize_mobile)):
            if data.get(name):
                try:
                    normalize(data[name])
                except InvalidContactError as exc:
                    errors[name] = [str(exc)]
        if errors:
            raise ValidationError(errors)


def contacts_to_store(data: dict[str, Any]) -> dict[str, Any]:
    email = normalize_email(data["email"]) if data.get("email") else None
    phone = normalize_mobile(data["phone"]) if data.get("phone") else None
    preferred = data.get("preferred") or ("email" if email else "sms" if phone else None)
    return {
        "email": email,
        "phone": phone,
        "postal_address": data.get("postal_address"),
        "preferred": preferred,
    }


class AgentLookup(Schema):
    """The agents' console's methods: a NIR or a provisional identifier (never a name)."""

    identifier = IdentifierField(required=True)


class UpdateContacts(Operator):
    identifier = IdentifierField(required=True)
    contacts = fields.Nested(ContactsSchema, required=True)
