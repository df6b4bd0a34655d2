"""Caf connect with FranceConnect (spec §18, issue #33 items 2 and 4), end to end: two gateway
replicas, the four real services, and a real OpenID provider shaped like FranceConnect v2 on
localhost (services/identity/tests/oidc_provider.py) that identity really talks to.

Given Jonas, whose account is linked to FranceConnect, when an application sends him to
``/oauth2/authorize`` (PKCE S256) asking ``acr_values=…:franceconnect``, or asking nothing and
he picks FranceConnect on the CONNEXION page, then he goes through FranceConnect, comes back to
the application's request, and the ID token the code is exchanged for (verified against the
JWKS) says ``acr`` ``urn:caf:connect:acr:franceconnect`` and ``amr`` ``["fc"]``, with the ``sid``
and ``auth_time`` of the portal session that FranceConnect login opened; a password login says
``urn:caf:connect:acr:mot-de-passe`` and ``["pwd"]``."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from caf_connect_harness import ISSUER, ORIGIN, Request, replica
from joserfc import jwt
from test_caf_connect import authorize_after_login, code_of, log_in, onward, verified

from gateway.tests.browser.franceconnect_provider import load_oidc_provider
from shared.runtime.clock import Clock
from shared.testing.journeys.people import JONAS, PASSWORD
from shared.testing.journeys.platform import Platform

FRANCECONNECT_ACR = "urn:caf:connect:acr:franceconnect"
PASSWORD_ACR = "urn:caf:connect:acr:mot-de-passe"
#: Jonas as FranceConnect certifies him; born in Paris (75056), which his NIR's commune does not
#: confirm: no match, so he linked his account once with his password (``linked`` below).
JONAS_AT_FRANCECONNECT = {
    "sub": "fc-sub-jonas-" + secrets.token_hex(4),
    "given_name": "Jonas",
    "family_name": "DUCHAIS",
    "birthdate": "1985-01-14",
    "gender": "male",
    "birthplace": "75056",
    "birthcountry": "99100",
}


@pytest.fixture
def franceconnect() -> Iterator[Any]:
    provider = load_oidc_provider().OidcProvider(Clock()).start()
    provider.person = dict(JONAS_AT_FRANCECONNECT)
    yield provider
    provider.stop()


@pytest.fixture
def service_config(service_config: dict[str, Any], franceconnect: Any) -> dict[str, Any]:
    """identity's FranceConnect settings: the stand-in provider, the portal's callback."""
    return {
        **service_config,
        **franceconnect.identity_config(),
        "FRANCECONNECT_REDIRECT_URIS": ORIGIN + "/franceconnect/retour",
        "FRANCECONNECT_POST_LOGOUT_REDIRECT_URI": ORIGIN + "/franceconnect/deconnecte",
    }


@pytest.fixture
def replicas(
    platform: Platform, franceconnect: Any, tmp_path: Path, service_config: dict[str, Any]
) -> Iterator[Any]:
    """Two gateway replicas; Jonas registered, his account not linked to FranceConnect yet."""
    franceconnect.clock = platform.clock  # its tokens dated by the services' clock
    platform.register(JONAS)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    a, client_a = replica(tmp_path, service_config["AMQP_URI"], key)
    b, client_b = replica(tmp_path, service_config["AMQP_URI"], key)
    yield a, b
    client_a.close()
    client_b.close()


@pytest.fixture
def linked(replicas: Any, platform: Platform, franceconnect: Any) -> Any:
    """The replicas, Jonas's account linked to FranceConnect: once, FranceConnect found no
    match and he logged in with his password."""
    started = platform.rpc.identity.franceconnect_start()
    code, state = franceconnect.browse(started["authorization_url"])
    offered = platform.rpc.identity.franceconnect_callback(code, state)
    assert offered["outcome"] == "link_required", offered
    answer = platform.login(JONAS.nir or "", PASSWORD, franceconnect_link=offered["link_token"])
    assert answer["franceconnect_link"]["outcome"] == "linked", answer
    return replicas


def through_franceconnect(browser: Any, franceconnect: Any, start: Any) -> Any:
    """``start`` sent the browser to the portal's FranceConnect button: the browser goes to
    FranceConnect, the person authenticates, FranceConnect sends them back to the callback."""
    assert start.status_code == 302 and start.headers["Location"] == "/franceconnect/connexion"
    to_provider = browser.get("/franceconnect/connexion", base_url=ORIGIN)
    assert to_provider.status_code == 302
    code, state = franceconnect.browse(to_provider.headers["Location"])
    back = {"code": code, "state": state, "iss": franceconnect.issuer}
    return browser.get("/franceconnect/retour?" + urlencode(back), base_url=ORIGIN)


def resumed(browser: Any, callback: Any) -> Any:
    """After the login, back to the application's pending request: its answer."""
    assert callback.status_code == 302, callback.get_data(as_text=True)
    assert callback.headers["Location"] == "/oauth2/reprendre"
    page = browser.get("/oauth2/reprendre", base_url=ORIGIN)
    return browser.get(onward(page), base_url=ORIGIN)


