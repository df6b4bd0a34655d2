"""MOT DE PASSE OUBLIÉ: NIR + nom de naissance + captcha → channel among the masked ones → code →
new password → « Nouveau mot de passe enregistré » (the code steps: code_on_file.py);
« Abandonner » on every step forgets the journey. Also the campaign's way in (« Accéder au
changement de mot de passe »), which ends the current session first: a stolen password must not
renew itself, the code goes to the contacts on file.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, session, url_for

from gateway import redirects, sessions
from gateway.clients import identity

from ..forms import submitted
from .code_on_file import Answer, CodeOnFileJourney, blueprint_for

FLOW = "reset"
PASSWORD_LABELS = {
    "password": "Nouveau mot de passe",
    "confirmation": "Confirmation du nouveau mot de passe",
}
#: what the journey keeps in the session; « Abandonner » and the end drop it
JOURNEY_KEYS = (FLOW, "code_sent_to", "code_note")


def _verified(answer: Answer) -> Any:
    return redirects.to_page("password_reset.new_password") if answer["verified"] else None


# fmt: off
JOURNEY = CodeOnFileJourney(
    "password_reset", "/mot-de-passe-oublie", "Mot de passe oublié",
    fields={"nir": "Numéro de Sécurité sociale", "birth_name": "Nom de naissance"},
    flow=FLOW, start=identity.start_password_reset, flow_id="reset_id",
    send=identity.send_password_reset_code, enter_code=identity.verify_password_reset_code,
    accepted=_verified, leave="password_reset.abandon",
    channel_intro="Vous avez perdu votre mot de passe ?",
)
# fmt: on
blueprint = blueprint_for(JOURNEY)


@blueprint.route("/abandonner", methods=["POST"])
def abandon() -> Any:
    """« Abandonner »: the journey is forgotten (its code, if one was sent, dies unused)."""
    for key in JOURNEY_KEYS:
        session.pop(key, None)
    return redirects.to_page("connexion.login")


@blueprint.route("/depuis-la-campagne", methods=["POST"])
def from_campaign() -> Any:
    held = sessions.token()
    sessions.close_session()
    if held:
        identity.logout(held)
    return redirects.to_page("password_reset.start")


@blueprint.route("/nouveau", methods=["GET", "POST"])
def new_password() -> Any:
    flow = session.get(FLOW)
    if not flow:
        return redirects.to_page("password_reset.start")
    answer, errors = submitted(
        lambda: identity.complete_password_reset(
            flow["id"], request.form.get("password", ""), request.form.get("confirmation", "")
        )
    )
    if answer is not None:
        if answer["outcome"] == "password_changed":
            for key in JOURNEY_KEYS:
                session.pop(key, None)
            return render_template(
                "message.html",
                title=answer["message"],  # « Nouveau mot de passe enregistré »
                message="Votre mot de passe a été modifié avec succès.",
                login_link=True,
            )
        errors = {"_form": [answer.get("message") or "Veuillez recommencer."]}
    return render_template(
        "choose_password.html",
        title="Nouveau mot de passe – Mot de passe oublié",
        heading="Mot de passe oublié",
        errors=errors,
        labels={**JOURNEY.labels, **PASSWORD_LABELS},
        leave_url=url_for("password_reset.abandon"),
        leave_label="Abandonner",
    ), (400 if errors else 200)
