"""What every page shares: the demonstration banner, the theme, the contrast choice, titles.

A page's ``<title>`` names its step and, when the form came back with errors, how many
(RGAA 8.6): ``Erreur : 2 champs à corriger – État civil – Créer Mon Compte``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, request, send_from_directory, session

from gateway.settings import GatewaySettings

CONTRAST_COOKIE = "affichage"
PARIS = ZoneInfo("Europe/Paris")
SITE_NAME = "Mon Compte"


def page_title(title: str, errors: dict[str, list[str]] | None = None) -> str:
    """>>> page_title("Connexion", {"password": ["…"]})
    'Erreur : 1 champ à corriger – Connexion – Mon Compte'
    """
    count = len(errors or {})
    prefix = ""
    if count == 1:
        prefix = "Erreur : 1 champ à corriger – "
    elif count > 1:
        prefix = f"Erreur : {count} champs à corriger – "
    return f"{prefix}{title} – {SITE_NAME}"


def french_datetime(value: str | None) -> str:
    """>>> french_datetime("2024-03-04T16:53:00+00:00")
    '04/03/2024 à 17h53'
    """
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(PARIS)
    return moment.strftime("%d/%m/%Y à %Hh%M")


def french_date(value: str | None) -> str:
    """>>> french_date("1963-06-01")
    '01/06/1963'
    """
    if not value:
        return ""
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value


def install(app: Flask, settings: GatewaySettings) -> None:
    vendor = Path(__file__).resolve().parent / "node_modules" / "@picocss" / "pico" / "css"

    @app.route("/static/vendor/pico.min.css")
    def pico() -> Any:
        # Installed by npm ci (package-lock.json), never copied into the repository.
        return send_from_directory(vendor, "pico.min.css", max_age=3600)

    if settings.theme_dir is not None:
        theme_dir = settings.theme_dir

        @app.route("/theme/<path:name>")
        def theme(name: str) -> Any:
            return send_from_directory(theme_dir, name, max_age=3600)

    app.add_template_filter(french_datetime)
    app.add_template_filter(french_date)

    @app.context_processor
    def shared() -> dict[str, Any]:
        return {
            "demonstration": settings.shows_demonstration_banner,
            "agency_theme": settings.theme_dir is not None,
            "high_contrast": request.cookies.get(CONTRAST_COOKIE) == "contraste",
            "page_title": page_title,
            "dev_mailbox": settings.dev_mailbox,
            "errors": {},
            "signed_in": "token" in session,
            "session_expires_at": g.get("session_expires_at"),
            "session_warning_s": settings.session_warning_s,
        }