def id_token_for(app: Any, request: Request, answer: Any) -> dict[str, Any]:
    """The code redeemed at the token endpoint; its ID token verified against the JWKS."""
    code = code_of(answer, request)
    tokens = app.test_client().post("/oauth2/token", data=request.token_form(code),
                                    base_url=ORIGIN)  # fmt: skip
    assert tokens.status_code == 200, tokens.json
    claims = verified(app, tokens.json["id_token"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": request.client_id},
        nonce={"essential": True, "value": request.nonce},
    ).validate(claims)
    return claims


def portal_session(browser: Any) -> dict[str, Any]:
    """The claims of identity's token the portal session holds (the session's own id and the
    time of its login)."""
    with browser.session_transaction() as held:
        payload = str(held["token"]).split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_acr_values_franceconnect_sends_the_person_through_franceconnect_and_says_so(
    linked: Any, franceconnect: Any, platform: Platform
) -> None:
    a, b = linked
    browser = a.test_client()
    request = Request(extra={"acr_values": FRANCECONNECT_ACR})
    platform.clock.advance(minutes=3)

    start = browser.get(request.url(), base_url=ORIGIN)
    answer = resumed(browser, through_franceconnect(browser, franceconnect, start))
    id_token = id_token_for(b, request, answer)

    session = portal_session(browser)
    assert id_token["acr"] == FRANCECONNECT_ACR and id_token["amr"] == ["fc"]
    assert id_token["sid"] == session["jti"]
    assert id_token["auth_time"] == session["auth_time"] == platform.clock.now().timestamp()
    assert franceconnect.authorize_requests[-1]["acr_values"] == "eidas1"


def test_the_person_picks_franceconnect_on_the_connexion_page(
    linked: Any, franceconnect: Any
) -> None:
    a, b = linked
    browser = a.test_client()
    request = Request()

    first = browser.get(request.url(), base_url=ORIGIN)
    assert first.status_code == 302 and first.headers["Location"] == "/connexion"
    page = browser.get("/connexion", base_url=ORIGIN).get_data(as_text=True)
    assert 'href="/franceconnect/connexion"' in page  # « S'identifier avec FranceConnect »
    clicked = browser.get("/franceconnect/connexion", base_url=ORIGIN)
    code, state = franceconnect.browse(clicked.headers["Location"])
    callback = browser.get("/franceconnect/retour?" + urlencode(
        {"code": code, "state": state, "iss": franceconnect.issuer}), base_url=ORIGIN)  # fmt: skip
    id_token = id_token_for(b, request, resumed(browser, callback))

    assert id_token["acr"] == FRANCECONNECT_ACR and id_token["amr"] == ["fc"]
    assert id_token["sid"] == portal_session(browser)["jti"] and id_token["auth_time"]


def test_a_password_login_says_password_and_asking_franceconnect_then_goes_there(
    linked: Any, franceconnect: Any
) -> None:
    """The same person, the same application: the password session's ID token says ``pwd``; an
    ``acr_values=…:franceconnect`` request it does not meet goes to FranceConnect, and the new
    session's ID token says ``fc``; an ordinary request then reuses that session."""
    a, b = linked
    browser = a.test_client()
    by_password = Request()
    password_token = id_token_for(b, by_password, authorize_after_login(browser, by_password))
    password_sid = portal_session(browser)["jti"]
    stronger = Request(extra={"acr_values": FRANCECONNECT_ACR})

    start = browser.get(stronger.url(), base_url=ORIGIN)
    franceconnect_token = id_token_for(
        b, stronger, resumed(browser, through_franceconnect(browser, franceconnect, start))
    )
    ordinary = Request()
    reused = id_token_for(a, ordinary, browser.get(ordinary.url(), base_url=ORIGIN))
    either = Request(extra={"acr_values": f"{PASSWORD_ACR} {FRANCECONNECT_ACR}"})
    met = id_token_for(a, either, browser.get(either.url(), base_url=ORIGIN))

    assert password_token["acr"] == PASSWORD_ACR and password_token["amr"] == ["pwd"]
    assert password_token["sid"] == password_sid and password_token["auth_time"]
    assert franceconnect_token["acr"] == FRANCECONNECT_ACR and franceconnect_token["amr"] == ["fc"]
    assert franceconnect_token["sid"] != password_sid  # a new session, a new sid
    for later in (reused, met):
        assert (later["acr"], later["amr"]) == (FRANCECONNECT_ACR, ["fc"])
        assert later["sid"] == franceconnect_token["sid"]
        assert later["auth_time"] == franceconnect_token["auth_time"]


def test_a_first_franceconnect_login_links_the_account_then_the_request_gets_franceconnect(
    replicas: Any, franceconnect: Any
) -> None:
    """Jonas's account not linked yet, an application asking ``acr_values=…:franceconnect``:
    FranceConnect finds no match, he logs in once with his password to link it (that session
    says ``pwd``, which the request does not accept), so the request sends him to FranceConnect
    again, which now opens his account: the application gets ``fc``, never ``pwd``."""
    a, b = replicas
    browser = a.test_client()
    request = Request(extra={"acr_values": FRANCECONNECT_ACR})

    start = browser.get(request.url(), base_url=ORIGIN)
    offered = through_franceconnect(browser, franceconnect, start)
    link_page = offered.get_data(as_text=True)
    linking = log_in(browser)  # on CONNEXION, the link token kept in the session
    again = browser.get(onward(browser.get("/oauth2/reprendre", base_url=ORIGIN)),
                        base_url=ORIGIN)  # fmt: skip
    id_token = id_token_for(b, request, resumed(browser, through_franceconnect(
        browser, franceconnect, again)))  # fmt: skip

    assert offered.status_code == 200 and "Associer FranceConnect à mon compte" in link_page
    assert linking.headers["Location"] == "/oauth2/reprendre"
    assert id_token["acr"] == FRANCECONNECT_ACR and id_token["amr"] == ["fc"]
    assert id_token["sid"] == portal_session(browser)["jti"]
