"""Development tools, never part of a production gateway: the development mailbox
(``python -m gateway.dev.mailbox``), its page ``/dev/messages`` and the demonstration household
(``python -m gateway.dev.demo_household``). The gateway imports this package only when
DEV_MAILBOX is on, which the settings refuse outside ENVIRONMENT development and test; the
image leaves it out (.dockerignore).
"""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """``/dev/messages``: what the development mailbox received."""
    from .messages import blueprint

    app.register_blueprint(blueprint)
