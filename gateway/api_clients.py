"""The one client registry (``API_CLIENTS``, part of the gateway's settings): every OAuth 2
client of the agency's authorization server (gateway/oidc/), by type:

- ``api`` (the default, as before): the HTTP API's callers, client credentials grant;
  ``secret_sha256`` and ``trusted_source`` (its ``source``, the person's address, is believed);
- ``public``: an application that keeps no secret (the mobile app): authorization code with PKCE
  S256, token endpoint authentication ``none``;
- ``confidential``: a server-side application: authorization code with PKCE S256, and
  ``client_secret_basic`` (``secret_sha256``) or ``private_key_jwt`` (``jwks``, its public keys).

Caf connect's clients also declare ``name`` (what the person reads on the consent page and in
« Mon historique »; the client id when absent), ``redirect_uris`` (exact match: https, or http on
a loopback address for native apps, RFC 8252 §7.3), ``scopes`` (among ``openid profile nir
household``; ``nir`` only with a ``nir_legal_basis``), ``first_party`` (no consent page unless
``prompt=consent``, the agency's shared ``sub``),
``sector`` (the pairwise ``sub``'s sector; the client id by default),
``post_logout_redirect_uris`` (RP-initiated logout: matched exactly) and
``backchannel_logout_uri`` (back-channel logout),
``refresh_tokens`` (true: it gets a refresh token, rotated on every use; issue #34) and, for a
confidential client only, ``introspection`` (true: it may call the introspection endpoint, RFC
7662: the agency's resource servers)::

    {"passerelle-partenaire": {"secret_sha256": "60303a…"},
     "appli-mobile": {"type": "public", "first_party": true, "scopes": ["openid", "profile"],
                      "redirect_uris": ["https://appli.caf.fr/connexion/retour"]}}

Secrets are 32 random bytes or more (``python -m gateway.api.clients`` makes one and its line):
for such secrets a plain SHA-256 is as strong as a slow hash, and costs nothing per request.

>>> (client,) = parse_api_clients('{"appli": {"secret_sha256": "' + "0" * 64 + '"}}')
>>> client.trusted_source, client.type
(False, 'api')
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import ClientMixin

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
SCOPE = "journeys"
TYPES = ("api", "public", "confidential")
#: The scopes of Caf connect (docs/oidc-provider.md).
OIDC_SCOPES = ("openid", "profile", "nir", "household")
#: A client's display name: what the person reads (``name``), 80 characters at most.
NAME_LENGTH = 80
CONFIDENTIAL_METHODS = ("client_secret_basic", "private_key_jwt")
_FIELDS = {
    "api": {"type", "secret_sha256", "trusted_source"},
    "public": {"type", "name", "redirect_uris", "scopes", "first_party", "sector",
               "nir_legal_basis", "post_logout_redirect_uris", "backchannel_logout_uri",
               "refresh_tokens"},
}  # fmt: skip
_FIELDS["confidential"] = _FIELDS["public"] | {"token_endpoint_auth_method", "secret_sha256",
                                               "jwks", "introspection"}  # fmt: skip


@dataclass(frozen=True)
class Client(ClientMixin):
    """One registered client (see the module's docstring for each field)."""

    client_id: str
    secret_sha256: str = field(default="", repr=False)
    trusted_source: bool = False
    type: str = "api"
    redirect_uris: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    first_party: bool = False
    sector: str = ""
    nir_legal_basis: str = ""
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method's name
    jwks: dict[str, Any] | None = field(default=None, repr=False, hash=False, compare=False)
    post_logout_redirect_uris: tuple[str, ...] = ()
    backchannel_logout_uri: str | None = None
    refresh_tokens: bool = False
    introspection: bool = False
    name: str = ""

    @property
    def is_oidc(self) -> bool:
        return self.type != "api"

    @property
    def display_name(self) -> str:
        """What the person reads: the registered ``name``, else the client id."""
        return self.name or self.client_id

    def check_post_logout_redirect_uri(self, uri: str) -> bool:
        return uri in self.post_logout_redirect_uris  # exact, like redirect URIs

    @property
    def subject_sector(self) -> str:
        """The sector of its ``sub``: every first-party client shares one (identity's claims)."""
        return "first-party" if self.first_party else (self.sector or self.client_id)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # every authorization request names its redirect URI

    def get_allowed_scope(self, scope: str) -> str:
        if not self.is_oidc:
            return SCOPE  # one scope: every API client calls the same citizen journeys
        asked = (scope or "").split()
        return " ".join(s for s in asked if s in self.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # exact: no prefix, no pattern

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.secret_sha256:
            return False
        digest = hashlib.sha256(client_secret.encode()).hexdigest()
        return hmac.compare_digest(digest, self.secret_sha256)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """The token endpoint; revocation and introspection (issue #34, gateway/oidc/lifecycle.py)
        for Caf connect's clients, with the same authentication as at the token endpoint."""
        if endpoint not in ("token", "revocation", "introspection"):
            return False
        if endpoint != "token" and not self.is_oidc:
            return False
        if self.type == "api":
            return method in AUTH_METHODS
        if self.type == "public":
            return method == "none"
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return self.is_oidc and response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        if self.type == "api":
            return grant_type == "client_credentials"
        if grant_type == "refresh_token":
            return self.refresh_tokens
        return grant_type == "authorization_code"


#: The name the HTTP API's code has always used.
ApiClient = Client


def _redirect_uri(client_id: str, uri: Any) -> str:
    if not isinstance(uri, str) or len(uri) > 512 or any(ord(c) <= 0x20 for c in uri):
        raise ValueError(f"{client_id}: a redirect URI is a string of 512 characters at most")
    parts = urlsplit(uri)
    loopback = parts.scheme == "http" and _is_loopback(parts.hostname or "")
    if not (parts.scheme == "https" or loopback) or not parts.hostname or parts.fragment:
        raise ValueError(
            f"{client_id}: {uri!r}: https (or http on a loopback address), no fragment"
        )
    if "@" in parts.netloc:
        raise ValueError(f"{client_id}: {uri!r}: no user-info in a redirect URI")
    return uri


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _strings(client_id: str, entry: dict[str, Any], name: str) -> tuple[str, ...]:
    values = entry.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{client_id}: {name} must be a list of strings")
    return tuple(values)


def _oidc_client(client_id: str, entry: dict[str, Any], kind: str) -> Client:
    redirects = tuple(
        _redirect_uri(client_id, u) for u in _strings(client_id, entry, "redirect_uris")
    )
    if not redirects:
        raise ValueError(f"{client_id}: at least one redirect URI")
    scopes = _strings(client_id, entry, "scopes") or ("openid",)
    if "openid" not in scopes or set(scopes) - set(OIDC_SCOPES):
        raise ValueError(f"{client_id}: scopes among {' '.join(OIDC_SCOPES)}, openid included")
    legal_basis = str(entry.get("nir_legal_basis") or "")
    if "nir" in scopes and not legal_basis.strip():
        raise ValueError(f"{client_id}: the nir scope needs its nir_legal_basis")
    first_party = entry.get("first_party", False)
    if not isinstance(first_party, bool):
        raise ValueError(f"{client_id}: first_party must be true or false")
    method = "none"
    digest, jwks = "", None
    if kind == "confidential":
        method = str(entry.get("token_endpoint_auth_method", "client_secret_basic"))
        if method not in CONFIDENTIAL_METHODS:
            raise ValueError(
                f"{client_id}: token_endpoint_auth_method among {CONFIDENTIAL_METHODS}"
            )
        digest = str(entry.get("secret_sha256", ""))
        if method == "client_secret_basic" and not _SHA256.match(digest):
            raise ValueError(f"{client_id}: secret_sha256 must be 64 lowercase hex digits")
        jwks = entry.get("jwks")
        if method == "private_key_jwt" and not (isinstance(jwks, dict) and jwks.get("keys")):
            raise ValueError(f"{client_id}: private_key_jwt needs the client's public jwks")
    name = entry.get("name", "")
    if (
        not isinstance(name, str)
        or len(name) > NAME_LENGTH
        or (name and (not name.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name)))
    ):
        raise ValueError(f"{client_id}: name is a text of {NAME_LENGTH} characters at most")
    logout = entry.get("backchannel_logout_uri")
    refresh, introspection = entry.get("refresh_tokens", False), entry.get("introspection", False)
    if not isinstance(refresh, bool) or not isinstance(introspection, bool):
        raise ValueError(f"{client_id}: refresh_tokens and introspection are true or false")
    return Client(
        client_id,
        digest,
        type=kind,
        redirect_uris=redirects,
        scopes=scopes,
        first_party=first_party,
        sector=str(entry.get("sector") or ""),
        nir_legal_basis=legal_basis,
        token_endpoint_auth_method=method,
        jwks=jwks,
        post_logout_redirect_uris=tuple(
            _redirect_uri(client_id, u)
            for u in _strings(client_id, entry, "post_logout_redirect_uris")
        ),
        backchannel_logout_uri=_redirect_uri(client_id, logout) if logout else None,
        refresh_tokens=refresh,
        introspection=introspection,
        name=name.strip(),
    )


def parse_api_clients(raw: str) -> tuple[Client, ...]:
    """The ``API_CLIENTS`` JSON; refuses a malformed entry, naming it."""
    declared = json.loads(raw) if raw.strip() else {}
    if not isinstance(declared, dict):
        raise ValueError('expected {"client-id": {"secret_sha256": "…", "trusted_source": …}}')
    clients = []
    for client_id, entry in declared.items():
        if not CLIENT_ID.match(client_id):
            raise ValueError(f"client id {client_id!r}: 2-64 of a-z 0-9 . _ -")
        kind = entry.get("type", "api") if isinstance(entry, dict) else None
        if kind not in TYPES:
            raise ValueError(f"{client_id}: type among {', '.join(TYPES)}")
        if set(entry) - _FIELDS[kind]:
            raise ValueError(f"{client_id}: a {kind} client has only {sorted(_FIELDS[kind])}")
        if kind != "api":
            clients.append(_oidc_client(client_id, entry, kind))
            continue
        digest = str(entry.get("secret_sha256", ""))
        if not _SHA256.match(digest):
            raise ValueError(f"{client_id}: secret_sha256 must be 64 lowercase hex digits")
        trusted = entry.get("trusted_source", False)
        if not isinstance(trusted, bool):
            raise ValueError(f"{client_id}: trusted_source must be true or false")
        clients.append(Client(client_id, digest, trusted))
    return tuple(clients)
