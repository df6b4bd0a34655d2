"""Mounts ``/api/v1/`` on the portal's application: ``install(app, settings)`` (gateway/app.py).

The token endpoint and the OpenAPI document are the only addresses a client reaches without a
bearer token.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app

from gateway import rpc
from gateway.oidc.server import CafConnect
from gateway.security import csrf
from gateway.settings import GatewaySettings

from . import account, journeys, openapi, problems  # noqa: F401 - declare the operations
from .oauth import EXTENSION as OAUTH
from .oauth import ApiOAuth
from .operations import blueprint

problems.register(blueprint)


@blueprint.after_request
def request_id(response: Response) -> Response:
    """The request's correlation id, for the client's support tickets (in our logs and events)."""
    response.headers["X-Request-Id"] = rpc.correlation_id()
    return response


@blueprint.route("/oauth/token", methods=["POST"])
def token() -> Any:
    """OAuth 2 client credentials (RFC 6749 §4.4), by authlib."""
    return current_app.extensions[OAUTH].token_response()


@blueprint.route("/openapi.json", methods=["GET"])
def openapi_document() -> Any:
    return Response(current_app.extensions["connexion_api_document"], mimetype="application/json")


def install(app: Flask, settings: GatewaySettings) -> None:
    """Mounts ``/api/v1/`` (after the portal's error pages: it wraps their 404 and 405)."""
    audience = settings.public_url.rstrip("/") + openapi.PREFIX
    ApiOAuth(app, CafConnect.of(app), audience)  # gateway/oidc/ installed it first
    app.extensions["connexion_api_document"] = openapi.rendered()
    app.register_blueprint(blueprint)
    csrf.exempt(blueprint)  # CSRF tokens protect browser forms; API calls carry a bearer token
    problems.install(app)
