"""A code to a contact on file, as pages: the journeys that first name the person (MOT DE PASSE
OUBLIÉ, Identifiant provisoire oublié), then offer the masked channels on file, send a code to
the chosen one (« Recevoir mon code ») and take it back, « demandez un nouveau code » sending
another. One flow serves both, like identity's journey of the same name
(services/identity/identity/journeys/code_on_file.py); each journey says how it starts, how its
code is sent and entered, and what follows an accepted code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, session, url_for

from gateway import redirects

from ..forms import captcha_answer, new_captcha, submitted, value

Answer = dict[str, Any]

#: The labels of the steps every journey shares (the error summary names the fields with them).
STEP_LABELS = {
    "captcha_answer": "Vérification de sécurité",
    "audio_answer": "Vérification audio",
    "channel": "Moyen de réception",
    "code": "Code de vérification",
    "_form": "Formulaire",
}


@dataclass(frozen=True)
class CodeOnFileJourney:
    """One journey of the flow: its blueprint's name and address, its wording and its calls."""

    name: str  # the blueprint: "password_reset" -> /…/envoi is "password_reset.channel"
    url_prefix: str
    title: str  # « Mot de passe oublié »: every step's title ends with it
    fields: dict[str, str]  # the start form's fields and labels, in the order ``start`` takes
    flow: str  # the session's key of the flow: {"id", "channels"}
    start: Callable[..., Answer]  # (*fields, captcha) -> {<flow id>, channels, message}
    flow_id: str  # the start answer's id: "reset_id", "recovery_id"
    send: Callable[[str, str], Answer]  # (flow id, channel) -> {outcome, sent_to}
    enter_code: Callable[[str, str], Answer]  # (flow id, code) -> identity's answer
    accepted: Callable[[Answer], Any]  # the code's answer -> the next page, or None: refused
    #: the seed's exit on every step (« Abandonner » on Mot de passe oublié): the endpoint of the
    #: journey's route that forgets it, or None
    leave: str | None = None
    channel_intro: str | None = None  # « Vous avez perdu votre mot de passe ? »

    @property
    def labels(self) -> dict[str, str]:
        return {**self.fields, **STEP_LABELS}


def blueprint_for(journey: CodeOnFileJourney) -> Blueprint:
    """The journey's pages: ``start`` (its form and the captcha), ``channel``, ``code``."""
    blueprint = Blueprint(journey.name, __name__, url_prefix=journey.url_prefix)

    def start() -> Any:
        values = {name: value(name) for name in journey.fields}
        answer, errors = submitted(
            lambda: journey.start(*values.values(), captcha_answer()), {"captcha": "captcha_answer"}
        )
        if answer is not None:
            session[journey.flow] = {"id": answer[journey.flow_id], "channels": answer["channels"]}
            if not answer["channels"]:
                return render_template(
                    "message.html", title=journey.title, message=answer["message"]
                )
            return redirects.to_page(f"{journey.name}.channel")
        return page(
            f"{journey.name}/start.html",
            journey.title,
            errors,
            values=values,
            captcha=new_captcha(),
        )

    def channel() -> Any:
        flow = session.get(journey.flow)
        if not flow:
            return redirects.to_page(f"{journey.name}.start")
        answer, errors = submitted(lambda: journey.send(flow["id"], value("channel")))
        if answer is not None and answer["outcome"] == "sent":
            session["code_sent_to"] = answer["sent_to"]
            session["code_note"] = answer.get("message")  # identity's single-use note
            return redirects.to_page(f"{journey.name}.code")
        title = f"Réception du code – {journey.title}"
        return page(
            "channel.html",
            title,
            errors,
            channels=flow["channels"],
            answer=answer,
            intro=journey.channel_intro,
            leave_url=url_for(journey.leave) if journey.leave else None,
        )

    def code() -> Any:
        flow = session.get(journey.flow)
        if not flow:
            return redirects.to_page(f"{journey.name}.start")
        answer, errors = submitted(lambda: journey.enter_code(flow["id"], value("code")))
        if answer is not None:
            following = journey.accepted(answer)
            if following is not None:
                return following
            errors = {"code": [answer["message"]]}
        return page(
            "code.html",
            f"Code de vérification – {journey.title}",
            errors,
            heading="Saisissez le code de vérification",
            sent_to=session.get("code_sent_to"),
            note=session.get("code_note"),
            resend_url=url_for(f"{journey.name}.channel"),
            leave_url=url_for(journey.leave) if journey.leave else None,
            leave_label="Abandonner",
        )

    def page(template: str, title: str, errors: dict[str, list[str]], **context: Any) -> Any:
        shown = render_template(
            template, title=title, errors=errors, labels=journey.labels, **context
        )
        return shown, (400 if errors else 200)

    for rule, view in (("", start), ("/envoi", channel), ("/code", code)):
        blueprint.add_url_rule(rule, view.__name__, view, methods=["GET", "POST"])
    return blueprint
