"""``python -m console``: the agents' console on CONSOLE_PORT (8092), served by eventlet's WSGI
server (the portal's, gateway/server.py: graceful stop, no banner) until SIGTERM or SIGINT."""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import logging
import sys

import eventlet

from gateway import server
from shared.runtime.logging_setup import configure_logging
from shared.runtime.settings import SettingsError

from .app import create_app
from .settings import ConsoleSettings

log = logging.getLogger("console")


def main() -> None:
    shared.runtime.bootstrap.check()
    try:
        settings = ConsoleSettings.from_env("console")
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings.log_level)
    app = create_app(settings)
    listener = eventlet.listen((settings.bind, settings.port))
    log.info(
        "agents' console on %s (bound to %s:%s)", settings.public_url, settings.bind, settings.port
    )
    server.run(listener, app)


if __name__ == "__main__":
    main()
