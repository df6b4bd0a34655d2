"""Rate limits at the edge, by Flask-Limiter, beside lockout's (docs/security.md, "Edge limits").

Two counts, each over ``429`` with ``Retry-After``:

- **per source** (``RATE_LIMIT_PER_SOURCE``): every request of one address (the client's IP as
  ``client_ip`` reads it: ``X-Forwarded-For`` believed from ``TRUSTED_PROXIES`` only), the portal,
  the token endpoint and any API call without a valid bearer token;
- **per API client** (``RATE_LIMIT_PER_API_CLIENT``): the calls carrying a valid bearer token,
  counted per ``client_id`` instead of per address (a partner gateway's calls all come from its
  own servers: counting them per address would throttle all its users as one).

The keys are HMACs of the address or client id (the counts' storage never holds an address).
The health probes and the static files are not counted. With ``RATE_LIMIT_STORAGE_URI`` at its
default ``memory://`` each replica counts on its own (the ingress's limit holds in front: a
source gets at most replicas × the limit); ``redis://…`` shares the counts across replicas.

These limits bound the volume of requests; guessing passwords is lockout's (per identifier and
per source, exact across replicas, spec §6).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Flask, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RequestLimit

from .security import client_ip
from .settings import GatewaySettings

log = logging.getLogger("gateway")

EXTENSION = "connexion_rate_limits"
API_PREFIX = "/api/v1/"
#: Endpoints never counted: the probes (the kubelet calls them), the metrics (Prometheus scrapes
#: them) and the static files.
NOT_COUNTED = frozenset({"health.live", "health.ready", "metrics", "static", "pico", "theme"})


def install(app: Flask, settings: GatewaySettings) -> Limiter:
    assert settings.secret_key is not None  # settings refuse to start without one
    key = hmac.new(settings.secret_key, b"edge rate limit keys", hashlib.sha256).digest()

    def hashed(kind: str, value: str) -> str:
        return kind + ":" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def source_key() -> str:
        return hashed("source", client_ip(current_app.config["TRUSTED_PROXIES"]))

    def client_key() -> str:
        return hashed("client", api_client_id() or "")

    limiter = Limiter(
        source_key,
        app=app,
        application_limits=[
            ApplicationLimit(
                settings.rate_limit_per_source,
                key_function=source_key,
                scope="source",
                exempt_when=lambda: not_counted() or api_client_id() is not None,
            ),
            ApplicationLimit(
                settings.rate_limit_per_api_client,
                key_function=client_key,
                scope="api-client",
                exempt_when=lambda: not_counted() or api_client_id() is None,
            ),
        ],
        headers_enabled=True,  # Retry-After on a 429 (and X-RateLimit-* on every answer)
        retry_after="delta-seconds",
        storage_uri=settings.rate_limit_storage_uri,
        strategy="moving-window",
        on_breach=_breached,
        key_prefix="gateway",
    )
    # flask-limiter logs each breach with its key: ours says which count, never whose
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    app.extensions[EXTENSION] = limiter
    return limiter


def not_counted() -> bool:
    return request.endpoint in NOT_COUNTED


def api_client_id() -> str | None:
    """The client of a valid bearer token on an API call (checked once per request), or None."""
    if "edge_api_client" not in g:
        g.edge_api_client = _verified_client_id()
    client: str | None = g.edge_api_client
    return client


def _verified_client_id() -> str | None:
    if not request.path.startswith(API_PREFIX) or "Authorization" not in request.headers:
        return None
    oauth = current_app.extensions.get("connexion_api_oauth")
    if oauth is None:
        return None
    client_id: str | None = oauth.verified_client_id()
    return client_id


def _breached(limit: RequestLimit) -> None:
    # which count, never whose: the key is an address or a client
    scope = "api client" if "api-client" in limit.request_args else "source"
    log.warning("edge rate limit reached (%s, %s)", scope, limit.limit)
