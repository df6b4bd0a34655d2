"""The citizen portal « Mon Compte »: its pages (one blueprint per journey of the seed), their
templates and static files, the shared layout and the French error pages.

``install(app, settings)`` mounts it on the gateway's application (gateway/app.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from gateway.settings import GatewaySettings

from . import errors, layout
from .pages import (
    account,
    captcha,
    connexion,
    franceconnect,
    legal,
    password_reset,
    passwords,
    recovery,
    registration,
)

FOLDER = Path(__file__).resolve().parent
#: The application's template and static folders (Flask serves ``/static/`` from here).
TEMPLATES = FOLDER / "templates"
STATIC = FOLDER / "static"


def install(app: Flask, settings: GatewaySettings) -> None:
    layout.install(app, settings)
    errors.install(app)
    for blueprint in (
        connexion.blueprint,
        franceconnect.blueprint,
        account.blueprint,
        registration.blueprint,
        password_reset.blueprint,
        passwords.blueprint,
        recovery.blueprint,
        captcha.blueprint,
        legal.blueprint,
    ):
        app.register_blueprint(blueprint)
