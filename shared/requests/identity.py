"""identity's requests, as its RPC methods load them: marshmallow schemas with the portal's French
messages (spec §14). identity loads them at its edge (``identity.schemas``); a gateway that checks
a request before sending it (the HTTP API, gateway/api/) validates with the same ones, so the
two never drift.

Loading normalises what people type: NIR with spaces or key, dates JJ/MM/AAAA or ISO, names in
upper case, mobile numbers with spaces or +33.

>>> LoginForm().load({"identifier": "1 63 06 31 555 082", "password": "x"})["identifier"].kind
'nir'
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared.contacts import InvalidContactError, normalize_email, normalize_mobile
from shared.identifiers import Identifier, InvalidIdentifier, parse_identifier, parse_nir

_NAME = re.compile(r"^[^\W\d_]+([ '\-][^\W\d_]+)*$")
REQUIRED = "Ce champ est obligatoire."


class FrenchDate(fields.Field):
    """A date typed JJ/MM/AAAA (the portal) or AAAA-MM-JJ (ISO); loads as ``date``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, str):
            text = value.strip()
            for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
                try:
                    return datetime.strptime(text, pattern).date()
                except ValueError:
                    continue
        raise ValidationError("Date invalide (format JJ/MM/AAAA).")


class IdentifierField(fields.Field):
    """A login identifier (NIR or provisional); ``nir_only`` refuses provisional ones."""

    def __init__(self, *, nir_only: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.nir_only = nir_only

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Identifier:
        if not isinstance(value, str):
            raise ValidationError("Texte attendu.")
        try:
            return parse_nir(value) if self.nir_only else parse_identifier(value)
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from None


class ProvisionalField(IdentifierField):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Identifier:
        identifier = super()._deserialize(value, attr, data, **kwargs)
        if identifier.kind != "provisional":
            raise ValidationError("L'identifiant provisoire est un P suivi de 8 chiffres.")
        return identifier


def Name(**kwargs: Any) -> fields.String:  # noqa: N802 - reads as a field type
    """A name as on an identity document: letters, spaces, hyphens, apostrophes."""
    return fields.String(
        validate=[
            validate.Length(min=1, max=80, error="Entre 1 et 80 caractères."),
            validate.Regexp(_NAME, error="Lettres, espaces, tirets et apostrophes uniquement."),
        ],
        **kwargs,
    )


def Secret(**kwargs: Any) -> fields.String:  # noqa: N802
    """A password as typed; the policy is checked elsewhere (its checklist is the answer)."""
    return fields.String(
        validate=validate.Length(max=128, error="128 caractères au plus."), **kwargs
    )


class CaptchaSchema(Schema):
    captcha_id = fields.UUID(required=True, metadata={"description": "from POST /captchas"})
    answer = fields.String(
        required=True,
        metadata={"description": "the characters typed"},
        validate=validate.Length(min=1, max=32, error="Saisissez les caractères."),
    )

    @post_load
    def _as_text(self, data: dict[str, Any], **kwargs: Any) -> dict[str, str]:
        return {"captcha_id": str(data["captcha_id"]), "answer": data["answer"]}


class SourceSchema(Schema):
    ip = fields.String(
        load_default=None,
        validate=validate.Length(max=45),
        metadata={"description": "the person's address"},
    )
    user_agent = fields.String(
        load_default=None,
        validate=validate.Length(max=512),
        metadata={"description": "the person's browser or app"},
    )


class LoginForm(Schema):
    identifier = IdentifierField(required=True, metadata={"example": "1 63 06 31 555 082"})
    password = Secret(required=True, metadata={"example": "Bonjour2024Caf"})
    captcha = fields.Nested(CaptchaSchema, load_default=None, allow_none=True)
    source = fields.Nested(
        SourceSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "the person's address and user agent, as the gateway saw them"},
    )


class UppercaseName(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return " ".join(text.split()).upper()


def upper_name(**kwargs: Any) -> UppercaseName:
    return UppercaseName(
        validate=[
            validate.Length(min=1, max=80, error="Entre 1 et 80 caractères."),
            validate.Regexp(_NAME, error="Lettres, espaces, tirets et apostrophes uniquement."),
        ],
        **kwargs,
    )


class BirthPlaceSchema(Schema):
    in_france = fields.Boolean(required=True)
    department = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^(\d{2,3}|2A|2B)$"),
        metadata={"example": "31"},
    )
    commune = upper_name(load_default=None, metadata={"example": "TOULOUSE"})
    country = upper_name(load_default=None)
    city = upper_name(load_default=None)

    @validates_schema
    def _where(self, data: dict[str, Any], **kwargs: Any) -> None:
        needed = ("department", "commune") if data["in_france"] else ("country", "city")
        missing = {name: [REQUIRED] for name in needed if not data.get(name)}
        if missing:
            raise ValidationError(missing)


