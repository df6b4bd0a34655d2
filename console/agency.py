"""The agency's OpenID provider, as the console's client (Authlib): the agent's sign-in
(authorization code with PKCE S256, a multi-factor ``acr``), and per call the access token for
one service by token exchange (RFC 8693), as docs/security.md ("Agents and the back office").

The console's own access token (the exchange's subject token) stays in its session; the
provider refuses to exchange it once the agent's session there has ended (logout at the
provider, its own expiry): :class:`ProviderSessionEnded`, and the console's session ends too.
That is how a logout at the provider ends the console's session: a session check at each
exchange (every page that shows or changes a person's data makes one).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, g

from .settings import ConsoleSettings, current

log = logging.getLogger("console")

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a URN
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105
EXTENSION = "console_oauth"


class ProviderSessionEnded(Exception):
    """The provider no longer exchanges the agent's token: their session there has ended."""


class ProviderUnavailable(Exception):
    """The provider did not answer the exchange."""


def install(app: Flask, settings: ConsoleSettings) -> None:
    oauth = OAuth(app)
    oauth.register(
        "agence",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid profile",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": 10,
        },
    )
    app.extensions[EXTENSION] = oauth


def client() -> Any:
    return current_app.extensions[EXTENSION].agence


def metadata() -> dict[str, Any]:
    return dict(client().load_server_metadata())


def exchange(subject_token: str, audience: str) -> str:
    """The agent's access token for ``audience`` (one service), by token exchange; kept for the
    request (one exchange per service and page)."""
    cache: dict[str, str] = g.setdefault("service_tokens", {})
    if audience in cache:
        return cache[audience]
    settings = current()
    try:
        answer = requests.post(
            metadata()["token_endpoint"],
            data={
                "grant_type": TOKEN_EXCHANGE,
                "subject_token": subject_token,
                "subject_token_type": ACCESS_TOKEN_TYPE,
                "requested_token_type": ACCESS_TOKEN_TYPE,
                "audience": audience,
            },
            auth=(settings.oidc_client_id, settings.oidc_client_secret or ""),
            timeout=10,
        )
    except requests.RequestException:
        log.warning("token exchange for %s: the agents' provider did not answer", audience)
        raise ProviderUnavailable() from None
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if answer.status_code == 400 and body.get("error") == "invalid_grant":
        raise ProviderSessionEnded()
    if answer.status_code != 200 or not isinstance(body.get("access_token"), str):
        log.warning("token exchange for %s refused (status %s)", audience, answer.status_code)
        raise ProviderUnavailable()
    token = str(body["access_token"])
    cache[audience] = token
    return token
