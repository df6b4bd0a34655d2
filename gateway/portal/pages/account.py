"""Mon Compte: home (dernière connexion, delegation question, banner, menu), the pages of the
menu, « Gérer Mon Compte » (autorisations, historique, mot de passe, tous les appareils) and the
session's extension.

Every route checks the session with identity (``verify_session``) and its right with delegation
(``authorize``) on the server: a refused page answers 403 with the French reason, whatever the
menu showed.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    g,
    make_response,
    render_template,
    request,
    session,
)

from connexion_client import InvalidInput
from gateway import redirects, sessions
from gateway.clients import delegation, identity
from gateway.oidc.server import CafConnect
from gateway.security import client_source

from ..forms import captcha_answer, field_errors, ladder_errors, new_captcha
from ..refusals import refusal_message
from .menu import ENTRIES, MANAGE, MENU, MenuEntry

blueprint = Blueprint("account", __name__, url_prefix="/mon-compte")

PASSWORD_LABELS = {
    "current_password": "Mot de passe actuel",
    "password": "Nouveau mot de passe",
    "confirmation": "Confirmation du nouveau mot de passe",
    "captcha_answer": "Vérification de sécurité",
    "_form": "Changement de mot de passe",
}


@blueprint.before_request
def require_session() -> Any:
    verified = sessions.current()
    if verified is None:
        return redirects.to_page("connexion.login")
    g.account_id = verified["account_id"]
    g.auth_method = verified["auth_method"]
    g.session_expires_at = verified["expires_at"]
    return None


def authorize(entry: MenuEntry) -> None:
    """Asks delegation; a refusal ends the request with the 403 page and its French reason."""
    qualifiers = dict(entry.qualifiers)
    if entry.about_self:
        qualifiers["target_account_id"] = g.account_id
    decision = delegation.authorize(g.account_id, entry.action, **qualifiers)
    if not decision["allowed"]:
        abort(
            make_response(
                render_template(
                    "account/refused.html",
                    title=f"Accès refusé : {entry.label}",
                    entry=entry,
                    message=refusal_message(decision["reason"]),
                ),
                403,
            )
        )


@blueprint.route("")
def home() -> Any:
    summary = identity.account_summary(sessions.token())
    prompt = delegation.delegation_prompt(g.account_id)
    status = delegation.delegation_status(g.account_id)
    return render_template(
        "account/home.html",
        title="Accueil Mon Compte",
        summary=summary,
        prompt=prompt if prompt.get("ask") and not session.get("prompt_skipped") else None,
        banner=status.get("banner"),
        menu=MENU,
        manage=MANAGE,
    )


@blueprint.route("/question-delegation", methods=["POST"])
def answer_prompt() -> Any:
    """« J'autorise … » Oui / Non, then Continuer; or Passer (asked again next time)."""
    answer = "skip" if "passer" in request.form else request.form.get("answer", "")
    if answer not in ("yes", "no", "skip"):
        return redirects.to_page("account.home")
    delegation.answer_delegation_prompt(g.account_id, answer)
    if answer == "skip":
        session["prompt_skipped"] = True  # until the next login (a new session)
    return redirects.to_page("account.home")


@blueprint.route("/rubrique/<slug>")
def section(slug: str) -> Any:
    entry = ENTRIES.get(slug)
    if entry is None or entry.endpoint is not None:
        abort(404)
    authorize(entry)
    return render_template("account/out_of_scope.html", title=entry.label, entry=entry)


@blueprint.route("/profil")
def profile() -> Any:
    authorize(ENTRIES["profil"])
    summary = identity.account_summary(sessions.token())
    return render_template("account/profile.html", title="Mon profil", summary=summary)


CONTACT_LABELS = {
    "channel": "Coordonnée à modifier",
    "address": "Nouvelle coordonnée",
    "confirmation": "Confirmation",
    "current_password": "Mot de passe actuel",
    "captcha_answer": "Vérification de sécurité",
    "code": "Code de vérification",
    "_form": "Modification des coordonnées",
}
CHANGE = "contact_change_id"  # the session key of the change waiting for its code