class IdentityDocumentSchema(Schema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(
            ["identity_card", "residence_permit", "passport", "none"],
            error="Carte d'identité, titre de séjour, passeport français, ou aucune pièce.",
        ),
    )
    number = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z0-9]{6,20}$"))
    issue_date = FrenchDate(load_default=None, metadata={"description": "JJ/MM/AAAA or AAAA-MM-JJ"})

    @validates_schema
    def _details(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["type"] == "none":
            return
        missing = {name: [REQUIRED] for name in ("number", "issue_date") if not data.get(name)}
        if missing:
            raise ValidationError(missing)
        if data["issue_date"] > date.today():
            raise ValidationError({"issue_date": ["La date de délivrance est dans le futur."]})


class ParentSchema(Schema):
    birth_name = upper_name(required=True)
    first_names = upper_name(required=True)


class RegistrationForm(Schema):
    has_nir = fields.Boolean(required=True)
    nir = IdentifierField(
        nir_only=True, load_default=None, metadata={"example": "2 94 03 75 120 005 22"}
    )
    civility = fields.String(
        required=True, validate=validate.OneOf(["M", "Mme"], error="M ou Mme.")
    )
    birth_name = upper_name(required=True, metadata={"example": "DUPONT"})
    first_names = upper_name(required=True, metadata={"example": "Marie"})
    usage_name = upper_name(load_default=None, allow_none=True)
    birth_date = FrenchDate(required=True, metadata={"example": "12/03/1994"})
    birth_place = fields.Nested(BirthPlaceSchema, required=True)
    resides_in_france = fields.Boolean(required=True)
    postal_code = fields.String(
        load_default=None,
        validate=validate.Regexp(r"^\d{5}$", error="Code postal à 5 chiffres."),
        metadata={"example": "75012"},
    )
    identity_document = fields.Nested(IdentityDocumentSchema, required=True)
    parent_1 = fields.Nested(ParentSchema, load_default=None)
    parent_2 = fields.Nested(ParentSchema, load_default=None)
    captcha = fields.Nested(CaptchaSchema, load_default=None)
    benefit_request = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_\-]{1,32}$", error="Code de demande invalide."),
        metadata={"example": "RSA"},
    )

    @validates_schema
    def _paths(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if data["has_nir"] and not data.get("nir"):
            errors["nir"] = ["Saisissez votre numéro de Sécurité sociale."]
        if not data.get("captcha"):  # with a NIR too: the answer may reveal an account
            errors["captcha"] = [REQUIRED]
        if not data["has_nir"]:
            for name in ("parent_1", "parent_2"):
                if not data.get(name):
                    errors[name] = [REQUIRED]
        if data["resides_in_france"] and not data.get("postal_code"):
            errors["postal_code"] = [REQUIRED]
        born = data["birth_date"]
        if born > date.today() or born.year < 1900:
            errors["birth_date"] = ["Date de naissance invalide."]
        if errors:
            raise ValidationError(errors)


class ContactAddress(Schema):
    """A mail or a mobile typed twice (registration's step 2, a change of contact details)."""

    channel = fields.String(
        required=True, validate=validate.OneOf(["sms", "email"], error="SMS ou mail.")
    )
    address = fields.String(
        required=True,
        validate=validate.Length(max=254),
        metadata={"example": "marie.dupont@example.org"},
    )
    confirmation = fields.String(
        required=True,
        validate=validate.Length(max=254),
        metadata={"example": "marie.dupont@example.org"},
    )

    @validates_schema
    def _address(self, data: dict[str, Any], **kwargs: Any) -> None:
        normalize = normalize_mobile if data["channel"] == "sms" else normalize_email
        try:
            address = normalize(data["address"])
        except InvalidContactError as exc:
            raise ValidationError({"address": [str(exc)]}) from None
        try:
            same = normalize(data["confirmation"]).lower() == address.lower()
        except InvalidContactError:
            same = False
        if not same:
            raise ValidationError({"confirmation": ["Les deux saisies ne correspondent pas."]})

    @post_load
    def _normalized(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        normalize = normalize_mobile if data["channel"] == "sms" else normalize_email
        return {**data, "address": normalize(data["address"])}


class SendRegistrationCode(ContactAddress):
    registration_id = fields.UUID(required=True)


class FlowCode(Schema):
    flow_id = fields.UUID(required=True)
    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{6}$", error="Le code de vérification comporte 6 chiffres."),
        metadata={"example": "482913"},
    )


class NewPassword(Schema):
    password = Secret(required=True)
    confirmation = Secret(required=True)


class StartPasswordReset(Schema):
    nir = IdentifierField(required=True)
    birth_name = Name(required=True)
    captcha = fields.Nested(CaptchaSchema, required=True)
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)


class StartIdentifierRecovery(Schema):
    birth_name = Name(required=True)
    first_names = Name(required=True)
    birth_date = FrenchDate(required=True)
    captcha = fields.Nested(CaptchaSchema, required=True)
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)


class FlowChannel(Schema):
    flow_id = fields.UUID(required=True)
    channel = fields.String(
        required=True,
        validate=validate.OneOf(["email", "sms", "letter"], error="Mail, SMS ou courrier."),
    )


class Token(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=4096))


class ChangePassword(Token):
    current_password = Secret(required=True)
    password = Secret(required=True)
    confirmation = Secret(required=True)
    captcha = fields.Nested(CaptchaSchema, load_default=None, allow_none=True)


class StartContactChange(Token, ContactAddress):
    """« Modifier » my mail or mobile: the current password (the login's ladder), the new
    address twice; ``source`` counts on the per-source throttle."""

    current_password = Secret(required=True)
    captcha = fields.Nested(CaptchaSchema, load_default=None, allow_none=True)
    source = fields.Nested(SourceSchema, load_default=None, allow_none=True)


class ConfirmContactChange(Token):
    change_id = fields.UUID(required=True)
    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{6}$", error="Le code de vérification comporte 6 chiffres."),
        metadata={"example": "482913"},
    )
