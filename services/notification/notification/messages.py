"""French messages: one Jinja2 template per kind and channel, under ``templates/``.

Each template defines a ``body`` block and, except SMS, a ``subject`` block. What a template may
show is exactly what :meth:`MessageComposer.compose` hands it: the recipient's name and
civility, the code or identifier being delivered, and non-secret details (expiry, freeze end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .branding import Branding
from .contacts import Recipient

TEMPLATES = Path(__file__).parent / "templates"

PURPOSE_PHRASES = {
    "registration": "pour sécuriser la création de votre compte",
    "password_reset": "pour choisir votre nouveau mot de passe",
    "identifier_recovery": "pour retrouver votre identifiant provisoire",
    "contact_change": "pour confirmer vos nouvelles coordonnées de contact",
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class MessageComposer:
    """Renders the message of a delivery.

    >>> composer = MessageComposer()
    >>> recipient = Recipient("sms", "0612345678")
    >>> composer.compose("password_changed", recipient, {}).body[:27]
    'Mon Compte (démonstration) '
    """

    def __init__(self, timezone: str = "Europe/Paris", branding: Branding | None = None) -> None:
        self.timezone = ZoneInfo(timezone)
        self.branding = branding or Branding()
        self.environment = Environment(
            loader=FileSystemLoader(TEMPLATES),
            undefined=StrictUndefined,  # a missing variable is a bug, never an empty string
            autoescape=False,  # noqa: S701 - plain text (e-mail, SMS, PDF), never HTML
            trim_blocks=True,
            keep_trailing_newline=True,  # partials end their own lines
        )

    def compose(self, kind: str, recipient: Recipient, details: dict[str, Any]) -> Message:
        """``details``: the unsealed secret (``code`` or ``identifier``) and the delivery's
        plain details (``purpose``, ``expires_at``, ``frozen_until``, ``duration_s``,
        ``reason``)."""
        template = self.environment.get_template(f"{kind}.{recipient.channel}.j2")
        context = template.new_context(self._variables(recipient, details))
        subject = ""
        if "subject" in template.blocks:
            subject = "".join(template.blocks["subject"](context)).strip()
        body = _tidy("".join(template.blocks["body"](context)))
        return Message(
            subject=subject,
            body=self.branding.body(body, recipient.channel),
        )

    def _variables(self, recipient: Recipient, details: dict[str, Any]) -> dict[str, Any]:
        variables = dict(details)
        variables["brand"] = self.branding
        variables["salutation"] = salutation(recipient.display_name)
        variables["letter_salutation"] = letter_salutation(recipient.civility)
        variables["purpose_phrase"] = PURPOSE_PHRASES.get(str(details.get("purpose")), "")
        for name in ("expires_at", "frozen_until"):
            if details.get(name):
                variables[name] = self.local_time(details[name])
        if details.get("duration_s"):
            variables["duration"] = french_duration(int(details["duration_s"]))
        return variables

    def local_time(self, value: datetime | str) -> str:
        """``27/11/2026 à 10h23`` in the agency's time zone."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        local = moment.astimezone(self.timezone)
        return f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"


def salutation(display_name: str | None) -> str:
    return f"Bonjour {display_name}," if display_name else "Bonjour,"


def letter_salutation(civility: str | None) -> str:
    return {"M": "Monsieur,", "Mme": "Madame,"}.get(civility or "", "Madame, Monsieur,")


def french_duration(seconds: int) -> str:
    """>>> french_duration(600), french_duration(3600), french_duration(86400)
    ('10 minutes', '1 heure', '24 heures')"""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} heure{'s' if hours > 1 else ''}"
    minutes = -(-seconds // 60)  # a started minute counts: never announce less than is left
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def _tidy(text: str) -> str:
    """Templates are written for reading; messages keep at most one blank line in a row."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
