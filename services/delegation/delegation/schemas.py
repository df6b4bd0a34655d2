"""The RPC edge: what the back office and the gateways may send, with French field messages.

>>> load_or_reject(AccountForm(), {"account_id": "pas-un-uuid"})   # doctest: +SKIP
InvalidInput: invalid_input: Certains champs sont invalides. ['account_id']
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared.identifiers import InvalidIdentifier, parse_nir

from .composition import ROLES
from .domain import PROMPT_ANSWERS

_DOSSIER = re.compile(r"^[0-9A-Z]{4,20}$")
_NAME = re.compile(r"^[^\d\x00-\x1f<>@#$%*=+{}\[\]|\\/:;\"]+$")


def normalize_dossier_number(raw: str) -> str:
    """Spaces dropped, letters in capitals: the form the dossier pseudonym is computed from."""
    return re.sub(r"\s", "", raw).upper()


class DossierNumber(fields.String):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        number = normalize_dossier_number(super()._deserialize(value, attr, data, **kwargs))
        if not _DOSSIER.match(number):
            raise ValidationError("Numéro de dossier invalide : 4 à 20 chiffres ou lettres.")
        return number


class Nir(fields.String):
    """A NIR as the back office types it; loaded as a parsed ``Identifier``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        try:
            return parse_nir(super()._deserialize(value, attr, data, **kwargs))
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from None


def _check_name(value: str) -> None:
    if not 1 <= len(value.strip()) <= 100:
        raise ValidationError("1 à 100 caractères.")
    if not _NAME.match(value):
        raise ValidationError("Nom invalide : lettres, espaces, tirets, apostrophes.")


def Name(**kw: Any) -> fields.String:  # noqa: N802 - reads as a field type
    return fields.String(validate=_check_name, **kw)


class MemberForm(Schema):
    nir = Nir(required=True)
    role = fields.String(
        required=True,
        validate=validate.OneOf(
            ROLES, error="Rôle inconnu : allocataire, conjoint, co_allocataire, enfant ou autre."
        ),
    )
    first_names = Name(required=True)
    birth_name = Name(required=True)
    usage_name = Name(load_default=None, allow_none=True)

    @post_load
    def tidy_names(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        for name in ("first_names", "birth_name", "usage_name"):
            if data.get(name):
                data[name] = " ".join(data[name].split())
        return data


class HouseholdForm(Schema):
    """``register_household`` and ``update_household``: the whole current composition."""

    dossier_number = DossierNumber(required=True)
    members = fields.List(
        fields.Nested(MemberForm),
        required=True,
        validate=validate.Length(min=1, max=30, error="De 1 à 30 membres."),
    )
    operator = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))

    @validates_schema
    def check_composition(self, data: dict[str, Any], **_: Any) -> None:
        roles = Counter(member["role"] for member in data["members"])
        errors = []
        if roles["allocataire"] != 1:
            errors.append("Le dossier compte exactement un allocataire.")
        if roles["conjoint"] + roles["co_allocataire"] > 1:
            errors.append("Le dossier compte au plus un conjoint ou co-allocataire.")
        nirs = [member["nir"].value for member in data["members"]]
        if len(set(nirs)) != len(nirs):
            errors.append("Une même personne figure deux fois dans le dossier.")
        if errors:
            raise ValidationError(errors, field_name="members")


class DossierForm(Schema):
    dossier_number = DossierNumber(required=True)


class PersonForm(Schema):
    """The agents' console: a person by NIR (households know people by NIR only)."""

    identifier = Nir(required=True)


class AccountForm(Schema):
    account_id = fields.UUID(required=True)


class PromptAnswerForm(AccountForm):
    answer = fields.String(
        required=True,
        validate=validate.OneOf(PROMPT_ANSWERS, error="Réponse attendue : yes, no ou skip."),
    )


class DelegationChoiceForm(AccountForm):
    granted = fields.Boolean(required=True)


_QUALIFIER = validate.Length(max=64, error="64 caractères au plus.")


class AuthorizeForm(AccountForm):
    """Only shapes are checked here: an unknown action or a missing qualifier is an answer
    (allowed=false with its reason), not an error."""

    action = fields.String(required=True, validate=validate.Length(min=1, max=64))
    target_account_id = fields.UUID(load_default=None, allow_none=True)
    benefit = fields.String(load_default=None, allow_none=True, validate=_QUALIFIER)
    channel = fields.String(load_default=None, allow_none=True, validate=_QUALIFIER)
    kind = fields.String(load_default=None, allow_none=True, validate=_QUALIFIER)
