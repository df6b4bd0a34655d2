"""The answers of the FranceConnect journeys: the login shape (spec §14) and the French the
portal shows. Outcome codes are listed in ``docs/franceconnect.md``."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    "ok": None,
    "redirect": None,
    "link_required": (
        "Nous n'avons pas pu associer votre identité FranceConnect à un compte. Si vous avez déjà "
        "un compte, connectez-vous une fois avec votre numéro de Sécurité sociale (ou votre "
        "identifiant provisoire) et votre mot de passe : FranceConnect sera alors associé à votre "
        "compte. Sinon, créez votre compte."
    ),
    "cancelled": "Vous avez annulé la connexion avec FranceConnect.",
    "state_invalid": (
        "Votre demande de connexion avec FranceConnect a expiré ou a déjà été utilisée : "
        "recommencez."
    ),
    "id_token_invalid": "La connexion avec FranceConnect a échoué. Veuillez réessayer.",
    "userinfo_invalid": "La connexion avec FranceConnect a échoué. Veuillez réessayer.",
    "provider_error": "La connexion avec FranceConnect a échoué. Veuillez réessayer.",
    "provider_unavailable": (
        "FranceConnect est momentanément indisponible. Veuillez réessayer plus tard, ou vous "
        "connecter avec votre numéro de Sécurité sociale et votre mot de passe."
    ),
    "unavailable": "La connexion avec FranceConnect n'est pas disponible.",
}
LINKED = "Votre compte est désormais associé à FranceConnect."
LINK_OUTCOMES = {
    "linked": LINKED,
    "already_linked": LINKED,
    "link_invalid": (
        "Votre demande d'association à FranceConnect a expiré ou a déjà été utilisée : "
        "reconnectez-vous avec FranceConnect."
    ),
    "linked_elsewhere": (
        "Cette identité FranceConnect est déjà associée à un autre compte : contactez votre Caf."
    ),
    "identity_mismatch": (
        "L'identité FranceConnect ne correspond pas à ce compte : elle n'a pas été associée."
    ),
    "not_logged_in": None,
}


def callback_result(outcome: str, reason: str | None = None, **fields: Any) -> dict[str, Any]:
    """Same keys as ``login`` (lockout fields stay neutral: FranceConnect does not touch it),
    plus ``reason``, ``linked_now``, ``link_token`` and ``link_expires_at``."""
    return {
        "outcome": outcome,
        "reason": reason,
        "attempts_left": None,
        "captcha_required": False,
        "captcha_invalid": False,
        "frozen_until": None,
        "retry_after_s": None,
        "password_change_recommended": False,
        "session": None,
        "linked_now": False,
        "link_token": None,
        "link_expires_at": None,
        "message": MESSAGES[outcome],
        **fields,
    }


def start_result(outcome: str, **fields: Any) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "authorization_url": None,
        "state": None,
        "message": MESSAGES[outcome],
        **fields,
    }


def link_result(outcome: str) -> dict[str, Any]:
    return {"outcome": outcome, "message": LINK_OUTCOMES[outcome]}
