"""Caf connect's RP-initiated logout (issue #34, gateway/oidc/logout.py) as the person's browser
meets it, identity scripted: given a portal session and an application's logout request, then the
session ends at once only for an ID token of this very session, anything else asks first, a
forged hint ends nothing, and the browser goes back only to an address the client registered,
exactly, with its ``state``."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fake_services import FakeServices, Visitor
from joserfc import jwt
from joserfc.jwk import ECKey
from page_reader import Page

from gateway.app import create_app
from gateway.oidc.keys import SigningKeys, new_key_set, rotate
from gateway.settings import GatewaySettings

ISSUER = "https://localhost"
GOODBYE = "https://appli.caf.fr/au-revoir"
PARTNER_END = "https://partenaire.example/fin"
REGISTRY = {
    "appli-caf": {"type": "public", "name": "Caf - Mon Compte", "first_party": True,
                  "redirect_uris": ["https://appli.caf.fr/retour"],
                  "post_logout_redirect_uris": [GOODBYE]},
    "partenaire": {"type": "public", "redirect_uris": ["https://partenaire.example/retour"],
                   "post_logout_redirect_uris": [PARTNER_END]},
}  # fmt: skip
SID = "2b0c6f0e-portal-session"


def session_token(sid: str = SID) -> str:
    """Shaped like identity's session token (a JWT whose ``jti`` is the session's id)."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'ES256'})}.{part({'jti': sid, 'account_id': 'a-1'})}.c2ln"


def app_with(keys: dict[str, Any], fake_services: FakeServices, tmp_path: Path) -> Visitor:
    settings = GatewaySettings.from_mapping(
        {"ENVIRONMENT": "test", "AMQP_URI": "amqp://unused/", "DATA_DIR": str(tmp_path),
         "SECRET_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
         "PUBLIC_URL": ISSUER, "API_CLIENTS": json.dumps(REGISTRY),
         "OIDC_SIGNING_KEYS": json.dumps(keys)},
        "gateway",
    )  # fmt: skip
    return Visitor(create_app(settings, client=fake_services))


@pytest.fixture
def keys() -> dict[str, Any]:
    return new_key_set()


@pytest.fixture
def browser(keys: dict[str, Any], fake_services: FakeServices, tmp_path: Path) -> Visitor:
    return app_with(keys, fake_services, tmp_path)


def id_token(keys: dict[str, Any], aud: str = "appli-caf", sid: str = SID, **changes: Any) -> str:
    """An ID token we signed an hour ago (expired: a logout accepts it all the same)."""
    then = int(time.time()) - 3600
    claims = {"iss": ISSUER, "sub": "s-1", "aud": aud, "azp": aud, "iat": then,
              "exp": then + 300, "auth_time": then, "sid": sid, **changes}  # fmt: skip
    return SigningKeys.from_setting(keys).sign(claims, "JWT")


def logged_in(browser: Visitor, fake_services: FakeServices, sid: str = SID) -> None:
    token = session_token(sid)
    fake_services.answer(
        "identity.login",
        {"outcome": "ok", "session": {"token": token, "expires_at": "2099-01-01T00:00:00+00:00"}},
    )
    fake_services.answer(
        "identity.verify_session",
        {"valid": True, "account_id": "a-1", "auth_method": "password",
         "expires_at": "2099-01-01T00:00:00+00:00"},
    )  # fmt: skip
    fake_services.answer("identity.logout", {"outcome": "logged_out"})
    fake_services.answer("delegation.authorize", {"allowed": True, "reason": None})
    answer = browser.post(
        "/connexion", {"identifier": "1 85 01 75 100 001", "password": "x"}, page="/connexion"
    )
    assert answer.status_code == 302


def logout_url(**params: str) -> str:
    return "/oauth2/logout?" + urlencode(params)


def logouts(fake_services: FakeServices) -> int:
    return len(fake_services.called("identity.logout"))


def text(answer: Any) -> str:
    return Page(answer.get_data(as_text=True)).text


def test_the_hint_of_this_very_session_logs_out_at_once_and_goes_back_with_the_state(
    browser: Visitor, fake_services: FakeServices, keys: dict[str, Any]
) -> None:
    logged_in(browser, fake_services)

    answer = browser.get(logout_url(id_token_hint=id_token(keys), state="xyz",
                                    post_logout_redirect_uri=GOODBYE))  # fmt: skip
    after = browser.get("/mon-compte")

    assert answer.status_code == 302 and answer.headers["Location"] == GOODBYE + "?state=xyz"
    assert fake_services.called("identity.logout") == [((session_token(),), {})]
    assert after.status_code == 302 and after.headers["Location"] == "/connexion"


def test_a_post_logout_address_not_registered_exactly_is_never_followed(
    browser: Visitor, fake_services: FakeServices, keys: dict[str, Any]
) -> None:
    logged_in(browser, fake_services)

    near = browser.get(logout_url(id_token_hint=id_token(keys), state="s",
                                  post_logout_redirect_uri=GOODBYE + "/"))  # fmt: skip
    logged_in(browser, fake_services)
    anothers = browser.get(logout_url(id_token_hint=id_token(keys), state="s",
                                      post_logout_redirect_uri=PARTNER_END))  # fmt: skip

    for answer in (near, anothers):
        assert answer.status_code == 200 and "Location" not in answer.headers
        shown = text(answer)
        assert "Vous êtes déconnecté(e)" in shown
        assert "n'est pas celle qu'elle a déclarée : vous n'y êtes pas renvoyé(e)" in shown
        assert "appli.caf.fr" not in answer.get_data(as_text=True)
    assert logouts(fake_services) == 2  # the hint was this session's: it ended all the same


