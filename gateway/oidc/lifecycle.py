"""Caf connect's token life cycle (issue #34): refresh with rotation and reuse detection, revocation
(RFC 7009) and introspection (RFC 7662), all kept by identity (provider/refresh.py), never here.

- Every access token issued from a code carries ``fid``, its *family* (one per redeemed code);
  userinfo and introspection ask identity whether the family is still good: it is not once it
  was revoked, once one of its refresh tokens was reused, or once its portal session ended.
- A client whose record says ``refresh_tokens`` gets a refresh token with the code's tokens;
  each use at ``/oauth2/token`` (``grant_type=refresh_token``) gives a new one (rotation) and
  spends the old; a spent one presented again ends the family. Lifetime by client type:
  ``OIDC_REFRESH_TTL_PUBLIC_S``, ``OIDC_REFRESH_TTL_CONFIDENTIAL_S``.
- ``/oauth2/revoke``: a client ends the family of one of its tokens (access or refresh);
  ``/oauth2/introspect``: a confidential client whose record says ``introspection``.

Clients authenticate at both endpoints as at the token endpoint (``none`` for public clients at
revocation, ``client_secret_basic`` or ``private_key_jwt`` for confidential ones).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, UnauthorizedClientError
from authlib.oauth2.rfc6749.grants import RefreshTokenGrant
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from gateway.api_clients import Client
from gateway.clients import identity

#: The claim of an access token that names its family (identity's TokenFamily).
FAMILY_CLAIM = "fid"
#: How each endpoint may authenticate a client (the client's record picks one, api_clients.py).
AUTH_METHODS = ["none", "client_secret_basic", "private_key_jwt"]


@dataclass
class Rotated:
    """A refresh token identity has just rotated: the grant it carries and the new token."""

    grant: dict[str, Any]
    family: str
    refresh_token: str

    def get_scope(self) -> str:
        return " ".join(self.grant["scopes"])

    def check_client(self, client: Client) -> bool:
        return bool(self.grant["client_id"] == client.client_id)


class RefreshGrant(RefreshTokenGrant):
    """``grant_type=refresh_token``: identity rotates the token (atomically, on any replica) or
    says why not; every refusal is ``invalid_grant`` (RFC 6749 §5.2)."""

    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def _validate_request_token(self, client: Client) -> Rotated:
        raw = self.request.form.get("refresh_token")
        if not raw:
            raise InvalidRequestError("Missing 'refresh_token' in request.")
        if len(raw) > 200:
            raise InvalidGrantError()
        answer = identity.oidc_refresh(raw, client.client_id)
        if answer["outcome"] != "rotated":
            raise InvalidGrantError(f"The refresh token is not valid ({answer['reason']}).")
        return Rotated(answer["grant"], answer["family"], answer["refresh_token"])

    def authenticate_refresh_token(self, refresh_token: str) -> None:
        raise NotImplementedError  # _validate_request_token asks identity directly

    def authenticate_user(self, refresh_token: Rotated) -> Rotated:
        return refresh_token

    def revoke_old_credential(self, refresh_token: Rotated) -> None:
        """Nothing: identity spent the old token when it rotated it."""


def start_family(client: Client, code: str, refresh_ttl_s: int | None) -> dict[str, Any]:
    """The family of a code's tokens, its first refresh token: ``{"family", "refresh_token"}``."""
    answer = identity.oidc_start_family(code, client.client_id, refresh_ttl_s)
    if answer["outcome"] != "started":
        raise InvalidGrantError()
    return answer


@dataclass
class PresentedToken:
    """A token a client presented for revocation or introspection, as far as we could read it."""

    kind: str  # access_token | refresh_token
    client_id: str
    status: dict[str, Any]
    raw: str
    claims: dict[str, Any] | None = None

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def is_expired(self) -> bool:
        return False  # identity's status and the signature check already said

    def is_revoked(self) -> bool:
        return not self.status.get("active")

    def get_scope(self) -> str:
        return str(self.status.get("scope", ""))


def _read(token: str, hint: str | None) -> PresentedToken | None:
    """An access token of ours (signature, expiry) or a refresh token identity knows."""
    from .server import ACCESS_TOKEN_TYPE, CafConnect  # the server mounts this module

    if len(token) > 8192:
        return None
    keys = CafConnect.of().keys
    claims = keys.verify(token, ACCESS_TOKEN_TYPE) if token.count(".") == 2 else None
    if claims is not None:
        if int(claims.get("exp", 0)) <= time.time():
            return PresentedToken("access_token", str(claims.get("client_id")), {"active": False},
                                  token, claims)  # fmt: skip
        family = claims.get(FAMILY_CLAIM)
        status = identity.oidc_token_status(str(family), None) if family else {"active": True}
        return PresentedToken("access_token", str(claims.get("client_id")), status, token, claims)
    if token.count(".") != 1:
        return None
    status = identity.oidc_token_status(None, token)
    if status.get("reason") == "unknown" and not status.get("active"):
        return None
    return PresentedToken("refresh_token", str(status.get("client_id") or ""), status, token)


class Revocation(RevocationEndpoint):
    """RFC 7009 at ``/oauth2/revoke``: revoking an access or a refresh token ends its whole
    family (RFC 7009 §2.1 allows it, and a client that revokes wants the login gone); 200 for
    an unknown token, as the RFC says."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return _read(token_string, token_type_hint)

    def authenticate_token(self, request: Any, client: Client) -> PresentedToken | None:
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        if token is not None and not token.check_client(client):
            return None  # another client's: nothing done, nothing said (200)
        return token

    def revoke_token(self, token: PresentedToken, request: Any) -> None:
        if token.kind == "refresh_token":
            identity.oidc_revoke(None, token.raw, token.client_id)
        elif token.claims and token.claims.get(FAMILY_CLAIM):
            identity.oidc_revoke(str(token.claims[FAMILY_CLAIM]), None, token.client_id)


class Introspection(IntrospectionEndpoint):
    """RFC 7662 at ``/oauth2/introspect``, for confidential clients whose record says
    ``introspection`` (the agency's resource servers); any other is refused
    (``unauthorized_client``). A token ended in any way reads ``{"active": false}``."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "private_key_jwt"]

    def authenticate_endpoint_client(self, request: Any) -> Client:
        client: Client = super().authenticate_endpoint_client(request)
        if not client.introspection:
            raise UnauthorizedClientError("This client may not introspect tokens.")
        return client

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return _read(token_string, token_type_hint)

    def check_permission(self, token: PresentedToken, client: Client, request: Any) -> bool:
        return True  # the client's record allows it (authenticate_endpoint_client)

    def introspect_token(self, token: PresentedToken) -> dict[str, Any]:
        from .server import CafConnect

        status = token.status
        payload: dict[str, Any] = {"active": True, "token_type": token.kind,
                                   "iss": CafConnect.of().issuer}  # fmt: skip
        if token.claims is not None:
            claims = token.claims
            for name in ("client_id", "sub", "scope", "exp", "iat", "aud", "sid", "jti"):
                if name in claims:
                    payload[name] = claims[name]
        else:
            for name in ("client_id", "sub", "scope", "exp", "sid"):
                if name in status:
                    payload[name] = status[name]
        return payload
