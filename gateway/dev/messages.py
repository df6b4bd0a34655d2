"""``/dev/messages``: what the development mailbox received (mails, SMS) and the letters of the
print spool as PDF. Registered only when DEV_MAILBOX is on, which the settings refuse outside
development and test."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from .mailbox.store import MessageBox

blueprint = Blueprint("dev_messages", __name__, url_prefix="/dev", template_folder="templates")


@blueprint.route("/messages")
def messages() -> Any:
    settings = current_app.config["GATEWAY_SETTINGS"]
    letters = []
    if settings.letters_dir.is_dir():
        letters = sorted(
            (p for p in settings.letters_dir.rglob("*.pdf")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )[:50]
    return render_template(
        "dev/messages.html",
        title="Boîte de réception de développement",
        messages=MessageBox(settings.mailbox_dir).messages(),
        letters=[p.relative_to(settings.letters_dir).as_posix() for p in letters],
    )


@blueprint.route("/courriers/<path:name>")
def letter(name: str) -> Any:
    settings = current_app.config["GATEWAY_SETTINGS"]
    if not name.endswith(".pdf"):
        abort(404)
    return send_from_directory(settings.letters_dir, name, mimetype="application/pdf")