def test_without_a_hint_the_person_is_asked_and_a_form_without_its_token_ends_nothing(
    browser: Visitor, fake_services: FakeServices
) -> None:
    logged_in(browser, fake_services)
    request = logout_url(client_id="appli-caf", post_logout_redirect_uri=GOODBYE, state="s2")

    asked = browser.get(request)
    forged_form = browser.http.post("/oauth2/deconnexion", data={"decision": "deconnecter"},
                                    base_url=ISSUER)  # fmt: skip
    confirmed = browser.post("/oauth2/deconnexion", {"decision": "deconnecter"}, page=request)
    onward = re.search(r'url=([^"]+)"', confirmed.get_data(as_text=True))
    back = browser.get(onward.group(1) if onward else "/")

    assert asked.status_code == 200 and Page(asked.get_data(as_text=True)).title.startswith(
        "Voulez-vous vous déconnecter ?"
    )
    assert "L'application Caf - Mon Compte demande la fin de votre session" in text(asked)
    assert forged_form.status_code == 400
    assert confirmed.status_code == 200 and logouts(fake_services) == 1
    assert back.status_code == 302 and back.headers["Location"] == GOODBYE + "?state=s2"


def test_staying_logged_in_ends_nothing_and_goes_back_to_the_application(
    browser: Visitor, fake_services: FakeServices
) -> None:
    logged_in(browser, fake_services)
    request = logout_url(client_id="appli-caf", post_logout_redirect_uri=GOODBYE, state="s3")

    stayed = browser.post("/oauth2/deconnexion", {"decision": "rester"}, page=request)
    onward = re.search(r'url=([^"]+)"', stayed.get_data(as_text=True))
    back = browser.get(onward.group(1) if onward else "/")

    assert logouts(fake_services) == 0
    assert back.headers["Location"] == GOODBYE + "?state=s3"
    assert "Voulez-vous vous déconnecter ?" in text(browser.get(request))  # still logged in


def test_the_hint_of_another_session_asks_first(
    browser: Visitor, fake_services: FakeServices, keys: dict[str, Any]
) -> None:
    logged_in(browser, fake_services)

    answer = browser.get(logout_url(id_token_hint=id_token(keys, sid="another-session")))

    assert answer.status_code == 200 and "Voulez-vous vous déconnecter ?" in text(answer)
    assert logouts(fake_services) == 0


@pytest.mark.parametrize(
    "forgery",
    ["foreign key", "unknown client", "client_id not its audience", "not a token", "other issuer"],
)
def test_a_forged_hint_ends_nothing_and_sends_nobody_anywhere(
    browser: Visitor, fake_services: FakeServices, keys: dict[str, Any], forgery: str
) -> None:
    logged_in(browser, fake_services)
    stranger = ECKey.generate_key("P-256", private=True)
    genuine_kid = SigningKeys.from_setting(keys).kid
    claims = {"iss": ISSUER, "aud": "appli-caf", "sid": SID, "exp": int(time.time()) + 60}
    params = {"post_logout_redirect_uri": GOODBYE, "state": "s",
              "id_token_hint": {
                  "foreign key": jwt.encode({"alg": "ES256", "kid": genuine_kid, "typ": "JWT"},
                                            claims, stranger),
                  "unknown client": id_token(keys, aud="inconnu"),
                  "client_id not its audience": id_token(keys),
                  "not a token": "pas-un-jeton",
                  "other issuer": id_token(keys, iss="https://ailleurs.example"),
              }[forgery]}  # fmt: skip
    if forgery == "client_id not its audience":
        params["client_id"] = "partenaire"

    answer = browser.get(logout_url(**params))

    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "Demande de déconnexion refusée" in text(answer)
    assert "Vous n'avez pas été déconnecté(e)" in text(answer)
    assert logouts(fake_services) == 0


def test_a_hint_signed_by_a_retired_key_still_logs_out(
    fake_services: FakeServices, keys: dict[str, Any], tmp_path: Path
) -> None:
    old_hint = id_token(keys)
    browser = app_with(rotate(keys, time.time()), fake_services, tmp_path)  # retired, published
    logged_in(browser, fake_services)

    answer = browser.get(logout_url(id_token_hint=old_hint, post_logout_redirect_uri=GOODBYE))

    assert answer.headers["Location"] == GOODBYE and logouts(fake_services) == 1


def test_without_a_portal_session_nothing_ends_and_the_registered_address_follows(
    browser: Visitor, fake_services: FakeServices, keys: dict[str, Any]
) -> None:
    answer = browser.get(logout_url(id_token_hint=id_token(keys), state="s4",
                                    post_logout_redirect_uri=GOODBYE, ui_locales="en"))  # fmt: skip
    nowhere = browser.get(logout_url(post_logout_redirect_uri=GOODBYE))  # no client named

    assert answer.headers["Location"] == GOODBYE + "?state=s4"
    assert nowhere.status_code == 200 and "Location" not in nowhere.headers
    assert fake_services.calls == []


def test_the_form_variant_continues_as_a_get_without_writing_the_cookie(
    browser: Visitor, keys: dict[str, Any]
) -> None:
    form = {"id_token_hint": id_token(keys), "post_logout_redirect_uri": GOODBYE, "state": "s5"}

    answer = browser.http.post("/oauth2/logout", data=form, base_url=ISSUER)

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/oauth2/logout?id_token_hint=")
    assert "state=s5" in answer.headers["Location"]
    assert "Set-Cookie" not in answer.headers  # the person's Lax cookie, unsent, is not replaced


def test_discovery_names_the_end_session_endpoint(browser: Visitor) -> None:
    discovery = browser.get("/.well-known/openid-configuration").get_json()

    assert discovery["end_session_endpoint"] == ISSUER + "/oauth2/logout"
    assert "household" in discovery["scopes_supported"]
    assert "household_role" in discovery["claims_supported"]
