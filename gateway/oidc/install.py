"""Mounts Caf connect on the portal's application: ``install(app, settings)`` (gateway/app.py)."""

from __future__ import annotations

from flask import Flask

from gateway.settings import GatewaySettings

from . import pages
from .keys import SigningKeys
from .server import CafConnect


def install(app: Flask, settings: GatewaySettings) -> None:
    """The authorization server (before the HTTP API, which uses it) and its pages."""
    issuer = settings.public_url.rstrip("/")
    CafConnect(
        app,
        settings.api_clients,
        SigningKeys.from_setting(settings.signing_keys()),
        issuer,
        api_audience=issuer + "/api/v1",
        ttl_s=settings.api_token_ttl_s,
    )
    pages.install(app)
