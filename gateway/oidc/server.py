"""The one authorization server (Authlib) of the portal's application: client credentials for
the HTTP API, authorization code with PKCE S256 for Caf connect; one token generator signing
with the one key set (gateway/oidc/keys.py); codes kept and redeemed by identity.

>>> server = CafConnect.of(current_app)        # doctest: +SKIP
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, ClientCredentialsGrant
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from flask import Flask, current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gateway.api_clients import AUTH_METHODS, Client
from gateway.clients import identity

from . import lifecycle
from .keys import SigningKeys

EXTENSION = "caf_connect"
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068's typ
ID_TOKEN_TTL_S = 300
#: A ``private_key_jwt`` assertion lives 5 minutes at most (its ``jti`` is kept that long).
ASSERTION_MAX_S = 300


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)


class S256Only(CodeChallenge):
    """PKCE required of every client, S256 only: no challenge or ``plain`` is refused at the
    authorization endpoint (``invalid_request``, back to the client), before any login."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: code_challenge is missing.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE: code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


@dataclass
class IssuedCode:
    """The person's answer as Authlib sees it: identity issued ``code`` for them."""

    code: str


@dataclass
class RedeemedCode:
    """A code identity has just redeemed (single use): what the tokens say."""

    grant: dict[str, Any]
    code_challenge: str = field(init=False)
    code_challenge_method: str = "S256"
    code: str = ""  # the code itself: its tokens' family is derived from it (lifecycle.py)

    def __post_init__(self) -> None:
        self.code_challenge = str(self.grant["code_challenge"])

    def get_redirect_uri(self) -> str:
        return str(self.grant["redirect_uri"])

    def get_scope(self) -> str:
        return " ".join(self.grant["scopes"])


class PrivateKeyJwt(JWTBearerClientAssertion):
    """``private_key_jwt`` (RFC 7523 §2.2, OpenID Connect Core §9): the client signs an
    assertion with its own key (its public ``jwks`` in the registry); each ``jti`` is accepted
    once on every replica (identity keeps them), and an assertion lives 5 minutes at most."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, audiences: list[str]):
        super().__init__(validate_jti=True, leeway=30)
        self._audiences = audiences

    def get_audiences(self) -> list[str]:
        return self._audiences

    def resolve_client_public_key(self, client: Client) -> KeySet:
        return KeySet.import_key_set(client.jwks or {"keys": []})  # type: ignore[arg-type]

    def validate_jti(self, claims: Any, jti: Any) -> bool:
        expires = int(claims["exp"])
        if not isinstance(jti, str) or expires - time.time() > ASSERTION_MAX_S:
            return False
        answer = identity.oidc_note_assertion(
            str(claims["sub"]), jti, datetime.fromtimestamp(expires, UTC).isoformat()
        )
        return bool(answer["outcome"] == "new")


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "none", "client_secret_basic", PrivateKeyJwt.CLIENT_AUTH_METHOD,
    ]  # fmt: skip

    def generate_authorization_code(self) -> str:
        return str(self.request.user.code)  # drawn and kept by identity

    def save_authorization_code(self, code: str, request: Any) -> None:
        """Already saved: identity recorded it when it issued it."""

    def query_authorization_code(self, code: str, client: Client) -> RedeemedCode | None:
        answer = identity.oidc_redeem_code(code, client.client_id)  # spent from now on
        return RedeemedCode(answer["grant"], code=code) if answer["outcome"] == "redeemed" else None

    def delete_authorization_code(self, authorization_code: RedeemedCode) -> None:
        """Nothing: identity spent it when it was redeemed."""

    def authenticate_user(self, authorization_code: RedeemedCode) -> RedeemedCode:
        return authorization_code


class Tokens:
    """Authlib's token generator: RFC 9068 access tokens, and an ID token for ``openid``."""

    def __init__(
        self,
        keys: SigningKeys,
        issuer: str,
        api_audience: str,
        ttl_s: int,
        refresh_ttl_s: dict[str, int] | None = None,
    ):
        self.keys, self.issuer, self.api_audience, self.ttl_s = keys, issuer, api_audience, ttl_s
        #: refresh tokens' lifetime by client type (public, confidential): lifecycle.py
        self.refresh_ttl_s = refresh_ttl_s or {}

    def __call__(
        self,
        grant_type: str,
        client: Client,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "client_id": client.client_id, "iat": now,
            "exp": now + self.ttl_s, "jti": str(uuid.uuid4()), "scope": scope or "",
        }  # fmt: skip
        token: dict[str, Any] = {"token_type": "Bearer", "expires_in": self.ttl_s}
        if isinstance(user, RedeemedCode | lifecycle.Rotated):
            grant = user.grant
            claims.update(aud=self.issuer, sub=grant["sub"], auth_time=grant["auth_time"],
                          acr=grant["acr"], amr=grant["amr"], sid=grant["sid"])  # fmt: skip
            if isinstance(user, RedeemedCode):
                if "openid" in grant["scopes"]:
                    token["id_token"] = self._id_token(client, grant, now)
                ttl = self.refresh_ttl_s.get(client.type) if client.refresh_tokens else None
                family = lifecycle.start_family(client, user.code, ttl)
                claims[lifecycle.FAMILY_CLAIM] = family["family"]
                if family["refresh_token"]:
                    token["refresh_token"] = family["refresh_token"]
            else:  # a rotated refresh token (no new ID token: OpenID Connect Core §12.2)
                claims[lifecycle.FAMILY_CLAIM] = user.family
                token["refresh_token"] = user.refresh_token
        else:  # the HTTP API's client credentials
            claims.update(aud=self.api_audience, sub=client.client_id)
        token["access_token"] = self.keys.sign(claims, ACCESS_TOKEN_TYPE)
        if scope:
            token["scope"] = scope
        return token

    def _id_token(self, client: Client, grant: dict[str, Any], now: int) -> str:
        claims = {
            "iss": self.issuer, "sub": grant["sub"], "aud": client.client_id,
            "azp": client.client_id, "iat": now, "exp": now + ID_TOKEN_TTL_S,
            "auth_time": grant["auth_time"], "acr": grant["acr"], "amr": grant["amr"],
            "sid": grant["sid"],
        }  # fmt: skip
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        return self.keys.sign(claims, "JWT")

    def access_claims(self, token: str, audience: str) -> dict[str, Any] | None:
        """The claims of a live access token of ours for ``audience``; None otherwise."""
        claims = self.keys.verify(token, ACCESS_TOKEN_TYPE)
        if claims is None:
            return None
        try:
            jwt.JWTClaimsRegistry(
                now=int(time.time()),
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": audience},
                exp={"essential": True},
                client_id={"essential": True},
            ).validate(claims)
        except (JoseError, ValueError, TypeError):
            return None
        return claims


