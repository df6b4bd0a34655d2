"""The gateway's application factory: the shared pieces (settings, RPC client, security, health
probes), then the portal (gateway/portal/), the HTTP API (gateway/api/) and, in development
only, the development tools (gateway/dev/).

>>> app = create_app(GatewaySettings.from_mapping({"ENVIRONMENT": "development"}, "gateway"))
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

from flask import Flask

from connexion_client import ConnexionClient
from shared.runtime import broker_tls

from . import edge, health, limits, metrics, portal, rpc, security, sessions
from .api.install import install as install_api
from .oidc.install import install as install_oidc
from .settings import GatewaySettings


def create_app(settings: GatewaySettings, client: ConnexionClient | None = None) -> Flask:
    """The gateway, calling the services through ``client`` (if none: one made from AMQP_URI, as
    the broker user BROKER_CALLER)."""
    app = Flask(__name__, template_folder=portal.TEMPLATES, static_folder=portal.STATIC)
    app.config["GATEWAY_SETTINGS"] = settings
    rpc.install(
        app,
        client
        or ConnexionClient(
            settings.amqp_uri,
            caller=settings.broker_caller,
            timeout=settings.rpc_timeout_s,
            ssl=broker_tls.ssl_options(settings.amqp_uri, settings.amqp_ca_file),
        ),
    )
    edge.install(app)
    limits.install(app, settings)  # before CSRF: a forged form counts too
    security.install(app, settings)
    sessions.install(app, settings)
    metrics.install(app)  # /metrics, and every request timed by route family
    portal.install(app, settings)
    app.register_blueprint(health.blueprint)
    if settings.dev_mailbox:  # settings refuse it outside development and test
        from . import dev  # never imported in production (absent from the image)

        dev.install(app)
    install_oidc(app, settings)  # Caf connect: the one authorization server, before the API's
    install_api(app, settings)  # /api/v1/: after the portal's error pages, whose 404 it wraps
    return app
