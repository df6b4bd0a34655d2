"""Schemas of the lockout RPC edge, with French field messages (shared.runtime.rpc)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from shared.identifiers import InvalidIdentifier, parse_identifier

from .reservations import PATTERN, ReservationId

#: at most this many successes settled by one reservation (identity sends a few at most)
MAX_SUCCESSES = 16
PSEUDONYM = validate.Regexp(r"^[0-9a-f]{64}$", error="Pseudonyme attendu.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ReserveAttempt(Strict):
    identifier_key = fields.String(required=True, validate=PSEUDONYM)
    source_key = fields.String(load_default=None, allow_none=True, validate=PSEUDONYM)
    source_partner = fields.Boolean(load_default=False)
    captcha_id = fields.UUID(load_default=None, allow_none=True)
    captcha_answer = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=32, error="Réponse trop longue."),
    )
    #: the caller's request (identity's login): a redelivered request reserves the same check
    request_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=100, error="Identifiant de requête invalide."),
    )
    #: checks of this identifier that the caller saw succeed, settled before deciding (issue
    #: #28: a person logging in again does not wait for the login event to settle the last one)
    successes = fields.List(
        fields.String(validate=validate.Regexp(PATTERN, error="Réservation inconnue.")),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_SUCCESSES, error="Trop de réservations."),
    )

    @post_load
    def to_reservations(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        found = [ReservationId.parse(raw) for raw in data.get("successes") or ()]
        return {**data, "successes": found}


class NoteLookup(Strict):
    identifier_key = fields.String(required=True, validate=PSEUDONYM)
    source_key = fields.String(load_default=None, allow_none=True, validate=PSEUDONYM)
    source_partner = fields.Boolean(load_default=False)


class ReportAttempt(Strict):
    reservation_id = fields.String(
        required=True, validate=validate.Regexp(PATTERN, error="Réservation inconnue.")
    )
    succeeded = fields.Boolean(required=True, truthy={True}, falsy={False})

    @post_load
    def to_reservation(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**data, "reservation_id": ReservationId.parse(data["reservation_id"])}


class CheckCaptcha(Strict):
    captcha_id = fields.UUID(required=True)
    answer = fields.String(
        required=True, validate=validate.Length(min=1, max=32, error="Saisissez les caractères.")
    )


class IdentifierField(fields.Field):
    """A NIR or provisional identifier in plaintext, parsed with shared.identifiers."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        try:
            return parse_identifier(value)
        except InvalidIdentifier as exc:
            raise ValidationError(exc.message) from None


class Status(Strict):
    identifier = IdentifierField(required=True)


class LiftFreeze(Strict):
    identifier = IdentifierField(required=True)
    operator = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64, error="Identifiant d'agent de 1 à 64 caractères."),
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500, error="Motif de 1 à 500 caractères."),
    )