class CafConnect:
    """The authorization server, its clients, keys and token generator, on one application."""

    def __init__(
        self,
        app: Flask,
        clients: tuple[Client, ...],
        keys: SigningKeys,
        issuer: str,
        api_audience: str,
        ttl_s: int,
        refresh_ttl_s: dict[str, int] | None = None,
    ):
        self.clients = {client.client_id: client for client in clients}
        self.keys, self.issuer = keys, issuer
        self.tokens = Tokens(keys, issuer, api_audience, ttl_s, refresh_ttl_s)
        self.server = AuthorizationServer()
        self.server.init_app(app, query_client=self.clients.get, save_token=lambda *_: None)
        self.server.register_client_auth_method(
            PrivateKeyJwt.CLIENT_AUTH_METHOD,
            PrivateKeyJwt(
                [issuer] + [f"{issuer}/oauth2/{e}" for e in ("token", "revoke", "introspect")]
            ),
        )
        self.server.register_grant(ClientCredentials)
        self.server.register_grant(CodeGrant, [S256Only(required=True)])
        self.server.register_grant(lifecycle.RefreshGrant)
        self.server.register_endpoint(lifecycle.Revocation)
        self.server.register_endpoint(lifecycle.Introspection)
        self.server.register_token_generator("default", self.tokens)
        self.server.register_extension(_Issuer(issuer))
        app.extensions[EXTENSION] = self

    def application_name(self, client_id: str) -> str:
        """What the person reads for a client (its registered ``name``; its id otherwise, and for
        a client no longer registered)."""
        client = self.clients.get(client_id)
        return client.display_name if client is not None else client_id

    @staticmethod
    def of(app: Flask | None = None) -> CafConnect:
        found: CafConnect = (app or current_app).extensions[EXTENSION]
        return found


class _Issuer(IssuerParameter):
    """``iss`` in every authorization response (RFC 9207)."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer
