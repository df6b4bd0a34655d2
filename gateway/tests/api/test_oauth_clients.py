"""Every API call is authenticated: OAuth 2 client credentials from the configured list, short
lived JWT access tokens. No service is needed: refused calls never reach one (and a call that
does, with no service running, is answered 503)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from api_harness import CLIENTS, Api, gateway_settings
from joserfc import jwt
from joserfc.jwk import OctKey

from connexion_client import ConnexionClient
from gateway.api.clients import main as make_client
from gateway.api_clients import parse_api_clients
from gateway.app import create_app


@pytest.fixture
def offline_app(tmp_path: Any) -> Any:
    """The gateway with no broker behind it: what is refused never calls a service."""
    nowhere = ConnexionClient("amqp://guest:guest@127.0.0.1:1//", timeout=1.0)
    return create_app(gateway_settings(tmp_path, "amqp://127.0.0.1:1//"), client=nowhere)


def _unverified(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": "Basic " + raw}


def test_a_configured_client_gets_a_short_lived_access_token(offline_app: Any) -> None:
    secret, _ = CLIENTS["passerelle"]
    answer = offline_app.test_client().post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic("passerelle", secret),
    )

    assert answer.status_code == 200
    assert answer.json["token_type"] == "Bearer"
    assert answer.json["expires_in"] == 300
    header, claims = (_unverified(part) for part in answer.json["access_token"].split(".")[:2])
    assert header["typ"] == "at+jwt"
    assert claims["client_id"] == claims["sub"] == "passerelle"
    assert claims["exp"] - claims["iat"] == 300


def test_a_wrong_secret_or_an_unknown_client_gets_no_token(offline_app: Any) -> None:
    http = offline_app.test_client()
    for client_id, secret in (("passerelle", "pas-le-bon"), ("inconnu", CLIENTS["passerelle"][0])):
        answer = http.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=_basic(client_id, secret),
        )
        assert answer.status_code in (400, 401)
        assert answer.json["error"] == "invalid_client"


def test_calls_without_a_valid_token_are_refused_in_the_error_shape(offline_app: Any) -> None:
    http = offline_app.test_client()
    forged = jwt.encode(
        {"alg": "HS256", "typ": "at+jwt"},
        {"iss": "http://localhost:8080/api/v1", "aud": "http://localhost:8080/api/v1",
         "sub": "appli-mobile", "client_id": "appli-mobile", "iat": 1, "exp": 4102444800,
         "jti": "x"},
        OctKey.generate_key(256),
    )  # fmt: skip

    for headers in ({}, {"Authorization": "Bearer abc"}, {"Authorization": "Bearer " + forged}):
        answer = http.post("/api/v1/passwords/check", json={"password": "x"}, headers=headers)
        assert answer.status_code == 401
        assert answer.json == {
            "code": "unauthorized",
            "message": "Authentification du client requise ou expirée.",
            "fields": {},
        }


def test_a_token_of_a_client_since_removed_is_refused(tmp_path: Any) -> None:
    key = base64.b64encode(b"k" * 32).decode()
    nowhere = ConnexionClient("amqp://127.0.0.1:1//", timeout=1.0)
    before = create_app(gateway_settings(tmp_path, "amqp://x", SECRET_KEY=key), client=nowhere)
    token = Api(before).token("appli-mobile")
    after = create_app(
        gateway_settings(tmp_path, "amqp://x", SECRET_KEY=key, API_CLIENTS="{}"), client=nowhere
    )
    headers = {"Authorization": "Bearer " + token, "X-Session-Token": "t"}

    assert before.test_client().get("/api/v1/session", headers=headers).status_code != 401
    assert after.test_client().get("/api/v1/session", headers=headers).status_code == 401


def test_unknown_addresses_and_methods_answer_in_the_error_shape(offline_app: Any) -> None:
    http = offline_app.test_client()

    assert http.get("/api/v1/nulle-part").json["code"] == "not_found"
    wrong_method = http.delete("/api/v1/login")
    assert wrong_method.status_code == 405
    assert wrong_method.json["code"] == "method_not_allowed"
    assert http.get("/nulle-part").content_type.startswith("text/html")  # the portal's page


def test_the_client_list_refuses_what_it_cannot_check() -> None:
    for raw in (
        '{"A B": {}}',
        '{"appli": {"secret_sha256": "court"}}',
        "[]",
        '{"appli": {"secret_sha256": "' + "a" * 64 + '", "trusted_source": "oui"}}',
    ):
        with pytest.raises(ValueError):
            parse_api_clients(raw)


def test_a_new_client_line_holds_the_hash_never_the_secret(capsys: Any) -> None:
    assert make_client(["appli-mobile", "--trusted-source"]) == 0

    printed = capsys.readouterr().out
    secret = printed.split("then forget it): ")[1].split()[0]
    [(client)] = parse_api_clients(printed.split("API_CLIENTS entry: ")[1])
    assert client.trusted_source and client.check_client_secret(secret)
    assert secret not in printed.split("API_CLIENTS entry: ")[1]


def test_services_out_of_reach_answer_503_in_the_error_shape(offline_app: Any) -> None:
    answer = Api(offline_app).call("POST", "/passwords/check", {"password": "Bonjour2024Caf"})

    assert answer.status_code == 503
    assert answer.json == {
        "code": "service_unavailable",
        "message": "Le service est momentanément indisponible. "
        "Veuillez réessayer dans quelques minutes.",
        "fields": {},
    }
