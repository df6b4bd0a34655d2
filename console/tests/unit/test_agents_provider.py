"""The development agents' provider: PKCE S256 required, the token exchange refused once the
agent's session at the provider has ended, and never outside development and test."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from console.dev import agents_provider
from console.dev.agents_provider import CLIENT_ID, Client, Provider, create_app

ISSUER = "http://provider.test"
REDIRECT = "http://console.test/connexion/retour"
SECRET = "secret-" + "x" * 30


@pytest.fixture
def provider() -> Provider:
    return Provider(ISSUER, Client(CLIENT_ID, SECRET, (REDIRECT,)), single_factor=True)


def sign_in(provider: Provider, pkce: bool = True, second_factor: bool = True) -> dict[str, str]:
    """The browser's way through the provider; the token endpoint's answer for the console."""
    app = create_app(provider, secrets.token_bytes(32))
    browser = app.test_client()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "s1",
        "nonce": "n1",
    }
    if pkce:
        query |= {"code_challenge": challenge.decode(), "code_challenge_method": "S256"}
    answer = browser.get("/authorize?" + urlencode(query))
    if answer.status_code == 302:
        return {"error": parse_qs(urlsplit(answer.location).query).get("error", [""])[0]}
    browser.post("/login", data={"username": "claire.dupont", "password": "Accueil-Caf-2026"})
    form = {"code": agents_provider.DEVELOPMENT_OTP} if second_factor else {"skip": "1"}
    back = browser.post("/otp", data=form)
    back = browser.get(back.location.removeprefix(ISSUER))
    code = parse_qs(urlsplit(back.location).query)["code"][0]
    token = browser.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(CLIENT_ID, SECRET),
    )
    assert token.status_code == 200, token.json
    return {**token.json, "_browser": browser}  # type: ignore[dict-item]


def exchange(
    provider: Provider, browser: object, subject: str, audience: str = "lockout"
) -> object:
    return browser.post(  # type: ignore[attr-defined]
        "/token",
        data={
            "grant_type": agents_provider.TOKEN_EXCHANGE,
            "subject_token": subject,
            "subject_token_type": agents_provider.ACCESS_TOKEN_TYPE,
            "audience": audience,
        },
        auth=(CLIENT_ID, SECRET),
    )


def test_an_authorization_request_without_pkce_is_refused(provider: Provider) -> None:
    assert sign_in(provider, pkce=False)["error"] in ("invalid_request", "access_denied")


def test_the_id_token_carries_the_multi_factor_acr_roles_and_agency(provider: Provider) -> None:
    token = sign_in(provider)
    keys = KeySet.import_key_set({"keys": [provider.key.as_dict(private=False)]})
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["acr"] == "mfa" and claims["amr"] == ["pwd", "otp"]
    assert claims["roles"] == ["accueil"] and claims["agency"] == "Caf de Paris"
    assert claims["iss"] == ISSUER and claims["aud"] == [CLIENT_ID]


def test_without_the_second_factor_the_acr_is_single_factor(provider: Provider) -> None:
    token = sign_in(provider, second_factor=False)
    keys = KeySet.import_key_set({"keys": [provider.key.as_dict(private=False)]})
    assert jwt.decode(token["id_token"], keys).claims["acr"] == "pwd"


def test_the_exchange_gives_an_rfc9068_token_for_one_service_until_the_logout(
    provider: Provider,
) -> None:
    token = sign_in(provider)
    browser = token["_browser"]
    answer = exchange(provider, browser, token["access_token"])
    assert answer.status_code == 200  # type: ignore[attr-defined]
    service_token = answer.json["access_token"]  # type: ignore[attr-defined]
    decoded = jwt.decode(
        service_token, KeySet.import_key_set({"keys": [provider.key.as_dict(private=False)]})
    )
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.claims["aud"] == "lockout"
    assert decoded.claims["exp"] - decoded.claims["iat"] <= 300
    assert decoded.claims["name"] == "Claire DUPONT" and decoded.claims["roles"] == ["accueil"]
    browser.post("/session/end")  # type: ignore[attr-defined]
    refused = exchange(provider, browser, token["access_token"])
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert refused.json["error"] == "invalid_grant"  # type: ignore[attr-defined]


def test_an_unknown_audience_or_subject_is_refused(provider: Provider) -> None:
    token = sign_in(provider)
    browser = token["_browser"]
    assert exchange(provider, browser, token["access_token"], "gateway").status_code == 400  # type: ignore[attr-defined]
    assert exchange(provider, browser, "forged").status_code == 400  # type: ignore[attr-defined]


def test_the_provider_refuses_to_run_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(SystemExit, match="development or test"):
        agents_provider.main([])
