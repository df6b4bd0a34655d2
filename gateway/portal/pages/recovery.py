"""Identifiant provisoire oublié: nom de naissance, prénoms, date de naissance, captcha → channel
→ code → the provisional identifier is sent to the contact on file, never shown here (the code
steps: code_on_file.py)."""

from __future__ import annotations

from typing import Any

from flask import render_template, session

from gateway.clients import identity

from .code_on_file import Answer, CodeOnFileJourney, blueprint_for

FLOW = "recovery"


def _identifier_sent(answer: Answer) -> Any:
    if answer["outcome"] not in ("identifier_sent", "nir_assigned"):
        return None
    session.pop(FLOW, None)
    return render_template(
        "message.html",
        title="Identifiant provisoire envoyé",
        message=answer["message"],
        login_link=True,
    )


# fmt: off
JOURNEY = CodeOnFileJourney(
    "recovery", "/identifiant-provisoire-oublie", "Identifiant provisoire oublié",
    fields={"birth_name": "Nom de naissance", "first_names": "Prénom(s)",
            "birth_date": "Date de naissance"},
    flow=FLOW, start=identity.start_identifier_recovery, flow_id="recovery_id",
    send=identity.send_identifier_recovery_code, enter_code=identity.complete_identifier_recovery,
    accepted=_identifier_sent,
)
# fmt: on
blueprint = blueprint_for(JOURNEY)
