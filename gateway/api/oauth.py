"""OAuth 2 client credentials with authlib: the token endpoint and the bearer check.

Access tokens are JWTs (RFC 9068, ``typ`` ``at+jwt``) signed by the gateway with a key derived
from its ``SECRET_KEY`` (every replica issues and checks the same), audience the API, lifetime
``API_TOKEN_TTL_S`` (5 minutes by default). No token is stored: a client removed from
``API_CLIENTS`` is refused from the next restart on, its tokens included.

>>> curl -u appli-mobile:SECRET -d grant_type=client_credentials …/api/v1/oauth/token
...                                                                   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator, JWTBearerTokenValidator
from flask import Flask, abort, g, jsonify, request

from gateway.api_clients import AUTH_METHODS, ApiClient

from .problems import problem

EXTENSION = "connexion_api_oauth"
_KEY_LABEL = b"connexion-a-la-personne api access tokens v1"


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)


def _signing_jwk(secret_key: bytes) -> dict[str, str]:
    key = hmac.new(secret_key, _KEY_LABEL, hashlib.sha256).digest()
    return {"kty": "oct", "k": base64.urlsafe_b64encode(key).rstrip(b"=").decode()}


class AccessTokens(JWTBearerTokenGenerator):
    def __init__(self, issuer: str, jwk: dict[str, str], ttl_s: int):
        super().__init__(issuer, alg="HS256", expires_generator=lambda client, grant: ttl_s)
        self._jwk = jwk

    def get_jwks(self) -> dict[str, str]:
        return self._jwk

    def get_audiences(self, client: Any, user: Any, scope: Any) -> str:
        return str(self.issuer)


class AccessTokenCheck(JWTBearerTokenValidator):
    def __init__(self, issuer: str, jwk: dict[str, str]):
        super().__init__(issuer=issuer, resource_server=issuer)
        self._jwk = jwk

    def get_jwks(self) -> dict[str, str]:
        return self._jwk


class ApiProtector(ResourceProtector):
    def raise_error_response(self, error: OAuth2Error) -> None:
        response = problem(401, "unauthorized", "Authentification du client requise ou expirée.")
        response.headers["WWW-Authenticate"] = f'Bearer error="{error.error}"'
        abort(response)


def _readable_basic(header: str) -> bool:
    if header[:6].lower() != "basic ":
        return True
    try:
        base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return True


class ApiOAuth:
    """The authorization server and the resource protector of one Flask application."""

    def __init__(
        self, app: Flask, clients: tuple[ApiClient, ...], issuer: str, secret_key: bytes, ttl: int
    ):
        self.clients = {client.client_id: client for client in clients}
        jwk = _signing_jwk(secret_key)
        self.server = AuthorizationServer()
        self.server.init_app(app, query_client=self.clients.get, save_token=lambda *_: None)
        self.server.register_grant(ClientCredentials)
        self.server.register_token_generator("client_credentials", AccessTokens(issuer, jwk, ttl))
        self.protector = ApiProtector()
        self.protector.register_token_validator(AccessTokenCheck(issuer, jwk))
        app.extensions[EXTENSION] = self

    def token_response(self) -> Any:
        if not _readable_basic(request.headers.get("Authorization", "")):
            # authlib decodes Basic credentials as UTF-8 unguarded: answer as RFC 6749 says
            return jsonify(error="invalid_client"), 401, {"WWW-Authenticate": "Basic"}
        return self.server.create_token_response()

    def authenticate(self) -> ApiClient:
        """The calling client, from its bearer token (answers 401 otherwise)."""
        try:
            token = self.protector.acquire_token()
        except OAuth2Error as error:
            self.protector.raise_error_response(error)
        client = self.clients.get(str(token.get("client_id")))
        if client is None:  # removed from API_CLIENTS since the token was issued
            self.protector.raise_error_response(OAuth2Error(error="invalid_token"))
        g.api_client = client
        return client  # type: ignore[return-value]
