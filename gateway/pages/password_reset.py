"""MOT DE PASSE OUBLIÉ: NIR + nom de naissance + captcha → channel among the masked ones → code →
new password → « Nouveau mot de passe enregistré »; « Abandonner » on every step forgets the
journey. Also the campaign's way in (« Accéder au changement de mot de passe »), which ends the
current session first: a stolen password must not renew itself, the code goes to the contacts on
file.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from connexion_client import InvalidInput

from .. import rpc, sessions
from ..forms import captcha_answer, field_errors, new_captcha, value

blueprint = Blueprint("password_reset", __name__, url_prefix="/mot-de-passe-oublie")

FLOW = "reset"
LABELS = {
    "nir": "Numéro de Sécurité sociale",
    "birth_name": "Nom de naissance",
    "captcha_answer": "Vérification de sécurité",
    "audio_answer": "Vérification audio",
    "channel": "Moyen de réception",
    "code": "Code de vérification",
    "password": "Nouveau mot de passe",
    "confirmation": "Confirmation du nouveau mot de passe",
    "_form": "Formulaire",
}


@blueprint.route("", methods=["GET", "POST"])
def start() -> Any:
    errors: dict[str, list[str]] = {}
    values = {"nir": value("nir"), "birth_name": value("birth_name")}
    if request.method == "POST":
        try:
            answer = rpc.call(
                "identity",
                "start_password_reset",
                values["nir"],
                values["birth_name"],
                captcha_answer(),
            )
        except InvalidInput as exc:
            errors = field_errors(exc, {"captcha": "captcha_answer"})
        else:
            session[FLOW] = {"id": answer["reset_id"], "channels": answer["channels"]}
            if not answer["channels"]:
                return render_template(
                    "message.html", title="Mot de passe oublié", message=answer["message"]
                )
            return redirect(url_for("password_reset.channel"))
    return render_template(
        "password_reset/start.html",
        title="Mot de passe oublié",
        values=values,
        errors=errors,
        labels=LABELS,
        captcha=new_captcha(),
    ), (400 if errors else 200)


@blueprint.route("/abandonner", methods=["POST"])
def abandon() -> Any:
    """« Abandonner »: the journey is forgotten (its code, if one was sent, dies unused)."""
    session.pop(FLOW, None)
    session.pop("code_sent_to", None)
    session.pop("code_note", None)
    return redirect(url_for("connexion.login"))


@blueprint.route("/depuis-la-campagne", methods=["POST"])
def from_campaign() -> Any:
    held = sessions.token()
    sessions.close_session()
    if held:
        rpc.call("identity", "logout", held)
    return redirect(url_for("password_reset.start"))


@blueprint.route("/envoi", methods=["GET", "POST"])
def channel() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirect(url_for("password_reset.start"))
    errors: dict[str, list[str]] = {}
    answer = None
    if request.method == "POST":
        try:
            answer = rpc.call("identity", "send_password_reset_code", flow["id"], value("channel"))
        except InvalidInput as exc:
            errors = field_errors(exc)
        else:
            if answer["outcome"] == "sent":
                session["code_sent_to"] = answer["sent_to"]
                session["code_note"] = answer.get("message")  # identity's single-use note
                return redirect(url_for("password_reset.code"))
    return render_template(
        "channel.html",
        title="Réception du code – Mot de passe oublié",
        channels=flow["channels"],
        errors=errors,
        labels=LABELS,
        answer=answer,
        intro="Vous avez perdu votre mot de passe ?",
        leave_url=url_for("password_reset.abandon"),
    ), (400 if errors else 200)


@blueprint.route("/code", methods=["GET", "POST"])
def code() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirect(url_for("password_reset.start"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            answer = rpc.call("identity", "verify_password_reset_code", flow["id"], value("code"))
        except InvalidInput as exc:
            errors = field_errors(exc)
        else:
            if answer["verified"]:
                return redirect(url_for("password_reset.new_password"))
            errors = {"code": [answer["message"]]}
    return render_template(
        "code.html",
        title="Code de vérification – Mot de passe oublié",
        heading="Saisissez le code de vérification",
        sent_to=session.get("code_sent_to"),
        note=session.get("code_note"),
        resend_url=url_for("password_reset.channel"),
        leave_url=url_for("password_reset.abandon"),
        leave_label="Abandonner",
        errors=errors,
        labels=LABELS,
    ), (400 if errors else 200)


@blueprint.route("/nouveau", methods=["GET", "POST"])
def new_password() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirect(url_for("password_reset.start"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            answer = rpc.call(
                "identity",
                "complete_password_reset",
                flow["id"],
                request.form.get("password", ""),
                request.form.get("confirmation", ""),
            )
        except InvalidInput as exc:
            errors = field_errors(exc)
        else:
            if answer["outcome"] == "password_changed":
                for key in (FLOW, "code_sent_to", "code_note"):
                    session.pop(key, None)
                return render_template(
                    "message.html",
                    title="Nouveau mot de passe enregistré",
                    message="Votre mot de passe a été modifié avec succès.",
                    login_link=True,
                )
            errors = {"_form": [answer.get("message") or "Veuillez recommencer."]}
    return render_template(
        "choose_password.html",
        title="Nouveau mot de passe – Mot de passe oublié",
        heading="Mot de passe oublié",
        errors=errors,
        labels=LABELS,
        leave_url=url_for("password_reset.abandon"),
        leave_label="Abandonner",
    ), (400 if errors else 200)
