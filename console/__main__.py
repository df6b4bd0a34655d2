"""``python -m console``: the agents' console on CONSOLE_PORT (8092), served by eventlet's WSGI
server (the portal's, gateway/server.py: graceful stop, no banner) until SIGTERM or SIGINT."""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

from gateway import server

from .app import create_app
from .settings import ConsoleSettings


def main() -> None:
    shared.runtime.bootstrap.check()
    server.main("console", ConsoleSettings.from_env, create_app, "agents' console")


if __name__ == "__main__":
    main()
