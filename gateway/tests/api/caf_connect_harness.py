"""What Caf connect's tests share: the registered clients, a gateway replica, and a relying
party's moves (PKCE pair, authorization request, token request) as a client library makes them."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from api_harness import CLIENTS, api_clients_setting
from joserfc import jwt
from joserfc.jwk import ECKey

from connexion_client import ConnexionClient
from gateway.app import create_app
from gateway.settings import GatewaySettings

ORIGIN = "https://localhost"
ISSUER = "https://localhost"
PARTNER_SECRET = secrets.token_urlsafe(32)
APP_RETURN = "https://appli.caf.example/connexion/retour"
PARTNER_RETURN = "https://partenaire.example/retour"
OTHER_RETURN = "http://127.0.0.1:8799/retour"
#: The key a server-side client made for itself (private_key_jwt): only its public part is
#: registered.
CLIENT_KEY = ECKey.generate_key("P-256", private=True)
CLIENT_KEY.ensure_kid()
SERVER_RETURN = "https://serveur.caf.example/retour"


def registry() -> str:
    """The API's clients (as before) and Caf connect's: one registry."""
    return json.dumps({
        **json.loads(api_clients_setting(CLIENTS)),
        "appli-caf": {"type": "public", "first_party": True, "redirect_uris": [APP_RETURN],
                      "scopes": ["openid", "profile", "household"]},
        "partenaire": {"type": "confidential", "token_endpoint_auth_method": "client_secret_basic",
                       "secret_sha256": hashlib.sha256(PARTNER_SECRET.encode()).hexdigest(),
                       "scopes": ["openid", "profile", "nir"], "redirect_uris": [PARTNER_RETURN],
                       "nir_legal_basis": "Convention de test, article 1"},
        "autre-appli": {"type": "public", "scopes": ["openid", "profile"],
                        "redirect_uris": [OTHER_RETURN]},
        "serveur-caf": {"type": "confidential", "token_endpoint_auth_method": "private_key_jwt",
                        "jwks": {"keys": [CLIENT_KEY.as_dict(private=False)]},
                        "first_party": True, "scopes": ["openid", "profile"],
                        "redirect_uris": [SERVER_RETURN]},
    })  # fmt: skip


def replica(data_dir: Path, amqp_uri: str, secret_key: str, **overrides: str) -> Any:
    """One gateway replica: its own RPC client; the key set and cookie key of the deployment."""
    settings = GatewaySettings.from_mapping(
        {"ENVIRONMENT": "test", "AMQP_URI": amqp_uri, "DATA_DIR": str(data_dir),
         "SECRET_KEY": secret_key, "PUBLIC_URL": ISSUER, "API_CLIENTS": registry(),
         **overrides},
        "gateway",
    )  # fmt: skip
    client = ConnexionClient(amqp_uri, timeout=20.0, pool_size=4)
    return create_app(settings, client=client), client


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Request:
    """One authorization request of a relying party, and what it keeps to finish it."""

    client_id: str = "appli-caf"
    redirect_uri: str = APP_RETURN
    scope: str = "openid profile"
    extra: dict[str, str] = field(default_factory=dict)
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = ""
    challenge: str = ""

    def __post_init__(self) -> None:
        self.verifier, self.challenge = pkce()

    def url(self) -> str:
        params = {"response_type": "code", "client_id": self.client_id,
                  "redirect_uri": self.redirect_uri, "scope": self.scope, "state": self.state,
                  "nonce": self.nonce, "code_challenge": self.challenge,
                  "code_challenge_method": "S256", **self.extra}  # fmt: skip
        return "/oauth2/authorize?" + urlencode({k: v for k, v in params.items() if v != ""})

    def token_form(self, code: str, **changes: str) -> dict[str, str]:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "code_verifier": self.verifier}  # fmt: skip
        return {k: v for k, v in {**form, **changes}.items() if v != ""}


def returned(location: str) -> dict[str, str]:
    """The parameters of the client's redirect URI as the client reads them."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": "Basic " + raw}


def client_assertion(client_id: str, audience: str, jti: str | None = None, ttl: int = 60) -> str:
    """A ``private_key_jwt`` assertion as the client signs it (RFC 7523 §3)."""
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now,
              "exp": now + ttl, "jti": jti or secrets.token_urlsafe(16)}  # fmt: skip
    return jwt.encode({"alg": "ES256", "kid": CLIENT_KEY.kid}, claims, CLIENT_KEY)
