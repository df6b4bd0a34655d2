"""``python -m gateway``: the portal on GATEWAY_PORT (8080), served by eventlet's WSGI server
until SIGTERM or SIGINT (graceful stop: gateway/serving.py).

eventlet, because the RPC client (nameko's standalone proxies) is eventlet-based: one green
thread per request, the RPC replies wait without blocking the others (docs/architecture.md).
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

from . import server
from .app import create_app
from .settings import GatewaySettings


def main() -> None:
    shared.runtime.bootstrap.check()
    server.main("gateway", GatewaySettings.from_env, create_app, "portal")


if __name__ == "__main__":
    main()
