"""``python -m gateway``: the portal on GATEWAY_PORT (8080), served by eventlet's WSGI server
until SIGTERM or SIGINT (graceful stop: gateway/serving.py).

eventlet, because the RPC client (nameko's standalone proxies) is eventlet-based: one green
thread per request, the RPC replies wait without blocking the others (docs/architecture.md).
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import logging
import sys

import eventlet

from shared.runtime.logging_setup import configure_logging
from shared.runtime.settings import SettingsError

from . import server
from .app import create_app
from .settings import GatewaySettings

log = logging.getLogger("gateway")


def main() -> None:
    shared.runtime.bootstrap.check()
    try:
        settings = GatewaySettings.from_env("gateway")
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    configure_logging(settings.log_level)
    app = create_app(settings)
    listener = eventlet.listen((settings.bind, settings.port))
    log.info("portal on %s (bound to %s:%s)", settings.public_url, settings.bind, settings.port)
    server.run(listener, app)  # until SIGTERM or SIGINT, then the requests in progress finish


if __name__ == "__main__":
    main()
