"""Identifiant provisoire oublié: nom de naissance, prénoms, date de naissance, captcha → channel
→ code → the provisional identifier is sent to the contact on file (never shown here)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from connexion_client import InvalidInput

from .. import rpc
from ..forms import captcha_answer, field_errors, new_captcha, value

blueprint = Blueprint("recovery", __name__, url_prefix="/identifiant-provisoire-oublie")

FLOW = "recovery"
FIELDS = ("birth_name", "first_names", "birth_date")
LABELS = {
    "birth_name": "Nom de naissance",
    "first_names": "Prénom(s)",
    "birth_date": "Date de naissance",
    "captcha_answer": "Vérification de sécurité",
    "audio_answer": "Vérification audio",
    "channel": "Moyen de réception",
    "code": "Code de vérification",
    "_form": "Formulaire",
}


@blueprint.route("", methods=["GET", "POST"])
def start() -> Any:
    errors: dict[str, list[str]] = {}
    values = {name: value(name) for name in FIELDS}
    if request.method == "POST":
        try:
            answer = rpc.call(
                "identity", "start_identifier_recovery", *values.values(), captcha_answer()
            )
        except InvalidInput as exc:
            errors = field_errors(exc, {"captcha": "captcha_answer"})
        else:
            session[FLOW] = {"id": answer["recovery_id"], "channels": answer["channels"]}
            if not answer["channels"]:
                return render_template(
                    "message.html", title="Identifiant provisoire oublié", message=answer["message"]
                )
            return redirect(url_for("recovery.channel"))
    return render_template(
        "recovery/start.html",
        title="Identifiant provisoire oublié",
        values=values,
        errors=errors,
        labels=LABELS,
        captcha=new_captcha(),
    ), (400 if errors else 200)


@blueprint.route("/envoi", methods=["GET", "POST"])
def channel() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirect(url_for("recovery.start"))
    errors: dict[str, list[str]] = {}
    answer = None
    if request.method == "POST":
        try:
            answer = rpc.call(
                "identity", "send_identifier_recovery_code", flow["id"], value("channel")
            )
        except InvalidInput as exc:
            errors = field_errors(exc)
        else:
            if answer["outcome"] == "sent":
                session["code_sent_to"] = answer["sent_to"]
                return redirect(url_for("recovery.code"))
    return render_template(
        "channel.html",
        title="Réception du code – Identifiant provisoire oublié",
        channels=flow["channels"],
        errors=errors,
        labels=LABELS,
        answer=answer,
    ), (400 if errors else 200)


@blueprint.route("/code", methods=["GET", "POST"])
def code() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirect(url_for("recovery.start"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            answer = rpc.call("identity", "complete_identifier_recovery", flow["id"], value("code"))
        except InvalidInput as exc:
            errors = field_errors(exc)
        else:
            if answer["outcome"] in ("identifier_sent", "nir_assigned"):
                session.pop(FLOW, None)
                return render_template(
                    "message.html",
                    title="Identifiant provisoire envoyé",
                    message=answer["message"],
                    login_link=True,
                )
            errors = {"code": [answer["message"]]}
    return render_template(
        "code.html",
        title="Code de vérification – Identifiant provisoire oublié",
        heading="Saisissez le code de vérification",
        sent_to=session.get("code_sent_to"),
        resend_url=url_for("recovery.channel"),
        errors=errors,
        labels=LABELS,
    ), (400 if errors else 200)
