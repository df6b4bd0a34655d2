"""The portal's application factory: settings, RPC client, security, pages.

>>> app = create_app(GatewaySettings.from_mapping({"ENVIRONMENT": "development"}, "gateway"))
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

from flask import Flask

from connexion_client import ConnexionClient

from . import errors, layout, metrics, rpc, security
from .api.install import install as install_api
from .pages import (
    account,
    captcha,
    connexion,
    dev_messages,
    franceconnect,
    health,
    legal,
    password_reset,
    recovery,
    registration,
)
from .settings import GatewaySettings


def create_app(settings: GatewaySettings, client: ConnexionClient | None = None) -> Flask:
    """The portal, calling the services through ``client`` (if none: one made from AMQP_URI, as
    the broker user BROKER_CALLER)."""
    app = Flask(__name__)
    app.config["GATEWAY_SETTINGS"] = settings
    rpc.install(
        app,
        client
        or ConnexionClient(
            settings.amqp_uri, caller=settings.broker_caller, timeout=settings.rpc_timeout_s
        ),
    )
    security.install(app, settings)
    layout.install(app, settings)
    errors.install(app)
    metrics.install(app)  # /metrics, and every request timed by route family
    for blueprint in (
        connexion.blueprint,
        franceconnect.blueprint,
        account.blueprint,
        registration.blueprint,
        password_reset.blueprint,
        recovery.blueprint,
        captcha.blueprint,
        health.blueprint,
        legal.blueprint,
    ):
        app.register_blueprint(blueprint)
    if settings.dev_mailbox:  # settings refuse it outside development and test
        app.register_blueprint(dev_messages.blueprint)
    install_api(app, settings)  # /api/v1/: after the portal's error pages, whose 404 it wraps
    return app
