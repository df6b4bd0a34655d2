"""What the HTTP API's tests share: the configured API clients, the gateway's settings, and
``Api``, the API as a client team calls it (a bearer token per client, JSON in and out)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

from gateway.settings import GatewaySettings

#: The configured API clients of these tests: id -> (secret, trusted_source).
CLIENTS = {
    "appli-mobile": (secrets.token_urlsafe(32), True),
    "passerelle": (secrets.token_urlsafe(32), False),
}


def api_clients_setting(clients: dict[str, tuple[str, bool]] = CLIENTS) -> str:
    return json.dumps({
        client_id: {"secret_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                    "trusted_source": trusted}
        for client_id, (secret, trusted) in clients.items()
    })  # fmt: skip


def gateway_settings(tmp_path: Path, amqp_uri: str, **overrides: str) -> GatewaySettings:
    mapping = {
        "ENVIRONMENT": "test",
        "AMQP_URI": amqp_uri,
        "DATA_DIR": str(tmp_path / "gateway"),
        "SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "API_CLIENTS": api_clients_setting(),
        **overrides,
    }
    return GatewaySettings.from_mapping(mapping, "gateway")


class Api:
    """The API as a client team calls it: a bearer token per client, JSON in and out."""

    def __init__(self, app: Any):
        self.http = app.test_client()
        self._tokens: dict[str, str] = {}

    def token(self, client_id: str) -> str:
        if client_id not in self._tokens:
            secret, _ = CLIENTS[client_id]
            answer = self.http.post(
                "/api/v1/oauth/token",
                data={"grant_type": "client_credentials"},
                headers={"Authorization": basic(client_id, secret)},
            )
            assert answer.status_code == 200, answer.json
            self._tokens[client_id] = answer.json["access_token"]
        return self._tokens[client_id]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        client: str = "appli-mobile",
        session: str | None = None,
        **headers: str,
    ) -> Any:
        headers["Authorization"] = "Bearer " + self.token(client)
        if session is not None:
            headers["X-Session-Token"] = session
        return self.http.open(
            "/api/v1" + path, method=method, json=body, headers=headers,
            environ_base={"REMOTE_ADDR": "198.51.100.20"},
        )  # fmt: skip


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
