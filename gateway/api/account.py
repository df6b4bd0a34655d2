"""The person's session and "Mon Compte": the session token travels in ``X-Session-Token``.

identity's methods check the token themselves; the delegation methods get the account id of a
session that identity has just verified, never an id the caller chose. One row per operation:
method, path, what it runs, tag, summary, then its schemas and description.
"""

from __future__ import annotations

from typing import Any

from gateway.clients import delegation, identity

from . import schemas
from .operations import Call, Operation, declare, forward
from .source import login_source

SESSION = "Session"
ACCOUNT = "Mon Compte"


def connection_history(call: Call) -> Any:
    return {"connections": identity.connection_history(call.session_token)}


def start_contact_change(call: Call) -> Any:
    body = call.body
    return identity.start_contact_change(
        call.session_token, body["current_password"], body["channel"], body["address"],
        body["confirmation"], captcha=body.get("captcha"),
        source=login_source(body.get("source"), call.client),
    )  # fmt: skip


# fmt: off
declare(
    Operation("GET", "/session", forward(identity.verify_session), SESSION,
              "Vérifier la session", session="token", answer=schemas.SessionAnswer,
              description="``{valid, account_id, identifier_kind, auth_method, expires_at}``; a"
              " logged-out or expired session answers ``valid: false``."),
    Operation("POST", "/session/logout", forward(identity.logout), SESSION, "Se déconnecter",
              session="token", answer=schemas.Answer,
              description='``{outcome: "logged_out"}``: the token is refused from then on.'),
    Operation("POST", "/session/refresh", forward(identity.refresh_session), SESSION,
              "Prolonger la session", session="token", answer=schemas.RefreshAnswer,
              description='``{outcome: "refreshed", session: {token, expires_at}}``: sliding,'
              " within the maximum lifetime after the login; an ended session answers 401"
              " ``session_invalid``."),
    Operation("POST", "/session/logout-everywhere", forward(identity.logout_everywhere), SESSION,
              "Se déconnecter de tous les appareils", session="token", answer=schemas.Answer,
              description='``{outcome: "logged_out"}``: every session of the account ends, on'
              " every device."),
    Operation("GET", "/account", forward(identity.account_summary), ACCOUNT,
              "Mon profil et dernière connexion", session="token", answer=schemas.Answer,
              description="``{identifier_display, civil_status, contact, last_login_at, …}``."),
    Operation("GET", "/account/history", connection_history, ACCOUNT, "Mon historique",
              session="token", answer=schemas.History,
              description="``{connections: [{kind, at, method, outcome, source}]}``, newest"
              " first; agents' look-ups and actions too (``kind`` ``agent_lookup`` or"
              " ``agent_action``: ``at, agency, reason, action, agent_name``)."),
    Operation("PUT", "/account/password", forward(identity.change_password), ACCOUNT,
              "Changer de mot de passe", session="token", body=schemas.ChangePassword,
              answer=schemas.Answer,
              description='``{outcome: "changed"}``; the person\'s other sessions end.'),
    Operation("POST", "/account/contacts", start_contact_change, ACCOUNT,
              "Modifier mon mail ou mon téléphone portable", session="token",
              body=schemas.StartContactChange, answer=schemas.Answer,
              description='``{outcome: "code_sent", change_id, sent_to, expires_at}``: a 6-digit'
              " code goes to the NEW address. The current password goes through the login's"
              " ladder: ``invalid_current_password`` (attempts_left), ``captcha_required``,"
              " ``frozen`` (retry_after_s) answer as the login does; ``limit_reached`` after"
              " CONTACT_CHANGES_PER_DAY changes in 24 hours."),
    Operation("POST", "/account/contacts/{change_id}/code",
              forward(identity.confirm_contact_change), ACCOUNT,
              "Confirmer la nouvelle coordonnée (code)", session="token",
              body=schemas.ContactChangeCode, answer=schemas.Answer,
              description='``{outcome: "changed"}``: the previous contacts are told first;'
              " otherwise the code's outcome (``invalid_code`` with attempts_left,"
              " ``too_many_attempts``, ``code_expired``)."),
    Operation("GET", "/account/delegation", forward(delegation.delegation_status), ACCOUNT,
              "Délégation : état et bandeau", session="account", answer=schemas.Answer,
              description="``{granted, spouse_display_name, banner}``."),
    Operation("PUT", "/account/delegation", forward(delegation.set_delegation), ACCOUNT,
              "Mes autorisations : accorder ou retirer", session="account",
              body=schemas.DelegationChoice, answer=schemas.Answer,
              description="``{outcome, granted, banner}``; only the allocataire may change it"
              " (``outcome`` says)."),
    Operation("GET", "/account/delegation/prompt", forward(delegation.delegation_prompt),
              ACCOUNT, "Délégation : question de première connexion", session="account",
              answer=schemas.Answer, description="``{ask, spouse_display_name, question}``."),
    Operation("POST", "/account/delegation/prompt", forward(delegation.answer_delegation_prompt),
              ACCOUNT, "Délégation : Oui / Non / Passer", session="account",
              body=schemas.DelegationAnswer, answer=schemas.Answer,
              description="``yes`` grants, ``no`` refuses, ``skip`` asks again at the next"
              " login."),
    Operation("POST", "/account/authorizations", forward(delegation.authorize), ACCOUNT,
              "Ai-je le droit ? (catalogue des actions)", session="account",
              body=schemas.Authorize, answer=schemas.AuthorizeAnswer,
              description="``{allowed, reason}`` for the person of the session (spec §14's"
              " catalogue)."),
)
# fmt: on