@blueprint.route("/profil/coordonnees", methods=["GET", "POST"])
def change_contacts() -> Any:
    """« Modifier » my mail or mobile: the current password (the login's ladder), the new
    address twice; a code goes to the new address (issue #29)."""
    authorize(ENTRIES["profil"])
    channel = request.values.get("channel", "email")
    errors: dict[str, list[str]] = {}
    answer: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            answer = identity.start_contact_change(
                sessions.token(),
                request.form.get("current_password", ""),
                channel,
                request.form.get("address", "").strip(),
                request.form.get("confirmation", "").strip(),
                captcha=captcha_answer(),
                source=client_source(),
            )
        except InvalidInput as exc:
            errors = field_errors(exc, {"captcha": "captcha_answer"})
        else:
            if answer["outcome"] == "code_sent":
                session[CHANGE] = answer["change_id"]
                session["contact_sent_to"] = answer["sent_to"]
                return redirects.to_page("account.confirm_contacts")
            errors = ladder_errors(answer)
    captcha = new_captcha() if answer and answer.get("captcha_required") else None
    return render_template(
        "account/change_contacts.html",
        title="Modifier mes coordonnées de contact",
        errors=errors,
        labels=CONTACT_LABELS,
        answer=answer,
        captcha=captcha,
        channel=channel if channel in ("email", "sms") else "email",
        address=request.form.get("address", ""),
    ), (400 if errors and not answer else 200)


@blueprint.route("/profil/coordonnees/code", methods=["GET", "POST"])
def confirm_contacts() -> Any:
    """The 6-digit code sent to the new address; right, the change is made."""
    authorize(ENTRIES["profil"])
    change_id = session.get(CHANGE)
    if not change_id:
        return redirects.to_page("account.change_contacts")
    errors: dict[str, list[str]] = {}
    answer: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            answer = identity.confirm_contact_change(
                sessions.token(), change_id, request.form.get("code", "").strip()
            )
        except InvalidInput as exc:
            errors = field_errors(exc, {"change_id": "code"})
        else:
            if answer["outcome"] == "changed":
                session.pop(CHANGE, None)
                return render_template(
                    "account/contacts_changed.html",
                    title="Coordonnées de contact modifiées",
                    answer=answer,
                )
            errors = {"code": [answer["message"]]}
    return render_template(
        "account/contacts_code.html",
        title="Code de vérification",
        errors=errors,
        labels=CONTACT_LABELS,
        sent_to=session.get("contact_sent_to"),
    ), (400 if errors else 200)


@blueprint.route("/autorisations", methods=["GET", "POST"])
def authorizations() -> Any:
    authorize(MANAGE[0])
    message = None
    if request.method == "POST":
        granted = request.form.get("granted") == "yes"
        message = delegation.set_delegation(g.account_id, granted).get("outcome")
    status = delegation.delegation_status(g.account_id)
    return render_template(
        "account/authorizations.html", title="Mes autorisations", status=status, outcome=message
    )


@blueprint.route("/historique")
def history() -> Any:
    authorize(MANAGE[1])
    entries = identity.connection_history(sessions.token())
    # agents' look-ups and actions (issue #35) apart from the connections
    agents = [e for e in entries if e.get("kind", "connection") != "connection"]
    connections = [e for e in entries if e.get("kind", "connection") == "connection"]
    names = CafConnect.of().application_name  # identity knows the client id; the registry, names
    for entry in connections:
        if entry.get("method") == "caf_connect" and entry.get("application"):
            entry["application"] = names(str(entry["application"]))
    return render_template(
        "account/history.html", title="Mon historique", connections=connections, agents=agents
    )


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
def change_password() -> Any:
    authorize(MANAGE[2])
    errors: dict[str, list[str]] = {}
    answer: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            answer = identity.change_password(
                sessions.token(),
                request.form.get("current_password", ""),
                request.form.get("password", ""),
                request.form.get("confirmation", ""),
                captcha=captcha_answer(),
            )
        except InvalidInput as exc:
            errors = field_errors(exc, {"captcha": "captcha_answer"})
        else:
            if answer["outcome"] == "changed":
                sessions.renew(new_csrf_secret=True)
                return render_template(
                    "account/password_changed.html", title="Nouveau mot de passe enregistré"
                )
            errors = ladder_errors(answer)
    captcha = new_captcha() if answer and answer.get("captcha_required") else None
    return render_template(
        "account/change_password.html",
        title="Modifier mon mot de passe",
        errors=errors,
        labels=PASSWORD_LABELS,
        answer=answer,
        captcha=captcha,
    ), (400 if errors and not answer else 200)


@blueprint.route("/deconnexion-partout", methods=["POST"])
def logout_everywhere() -> Any:
    """« Se déconnecter de tous les appareils »: every session of the account ends."""
    identity.logout_everywhere(sessions.token())
    sessions.close_session()
    return redirects.to_page("connexion.logged_out")


@blueprint.route("/session/prolonger", methods=["POST"])
def extend_session() -> Any:
    """RGAA 13.1: one action extends the session (sliding, within identity's absolute maximum)."""
    answer = identity.refresh_session(sessions.token())
    if answer.get("outcome") == "refreshed":
        sessions.replace_token(answer)
    return redirects.back_to(request.form.get("next"), "account.home", allowed=("/mon-compte",))
