"""Caf connect's key set and client registry (gateway/oidc/keys.py, gateway/api_clients.py):
given a key set, when it rotates, then nothing a client holds stops working; given a registry
entry, then what it allows is exactly what it declares."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from connexion_client import ConnexionClient
from gateway.api.clients import main as main_clients
from gateway.api_clients import parse_api_clients
from gateway.app import create_app
from gateway.oidc.keys import SigningKeys, main, new_key_set, rotate
from gateway.settings import GatewaySettings

from .edge_client import API_SECRET, edge_app


def test_the_next_key_is_published_before_it_signs_and_the_old_one_kept_after() -> None:
    before = new_key_set()
    signed_before = SigningKeys.from_setting(before).sign({"sub": "x"}, "JWT")
    cached_by_clients = KeySet.import_key_set(SigningKeys.from_setting(before).jwks())  # type: ignore[arg-type]

    after = rotate(before, now=1_000_000.0, keep_s=900)
    keys = SigningKeys.from_setting(after)
    signed_after = keys.sign({"sub": "y"}, "JWT")

    # a client that fetched the key set before the rotation verifies the new tokens
    assert jwt.decode(signed_after, cached_by_clients, algorithms=["ES256"]).claims == {"sub": "y"}
    # a token signed before the rotation still verifies after it
    assert keys.verify(signed_before, "JWT") == {"sub": "x"}
    assert keys.jwks()["keys"][0]["kid"] == keys.kid
    assert len(keys.jwks()["keys"]) == 3  # current, next, retired


def test_a_retired_key_is_dropped_once_its_last_token_has_expired() -> None:
    first = new_key_set()
    signed = SigningKeys.from_setting(first).sign({"sub": "x"}, "JWT")

    soon = rotate(rotate(first, now=1_000_000.0), now=1_000_100.0)
    later = rotate(rotate(first, now=1_000_000.0), now=1_000_000.0 + 901)

    assert SigningKeys.from_setting(soon).verify(signed, "JWT") == {"sub": "x"}
    assert SigningKeys.from_setting(later).verify(signed, "JWT") is None


def test_published_keys_hold_no_private_part_and_tokens_of_another_type_are_refused() -> None:
    keys = SigningKeys.from_setting(new_key_set())

    assert all("d" not in key for key in keys.jwks()["keys"])
    assert keys.verify(keys.sign({"sub": "x"}, "JWT"), "at+jwt") is None


def test_the_commands_print_a_key_set_and_its_rotation(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["new"]) == 0
    printed = json.loads(capsys.readouterr().out)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(json.dumps(printed)))
    assert main(["rotate"]) == 0
    rotated = json.loads(capsys.readouterr().out)

    assert rotated["current"] == printed["next"]
    assert [k["kid"] for k in rotated["retired"]] == [printed["current"]["kid"]]
    assert "d" not in rotated["retired"][0]


def test_an_api_token_issued_before_a_rotation_is_accepted_by_a_replica_after_it(
    tmp_path: Path,
) -> None:
    keys = new_key_set()
    before = edge_app(tmp_path, OIDC_SIGNING_KEYS=json.dumps(keys))
    after = edge_app(tmp_path, OIDC_SIGNING_KEYS=json.dumps(rotate(keys, now=2e9)))
    basic = base64.b64encode(f"appli:{API_SECRET}".encode()).decode()
    issued: Any = before.test_client().post(
        "/api/v1/oauth/token", data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic " + basic}, base_url="https://localhost",
    ).json  # fmt: skip
    token = issued["access_token"]
    headers = {"Authorization": "Bearer " + token, "X-Session-Token": "t"}

    answer = after.test_client().get("/api/v1/session", headers=headers,
                                     base_url="https://localhost")  # fmt: skip
    assert answer.status_code != 401  # accepted; refused further on (no services here)


def test_production_needs_its_key_set(tmp_path: Path) -> None:
    settings = GatewaySettings.from_mapping(
        {"ENVIRONMENT": "production", "SECRET_KEY": "a" * 44, "DATA_DIR": str(tmp_path),
         "AMQP_URI": "amqps://x/"},
        "gateway",
    )  # fmt: skip
    with pytest.raises(Exception, match="OIDC_SIGNING_KEYS"):
        create_app(settings, client=ConnexionClient("amqp://127.0.0.1:1//", timeout=1.0))


@pytest.mark.parametrize(
    "entry",
    [
        {"type": "public", "redirect_uris": ["http://appli.example/retour"]},  # http, not loopback
        {"type": "public", "redirect_uris": ["https://a.example/r#x"]},  # a fragment
        {"type": "public", "redirect_uris": []},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "scopes": ["profile"]},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "scopes": ["openid", "nir"]},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "scopes": ["openid", "email"]},
        {"type": "confidential", "redirect_uris": ["https://a.example/r"]},  # no secret
        {
            "type": "confidential",
            "redirect_uris": ["https://a.example/r"],
            "token_endpoint_auth_method": "private_key_jwt",
        },  # no jwks
        {"type": "public", "redirect_uris": ["https://a.example/r"], "secret_sha256": "0" * 64},
        {"type": "implicite", "redirect_uris": ["https://a.example/r"]},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "name": "x" * 81},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "name": "Appli\nCaf"},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "name": "   "},
        {"type": "public", "redirect_uris": ["https://a.example/r"], "name": 7},
        {"type": "api", "secret_sha256": "0" * 64, "name": "API"},  # API clients: no page
    ],
)
def test_the_registry_refuses_what_it_cannot_honour(entry: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_api_clients(json.dumps({"appli": entry}))


def test_a_public_client_allows_exactly_what_it_declares() -> None:
    (client,) = parse_api_clients(json.dumps({"appli": {
        "type": "public", "first_party": True, "scopes": ["openid", "profile"],
        "redirect_uris": ["https://appli.caf.fr/retour", "http://127.0.0.1:8000/retour"],
        "post_logout_redirect_uris": ["https://appli.caf.fr/au-revoir"],
        "backchannel_logout_uri": "https://appli.caf.fr/deconnexion",
    }}))  # fmt: skip

    assert client.check_redirect_uri("https://appli.caf.fr/retour")
    assert not client.check_redirect_uri("https://appli.caf.fr/retour/")
    assert not client.check_redirect_uri("https://appli.caf.fr/retour?x=1")
    assert client.check_endpoint_auth_method("none", "token")
    assert not client.check_endpoint_auth_method("client_secret_basic", "token")
    assert client.check_grant_type("authorization_code")
    assert not client.check_grant_type("client_credentials")
    assert not client.check_grant_type("password") and not client.check_response_type("token")
    assert client.subject_sector == "first-party"
    assert client.backchannel_logout_uri == "https://appli.caf.fr/deconnexion"
    assert client.check_post_logout_redirect_uri("https://appli.caf.fr/au-revoir")
    assert not client.check_post_logout_redirect_uri("https://appli.caf.fr/au-revoir/")
    assert not client.check_post_logout_redirect_uri("https://appli.caf.fr/au-revoir?x=1")
    assert client.display_name == "appli"  # no name registered: its id


def test_a_client_is_named_for_the_person_and_may_ask_the_household_scope(capsys: Any) -> None:
    registered = main_clients(["appli-caf", "--public", "--name", "Caf - Mon Compte",
                               "--scope", "household",
                               "--redirect-uri", "https://appli.caf.fr/retour"])  # fmt: skip
    assert registered == 0
    printed = capsys.readouterr().out

    [(client)] = parse_api_clients(printed.split("API_CLIENTS entry: ")[1])
    assert client.display_name == "Caf - Mon Compte"
    assert client.scopes == ("openid", "household")
    assert client.get_allowed_scope("openid household nir") == "openid household"


def test_the_command_registers_a_public_client_without_a_secret(capsys: Any) -> None:
    assert main_clients(["appli-caf", "--public", "--first-party", "--scope", "profile",
                         "--redirect-uri", "https://appli.caf.fr/retour"]) == 0  # fmt: skip
    printed = capsys.readouterr().out

    assert "client secret" not in printed
    [(client)] = parse_api_clients(printed.split("API_CLIENTS entry: ")[1])
    assert (client.type, client.scopes, client.first_party) == (
        "public",
        ("openid", "profile"),
        True,
    )
    assert (
        main_clients(
            [
                "partenaire",
                "--confidential",
                "--scope",
                "nir",
                "--redirect-uri",
                "https://p.example/r",
            ]
        )
        == 2
    )  # no legal basis: refused


def test_the_command_registers_a_confidential_client_with_its_secret_shown_once(
    capsys: Any,
) -> None:
    assert main_clients(["partenaire", "--confidential", "--redirect-uri", "https://p.example/r",
                         "--scope", "nir", "--nir-legal-basis", "Convention"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    secret = printed.split("then forget it): ")[1].split()[0]

    [(client)] = parse_api_clients(printed.split("API_CLIENTS entry: ")[1])
    assert client.check_client_secret(secret) and client.check_endpoint_auth_method(
        "client_secret_basic", "token"
    )
