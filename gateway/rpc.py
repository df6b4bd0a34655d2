"""The application's RPC client and the request's correlation id, under the typed clients
(gateway/clients/): pages and the API call ``identity.login(…)``, which comes here.

>>> rpc.call("lockout", "new_captcha")                               # doctest: +SKIP
{'captcha_id': '…', 'image_png_base64': '…'}
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask, current_app, g, request

from connexion_client import ConnexionClient

from .metrics import timed_rpc

EXTENSION = "connexion_client"


def install(app: Flask, client: ConnexionClient) -> None:
    app.extensions[EXTENSION] = client


def client() -> ConnexionClient:
    return current_app.extensions[EXTENSION]


def correlation_id() -> str:
    """The request's id: kept across the RPC calls of one page, shown in error pages."""
    if "correlation_id" not in g:
        given = request.headers.get("X-Request-Id", "")
        g.correlation_id = given if _plausible(given) else "portal-" + uuid.uuid4().hex
    return str(g.correlation_id)


def call(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """One RPC; ``InvalidInput``, ``ServiceTimeout``… propagate (errors.py renders them)."""
    with client().correlated(correlation_id()), timed_rpc(service, method):
        return client().call(service, method, *args, **kwargs)


def _plausible(value: str) -> bool:
    return 8 <= len(value) <= 64 and all(c.isalnum() or c in "-_." for c in value)
