"""CRÉER MON COMPTE: introduction, état civil (with or without NIR), identity document (and the
« Absence de pièce d'identité » warning), coordonnées de contact, code, mot de passe,
récapitulatif, and « Quitter » on every step (the registration is ended in identity and nothing of
the form is kept). The seed's benefit-request code travels from the entry page
(``/connexion?prestation=ALS`` or ``?demande=ALS``, configured codes only: pages/benefit.py).

État civil waits, sealed in the session, for the identity document step: identity's
``start_registration`` takes both at once.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Blueprint, render_template, request, session, url_for

from connexion_client import InvalidInput
from gateway import redirects
from gateway.clients import identity

from .. import pending
from ..forms import captcha_answer, field_errors, new_captcha, submitted, value
from . import benefit

blueprint = Blueprint("registration", __name__, url_prefix="/creer-mon-compte")

JOURNEY = "registration"
REGISTRATION_ID = "registration_id"
CIVIL_FIELDS = (
    "nir", "civility", "birth_name", "first_names", "usage_name", "birth_date",
    "birth_place_in_france", "birth_place_department", "birth_place_commune",
    "birth_place_country", "birth_place_city", "resides_in_france", "postal_code",
    "parent_1_birth_name", "parent_1_first_names", "parent_2_birth_name", "parent_2_first_names",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "identity_document_type",
    "identity_document_number",
    "identity_document_issue_date",
)
LABELS = {
    "nir": "Numéro de Sécurité sociale",
    "has_nir": "Numéro de Sécurité sociale",
    "civility": "Civilité",
    "birth_name": "Nom de naissance",
    "first_names": "Prénom(s)",
    "usage_name": "Nom d'usage",
    "birth_date": "Date de naissance",
    "birth_place_in_france": "Lieu de naissance",
    "birth_place_department": "Département de naissance",
    "birth_place_commune": "Commune de naissance",
    "birth_place_country": "Pays de naissance",
    "birth_place_city": "Ville de naissance",
    "resides_in_france": "Résidence en France",
    "postal_code": "Lieu de résidence (mon code postal actuel)",
    "parent_1_birth_name": "Nom de naissance du parent 1",
    "parent_1_first_names": "Prénom(s) du parent 1",
    "parent_2_birth_name": "Nom de naissance du parent 2",
    "parent_2_first_names": "Prénom(s) du parent 2",
    "parent_1": "Parent 1",
    "parent_2": "Parent 2",
    "captcha_answer": "Vérification de sécurité",
    "audio_answer": "Vérification audio",
    "identity_document_type": "Pièce d'identité",
    "identity_document_number": "Numéro de la pièce",
    "identity_document_issue_date": "Date de délivrance",
    "channel": "Choix de réception",
    "address": "Numéro de téléphone portable ou adresse mail",
    "confirmation": "Confirmation",
    "registration_id": "Création de compte",
    "code": "Code de vérification",
    "password": "Mot de passe",
    "benefit_request": "Demande de prestation",
    "_form": "Formulaire",
}
SEND_ALIASES = {"address": "address", "confirmation": "confirmation"}
#: what the journey keeps in the session between steps; « Quitter » drops all of it
JOURNEY_KEYS = (REGISTRATION_ID, "code_sent_to", "code_note", "supporting_documents_required")


@blueprint.route("")
def introduction() -> Any:
    benefit.hold(request.args.get("demande"))  # a configured code only
    return render_template("registration/introduction.html", title="Créer Mon Compte")


@blueprint.route("/quitter", methods=["POST"])
def leave() -> Any:
    """« Quitter » on any step: identity ends the registration (its form is shredded there), and
    the portal forgets the état civil waiting in the session and the pending benefit request."""
    registration_id = session.get(REGISTRATION_ID)
    if registration_id:
        with contextlib.suppress(InvalidInput):  # already completed or unknown: nothing to end
            identity.abandon_registration(registration_id)
    pending.forget(JOURNEY)
    for key in JOURNEY_KEYS:
        session.pop(key, None)
    benefit.forget()
    return render_template("registration/abandoned.html", title="Création de compte abandonnée")


@blueprint.route("/etat-civil", methods=["GET", "POST"])
def civil_status() -> Any:
    has_nir = request.values.get("nir_connu", "oui") != "non"
    errors: dict[str, list[str]] = {}
    values = pending.pending(JOURNEY) if request.method == "GET" else {}
    if request.method == "POST":
        values = {name: value(name) for name in CIVIL_FIELDS}
        values["has_nir"] = has_nir
        values["captcha"] = captcha_answer()
        if not values["captcha"]:
            errors["captcha_answer"] = [
                "Saisissez les caractères de l'image ou les chiffres entendus."
            ]
        else:
            pending.keep(JOURNEY, values)
            return redirects.to_page("registration.identity_document")
    return _civil_page(has_nir, values, errors)


def _civil_page(has_nir: bool, values: dict[str, Any], errors: dict[str, list[str]]) -> Any:
    return render_template(
        "registration/civil_status.html",
        title="État civil – Créer Mon Compte (étape 1 sur 3)",
        has_nir=has_nir,
        values=values,
        errors=errors,
        labels=LABELS,
        captcha=new_captcha(),
    ), (400 if errors else 200)


@blueprint.route("/piece-identite", methods=["GET", "POST"])
def identity_document() -> Any:
    civil = pending.pending(JOURNEY)
    if not civil:
        return redirects.to_page("registration.introduction")
    errors: dict[str, list[str]] = {}
    document = {name: value(name) for name in DOCUMENT_FIELDS}
    if request.method == "POST":
        if document["identity_document_type"] == "none" and "confirme" not in request.form:
            return render_template(
                "registration/no_document.html", title="Absence de pièce d'identité"
            )
        try:
            answer = identity.start_registration(_form(civil, document))
        except InvalidInput as exc:
            errors = field_errors(exc, {"captcha": "captcha_answer"})
            if any(
                name in errors
                for name in (*CIVIL_FIELDS, "captcha_answer", "parent_1", "parent_2", "has_nir")
            ):
                civil.pop("captcha", None)  # spent: a new one is drawn
                return _civil_page(bool(civil.get("has_nir")), civil, errors)
        else:
            if answer["outcome"] != "started":
                return render_template(
                    "registration/refused.html",
                    title="Création de compte impossible",
                    answer=answer,
                )
            pending.forget(JOURNEY)
            session[REGISTRATION_ID] = answer["registration_id"]
            session["supporting_documents_required"] = answer["supporting_documents_required"]
            return redirects.to_page("registration.contact")
    return render_template(
        "registration/identity_document.html",
        title="Pièce d'identité – Créer Mon Compte (étape 1 sur 3)",
        values=document,
        errors=errors,
        labels=LABELS,
    ), (400 if errors else 200)


def _form(civil: dict[str, Any], document: dict[str, str]) -> dict[str, Any]:
    in_france = civil.get("birth_place_in_france", "oui") != "non"
    form: dict[str, Any] = {
        "has_nir": bool(civil.get("has_nir")),
        "nir": civil.get("nir") or None if civil.get("has_nir") else None,
        "civility": civil.get("civility", ""),
        "birth_name": civil.get("birth_name", ""),
        "first_names": civil.get("first_names", ""),
        "usage_name": civil.get("usage_name") or None,
        "birth_date": civil.get("birth_date", ""),
        "birth_place": {"in_france": in_france}
        | (
            {
                "department": civil.get("birth_place_department") or None,
                "commune": civil.get("birth_place_commune") or None,
            }
            if in_france
            else {
                "country": civil.get("birth_place_country") or None,
                "city": civil.get("birth_place_city") or None,
            }
        ),
        "resides_in_france": civil.get("resides_in_france", "oui") != "non",
        "postal_code": civil.get("postal_code") or None,
        "identity_document": {
            "type": document["identity_document_type"] or "",
            "number": document["identity_document_number"] or None,
            "issue_date": document["identity_document_issue_date"] or None,
        },
        "benefit_request": benefit.recorded_request(),
        "captcha": civil.get("captcha"),
    }
    if not form["has_nir"]:
        for parent in ("parent_1", "parent_2"):
            form[parent] = {
                "birth_name": civil.get(f"{parent}_birth_name", ""),
                "first_names": civil.get(f"{parent}_first_names", ""),
            }
    return form


@blueprint.route("/coordonnees", methods=["GET", "POST"])
def contact() -> Any:
    registration_id = session.get(REGISTRATION_ID)
    if not registration_id:
        return redirects.to_page("registration.introduction")
    values = {name: value(name) for name in ("channel", "address", "confirmation")}
    answer, errors = submitted(
        lambda: identity.send_registration_code(
            registration_id, values["channel"] or "", values["address"], values["confirmation"]
        )
    )
    if answer is not None and answer["outcome"] == "sent":
        session["code_sent_to"] = answer["sent_to"]
        session["code_note"] = answer.get("message")  # identity's single-use note
        return redirects.to_page("registration.code")
    return render_template(
        "registration/contact.html",
        title="Coordonnées de contact – Créer Mon Compte (étape 1 sur 3)",
        values=values,
        errors=errors,
        labels=LABELS,
        answer=answer,
        supporting_documents_required=session.get("supporting_documents_required"),
    ), (400 if errors else 200)


@blueprint.route("/code", methods=["GET", "POST"])
def code() -> Any:
    registration_id = session.get(REGISTRATION_ID)
    if not registration_id:
        return redirects.to_page("registration.introduction")
    answer, errors = submitted(
        lambda: identity.verify_registration_code(registration_id, value("code"))
    )
    if answer is not None:
        if answer["verified"]:
            return redirects.to_page("registration.password")
        errors = {"code": [answer["message"]]}
    return render_template(
        "code.html",
        title="Code de vérification – Créer Mon Compte (étape 2 sur 3)",
        heading="Je saisis le code de vérification",
        sent_to=session.get("code_sent_to"),
        note=session.get("code_note"),
        resend_url=url_for("registration.contact"),
        leave_url=url_for("registration.leave"),
        leave_label="Quitter",
        errors=errors,
        labels=LABELS,
    ), (400 if errors else 200)


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
def password() -> Any:
    registration_id = session.get(REGISTRATION_ID)
    if not registration_id:
        return redirects.to_page("registration.introduction")
    answer, errors = submitted(
        lambda: identity.complete_registration(
            registration_id, request.form.get("password", ""), request.form.get("confirmation", "")
        )
    )
    if answer is not None:
        if answer["outcome"] == "created":
            for key in JOURNEY_KEYS:
                session.pop(key, None)
            return render_template(
                "registration/summary.html",
                title="Récapitulatif de ma création de compte",
                account=answer,
                benefit_code=benefit.pending(),
            )
        errors = {"_form": [answer.get("message") or "La création du compte n'a pas abouti."]}
    return render_template(
        "registration/password.html",
        title="Choisir son mot de passe – Créer Mon Compte (étape 3 sur 3)",
        errors=errors,
        labels={**LABELS, "confirmation": "Confirmation mot de passe"},
    ), (400 if errors else 200)
