"""The person's session and "Mon Compte": the session token travels in ``X-Session-Token``.

identity's methods check the token themselves; the delegation methods get the account id of a
session that identity has just verified, never an id the caller chose.
"""

from __future__ import annotations

from typing import Any

from gateway.clients import delegation, identity

from . import schemas
from .operations import Call, operation

SESSION = "Session"
ACCOUNT = "Mon Compte"


@operation(
    "GET",
    "/session",
    tag=SESSION,
    session="token",
    answer=schemas.SessionAnswer,
    summary="Vérifier la session",
)
def verify_session(call: Call) -> Any:
    """``{valid, account_id, identifier_kind, auth_method, expires_at}``; a logged-out or
    expired session answers ``valid: false``."""
    return identity.verify_session(call.session_token)


@operation(
    "POST",
    "/session/logout",
    tag=SESSION,
    session="token",
    answer=schemas.Answer,
    summary="Se déconnecter",
)
def logout(call: Call) -> Any:
    """``{outcome: "logged_out"}``: the token is refused from then on."""
    return identity.logout(call.session_token)


@operation(
    "POST",
    "/session/refresh",
    tag=SESSION,
    session="token",
    answer=schemas.RefreshAnswer,
    summary="Prolonger la session",
)
def refresh_session(call: Call) -> Any:
    """``{outcome: "refreshed", session: {token, expires_at}}``: sliding, within the maximum
    lifetime after the login; an ended session answers 401 ``session_invalid``."""
    return identity.refresh_session(call.session_token)


@operation(
    "POST",
    "/session/logout-everywhere",
    tag=SESSION,
    session="token",
    answer=schemas.Answer,
    summary="Se déconnecter de tous les appareils",
)
def logout_everywhere(call: Call) -> Any:
    """``{outcome: "logged_out"}``: every session of the account ends, on every device."""
    return identity.logout_everywhere(call.session_token)


@operation(
    "GET",
    "/account",
    tag=ACCOUNT,
    session="token",
    answer=schemas.Answer,
    summary="Mon profil et dernière connexion",
)
def account_summary(call: Call) -> Any:
    """``{identifier_display, civil_status, contact, last_login_at, …}``."""
    return identity.account_summary(call.session_token)


@operation(
    "GET",
    "/account/history",
    tag=ACCOUNT,
    session="token",
    answer=schemas.History,
    summary="Mon historique",
)
def connection_history(call: Call) -> Any:
    """``{connections: [{at, method, outcome, source}]}``, newest first."""
    return {"connections": identity.connection_history(call.session_token)}


@operation(
    "PUT",
    "/account/password",
    tag=ACCOUNT,
    session="token",
    body=schemas.ChangePassword,
    answer=schemas.Answer,
    summary="Changer de mot de passe",
)
def change_password(call: Call) -> Any:
    """``{outcome: "changed"}``; the person's other sessions end."""
    body = call.body
    return identity.change_password(
        call.session_token,
        body["current_password"],
        body["password"],
        body["confirmation"],
        captcha=body.get("captcha"),
    )


@operation(
    "GET",
    "/account/delegation",
    tag=ACCOUNT,
    session="account",
    answer=schemas.Answer,
    summary="Délégation : état et bandeau",
)
def delegation_status(call: Call) -> Any:
    """``{granted, spouse_display_name, banner}``."""
    return delegation.delegation_status(call.account)


@operation(
    "PUT",
    "/account/delegation",
    tag=ACCOUNT,
    session="account",
    body=schemas.DelegationChoice,
    answer=schemas.Answer,
    summary="Mes autorisations : accorder ou retirer",
)
def set_delegation(call: Call) -> Any:
    """``{outcome, granted, banner}``; only the allocataire may change it (``outcome`` says)."""
    return delegation.set_delegation(call.account, call.body["granted"])


@operation(
    "GET",
    "/account/delegation/prompt",
    tag=ACCOUNT,
    session="account",
    answer=schemas.Answer,
    summary="Délégation : question de première connexion",
)
def delegation_prompt(call: Call) -> Any:
    """``{ask, spouse_display_name, question}``."""
    return delegation.delegation_prompt(call.account)


@operation(
    "POST",
    "/account/delegation/prompt",
    tag=ACCOUNT,
    session="account",
    body=schemas.DelegationAnswer,
    answer=schemas.Answer,
    summary="Délégation : Oui / Non / Passer",
)
def answer_delegation_prompt(call: Call) -> Any:
    """``yes`` grants, ``no`` refuses, ``skip`` asks again at the next login."""
    return delegation.answer_delegation_prompt(call.account, call.body["answer"])


@operation(
    "POST",
    "/account/authorizations",
    tag=ACCOUNT,
    session="account",
    body=schemas.Authorize,
    answer=schemas.AuthorizeAnswer,
    summary="Ai-je le droit ? (catalogue des actions)",
)
def authorize(call: Call) -> Any:
    """``{allowed, reason}`` for the person of the session (spec §14's catalogue)."""
    return delegation.authorize(call.account, **call.body)
