"""Field types shared by payload schemas (not an event: no IntegrationEvent subclass here)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

#: What a delivery is about (one French template per kind and channel).
NOTIFICATION_KINDS = (
    "verification_code",
    "provisional_identifier",
    "freeze_alert",
    "password_changed",
    "nir_assigned",
    "delegation_granted",
    "delegation_revoked",
    "contacts_changed",
)

CHANNELS = ("email", "sms", "letter")


def Pseudonym(**kw: Any) -> fields.String:  # noqa: N802 - reads as a field type
    """A keyed pseudonym (HMAC-SHA256, 64 hex) of an identifier, NIR, dossier or source."""
    return fields.String(
        validate=validate.Regexp(r"^[0-9a-f]{64}$", error="pseudonyme attendu"), **kw
    )


def Sealed(**kw: Any) -> fields.String:  # noqa: N802
    """A JWE (compact serialisation) sealed to the notification service: only it can open it."""
    pattern = r"^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]*){4}$"
    return fields.String(validate=validate.Regexp(pattern, error="JWE attendu"), **kw)


def Channel(**kw: Any) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(CHANNELS), **kw)


def Kind(**kw: Any) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(NOTIFICATION_KINDS), **kw)
