"""The HTTP API's callers as configured (``API_CLIENTS``, part of the gateway's settings): OAuth 2
clients of the client credentials grant (gateway/api/oauth.py serves the grant).

``API_CLIENTS`` holds, per client id, the SHA-256 of its secret (never the secret) and whether
the client may forward the person's ``source``::

    {"appli-mobile": {"secret_sha256": "9f86d0…", "trusted_source": true},
     "passerelle-partenaire": {"secret_sha256": "60303a…"}}

Secrets are 32 random bytes or more (``python -m gateway.api.clients`` makes one and its line):
for such secrets a plain SHA-256 is as strong as a slow hash, and costs nothing per request.

>>> (client,) = parse_api_clients('{"appli": {"secret_sha256": "' + "0" * 64 + '"}}')
>>> client.trusted_source
False
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field

from authlib.oauth2.rfc6749 import ClientMixin

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
SCOPE = "journeys"


@dataclass(frozen=True)
class ApiClient(ClientMixin):
    """One configured caller. ``trusted_source``: its ``source`` (the person's address and
    user agent) is believed; other clients are counted under their own connection's address."""

    client_id: str
    secret_sha256: str = field(repr=False)
    trusted_source: bool = False

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return SCOPE  # one scope: every client calls the same citizen journeys

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        digest = hashlib.sha256(client_secret.encode()).hexdigest()
        return hmac.compare_digest(digest, self.secret_sha256)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


def parse_api_clients(raw: str) -> tuple[ApiClient, ...]:
    """The ``API_CLIENTS`` JSON; refuses a malformed entry, naming it."""
    declared = json.loads(raw) if raw.strip() else {}
    if not isinstance(declared, dict):
        raise ValueError('expected {"client-id": {"secret_sha256": "…", "trusted_source": …}}')
    clients = []
    for client_id, entry in declared.items():
        if not CLIENT_ID.match(client_id):
            raise ValueError(f"client id {client_id!r}: 2-64 of a-z 0-9 . _ -")
        if not isinstance(entry, dict) or set(entry) - {"secret_sha256", "trusted_source"}:
            raise ValueError(f"{client_id}: only secret_sha256 and trusted_source")
        digest = str(entry.get("secret_sha256", ""))
        if not _SHA256.match(digest):
            raise ValueError(f"{client_id}: secret_sha256 must be 64 lowercase hex digits")
        trusted = entry.get("trusted_source", False)
        if not isinstance(trusted, bool):
            raise ValueError(f"{client_id}: trusted_source must be true or false")
        clients.append(ApiClient(client_id, digest, trusted))
    return tuple(clients)
