"""The HTTP API's side of the one authorization server (gateway/oidc/server.py): the client
credentials token endpoint and the bearer check.

Access tokens are JWTs (RFC 9068, ``typ`` ``at+jwt``) signed ES256 by the one key set
(gateway/oidc/keys.py, ``OIDC_SIGNING_KEYS``: every replica issues and checks the same, and a
rotation keeps them valid), issuer the portal's address, audience the API, lifetime
``API_TOKEN_TTL_S`` (5 minutes by default). No token is stored: a client removed from
``API_CLIENTS`` is refused from the next restart on, its tokens included.

>>> curl -u appli-mobile:SECRET -d grant_type=client_credentials …/api/v1/oauth/token
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Flask, abort, g, jsonify, request

from gateway.api_clients import ApiClient
from gateway.oidc.server import CafConnect

from .problems import problem

EXTENSION = "connexion_api_oauth"


def _readable_basic(header: str) -> bool:
    if header[:6].lower() != "basic ":
        return True
    try:
        base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def _refuse(error: str) -> None:
    response = problem(401, "unauthorized", "Authentification du client requise ou expirée.")
    response.headers["WWW-Authenticate"] = f'Bearer error="{error}"'
    abort(response)


class ApiOAuth:
    """The API's token endpoint and bearer check, on the application's authorization server."""

    def __init__(self, app: Flask, connect: CafConnect, audience: str):
        self.connect = connect
        self.audience = audience
        self.clients = {k: c for k, c in connect.clients.items() if c.type == "api"}
        app.extensions[EXTENSION] = self

    def token_response(self) -> Any:
        if not _readable_basic(request.headers.get("Authorization", "")):
            # authlib decodes Basic credentials as UTF-8 unguarded: answer as RFC 6749 says
            return jsonify(error="invalid_client"), 401, {"WWW-Authenticate": "Basic"}
        return self.connect.server.create_token_response()

    def verified_client_id(self) -> str | None:
        """The API client of the request's valid bearer token, or None (no answer given)."""
        header = request.headers.get("Authorization", "")
        if header[:7].lower() != "bearer ":
            return None
        claims = self.connect.tokens.access_claims(header[7:].strip(), self.audience)
        client_id = str(claims["client_id"]) if claims else None
        return client_id if client_id in self.clients else None

    def authenticate(self) -> ApiClient:
        """The calling client, from its bearer token (answers 401 otherwise)."""
        header = request.headers.get("Authorization", "")
        if header[:7].lower() != "bearer ":
            _refuse("missing_token")
        claims = self.connect.tokens.access_claims(header[7:].strip(), self.audience)
        if claims is None:
            _refuse("invalid_token")
        client = self.clients.get(str(claims["client_id"]))  # type: ignore[index]
        if client is None:  # removed from API_CLIENTS since the token was issued
            _refuse("invalid_token")
        g.api_client = client
        return client  # type: ignore[return-value]
