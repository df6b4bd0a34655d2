"""Caf connect (spec §18, issue #33): Mon Compte as the agency's OpenID provider, against the four
real services and two gateway replicas sharing nothing but identity (a code issued by one is
redeemed at the other, and a second redemption at either is refused).

Given a person registered, when a relying party sends them to ``/oauth2/authorize``, then they
log in on the portal's CONNEXION page, the client gets a code (``state``, ``iss``), and the token
endpoint gives an ID token (``nonce``, ``acr``, ``amr``, ``sid``, ``auth_time``, pairwise
``sub``) and an RFC 9068 access token for ``userinfo``. Every refusal is the standard error."""

from __future__ import annotations

import base64
import html
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_harness import Api
from caf_connect_harness import (
    ISSUER,
    ORIGIN,
    OTHER_RETURN,
    PARTNER_RETURN,
    PARTNER_SECRET,
    SERVER_RETURN,
    Request,
    basic,
    client_assertion,
    replica,
    returned,
)
from joserfc import jwt
from joserfc.jwk import KeySet

from gateway import sessions
from shared.testing import wait_for
from shared.testing.journeys.people import JONAS, PASSWORD
from shared.testing.journeys.platform import Platform

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ONWARD = re.compile(r'http-equiv="refresh" content="0;url=([^"]+)"')
PASSWORD_ACR = "urn:caf:connect:acr:mot-de-passe"
NIR = (JONAS.nir or "").replace(" ", "")


@pytest.fixture
def replicas(platform: Platform, tmp_path: Path, service_config: dict[str, Any]) -> Iterator[Any]:
    """Two gateway replicas (one deployment: same cookie key, same key set), one person."""
    platform.register(JONAS)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    a, client_a = replica(tmp_path, service_config["AMQP_URI"], key)
    b, client_b = replica(tmp_path, service_config["AMQP_URI"], key)
    yield a, b
    client_a.close()
    client_b.close()


def form_token(browser: Any, page: str = "/connexion") -> str:
    found = _CSRF.search(browser.get(page, base_url=ORIGIN).get_data(as_text=True))
    assert found
    return found.group(1)


def log_in(browser: Any) -> Any:
    return browser.post(
        "/connexion",
        data={"csrf_token": form_token(browser), "identifier": JONAS.nir, "password": PASSWORD},
        base_url=ORIGIN,
    )


def onward(answer: Any) -> str:
    """Where the small page that follows a form sends the browser."""
    found = _ONWARD.search(answer.get_data(as_text=True))
    assert found, answer.get_data(as_text=True)
    return html.unescape(found.group(1))


def authorize_after_login(browser: Any, request: Request) -> Any:
    """The person arrives from the client, logs in on CONNEXION, comes back to the request."""
    first = browser.get(request.url(), base_url=ORIGIN)
    assert first.status_code == 302 and first.headers["Location"] == "/connexion"
    logged_in = log_in(browser)
    assert logged_in.headers["Location"] == "/oauth2/reprendre"
    resumed = browser.get("/oauth2/reprendre", base_url=ORIGIN)
    return browser.get(onward(resumed), base_url=ORIGIN)


def code_of(answer: Any, request: Request) -> str:
    assert answer.status_code == 302, answer.get_data(as_text=True)
    params = returned(answer.headers["Location"])
    assert answer.headers["Location"].startswith(request.redirect_uri + "?")
    assert params["state"] == request.state and params["iss"] == ISSUER  # RFC 9207
    assert "code" in params, params
    return params["code"]


def verified(app: Any, token: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(app.test_client().get("/oauth2/jwks", base_url=ORIGIN).json)
    return dict(jwt.decode(token, keys, algorithms=["ES256"]).claims)


def test_a_public_client_logs_a_person_in_through_the_portal(replicas: Any) -> None:
    a, b = replicas
    request = Request()

    code = code_of(authorize_after_login(a.test_client(), request), request)
    tokens = b.test_client().post("/oauth2/token", data=request.token_form(code), base_url=ORIGIN)

    assert tokens.status_code == 200, tokens.json
    assert tokens.headers["Cache-Control"] == "no-store"
    id_token = verified(b, tokens.json["id_token"])
    assert id_token["iss"] == ISSUER and id_token["aud"] == "appli-caf"
    assert id_token["nonce"] == request.nonce
    assert id_token["acr"] == PASSWORD_ACR and id_token["amr"] == ["pwd"]
    assert id_token["sid"] and id_token["auth_time"] <= id_token["iat"]
    assert NIR not in id_token["sub"]
    access = verified(a, tokens.json["access_token"])
    assert access["client_id"] == "appli-caf" and access["sub"] == id_token["sub"]
    header = tokens.json["access_token"].split(".")[0]
    assert b'"at+jwt"' in base64.urlsafe_b64decode(header + "==")  # RFC 9068
    info = a.test_client().get(
        "/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens.json["access_token"]},
        base_url=ORIGIN,
    )  # fmt: skip
    assert info.json == {"sub": id_token["sub"], "family_name": "DUCHAIS",
                         "given_name": "JONAS", "birthdate": "1985-01-14"}  # fmt: skip


def test_the_household_scope_gives_the_persons_role_in_their_file_from_delegation(
    replicas: Any, platform: Platform
) -> None:
    a, b = replicas
    request = Request(scope="openid household")
    code = code_of(authorize_after_login(a.test_client(), request), request)
    tokens = b.test_client().post("/oauth2/token", data=request.token_form(code), base_url=ORIGIN)
    sub = verified(b, tokens.json["id_token"])["sub"]

    def userinfo() -> dict[str, Any]:
        bearer = {"Authorization": "Bearer " + tokens.json["access_token"]}
        return dict(a.test_client().get("/oauth2/userinfo", headers=bearer, base_url=ORIGIN).json)

    before = userinfo()  # in no household file yet: the claim is left out, not null
    platform.rpc.delegation.register_household(
        "0123456", [JONAS.as_member("allocataire")], "agent-42"
    )
    wait_for(lambda: userinfo().get("household_role") == "allocataire", interval=0.2)

    assert before == {"sub": sub}
    assert userinfo() == {"sub": sub, "household_role": "allocataire"}  # the role, no names


def test_access_tokens_serve_only_their_audience(replicas: Any) -> None:
    """RFC 9700 §2.3: a Caf connect token is refused by the HTTP API, an API token by userinfo."""
    a, b = replicas
    request = Request()
    code = code_of(authorize_after_login(a.test_client(), request), request)
    connect_token = (
        b.test_client()
        .post("/oauth2/token", data=request.token_form(code), base_url=ORIGIN)
        .json["access_token"]
    )
    api_token = Api(a).token("passerelle")

    at_api = a.test_client().get(
        "/api/v1/session",
        headers={"Authorization": "Bearer " + connect_token, "X-Session-Token": "t"},
        base_url=ORIGIN,
    )
    at_userinfo = a.test_client().get(
        "/oauth2/userinfo", headers={"Authorization": "Bearer " + api_token}, base_url=ORIGIN
    )

    assert at_api.status_code == at_userinfo.status_code == 401


def test_a_code_is_single_use_across_replicas_even_at_once(replicas: Any) -> None:
    a, b = replicas
    request = Request()
    code = code_of(authorize_after_login(a.test_client(), request), request)
    answers: list[Any] = []

    def redeem(app: Any) -> None:
        answers.append(app.test_client().post("/oauth2/token", data=request.token_form(code),
                                              base_url=ORIGIN))  # fmt: skip

    both = [threading.Thread(target=redeem, args=(app,)) for app in (a, b)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()
    replayed = a.test_client().post("/oauth2/token", data=request.token_form(code),
                                    base_url=ORIGIN)  # fmt: skip

    assert sorted(answer.status_code for answer in answers) == [200, 400]
    assert [x.json["error"] for x in answers if x.status_code == 400] == ["invalid_grant"]
    assert replayed.status_code == 400 and replayed.json["error"] == "invalid_grant"


def test_a_session_is_reused_and_prompt_login_max_age_and_prompt_none_are_honoured(
    replicas: Any, platform: Platform
) -> None:
    a, _ = replicas
    browser = a.test_client()
    first = Request()
    code_of(authorize_after_login(browser, first), first)
    again = Request()
    quiet = Request(extra={"prompt": "none"})

    reused = browser.get(again.url(), base_url=ORIGIN)  # the portal session: no login page
    silent = browser.get(quiet.url(), base_url=ORIGIN)
    forced = browser.get(Request(extra={"prompt": "login"}).url(), base_url=ORIGIN)
    platform.clock.advance(seconds=120)
    recent_enough = Request(extra={"max_age": "600"})
    still = browser.get(recent_enough.url(), base_url=ORIGIN)
    old = browser.get(Request(extra={"max_age": "60"}).url(), base_url=ORIGIN)
    stranger = a.test_client().get(quiet.url(), base_url=ORIGIN)
    franceconnect_only = browser.get(
        Request(extra={"acr_values": "urn:caf:connect:acr:franceconnect"}).url(), base_url=ORIGIN
    )

    assert code_of(reused, again) and code_of(silent, quiet) and code_of(still, recent_enough)
    assert forced.headers["Location"] == old.headers["Location"] == "/connexion"
    # a password session does not meet acr_values=franceconnect: straight to FranceConnect
    assert franceconnect_only.headers["Location"] == "/franceconnect/connexion"
    refused = returned(stranger.headers["Location"])
    assert refused["error"] == "login_required" and refused["state"] == quiet.state
    assert refused["iss"] == ISSUER


def test_after_the_login_prompt_login_and_max_age_asked_for_a_code_follows_once(
    replicas: Any, platform: Platform
) -> None:
    a, _ = replicas
    browser = a.test_client()
    first = Request()
    code_of(authorize_after_login(browser, first), first)
    platform.clock.advance(seconds=120)
    forced = Request(extra={"prompt": "login", "max_age": "60"})

    sent_to_login = browser.get(forced.url(), base_url=ORIGIN)
    logged_in = log_in(browser)  # the login page again, though a session was open
    resumed = browser.get("/oauth2/reprendre", base_url=ORIGIN)
    answer = browser.get(onward(resumed), base_url=ORIGIN)
    again = browser.get(forced.url(), base_url=ORIGIN)  # the same request a second time

    assert sent_to_login.headers["Location"] == "/connexion"
    assert logged_in.headers["Location"] == "/oauth2/reprendre"
    assert code_of(answer, forced)
    assert again.headers["Location"] == "/connexion"  # "just logged in" served once


def test_a_client_not_first_party_asks_consent_in_french_and_gets_a_pairwise_subject(
    replicas: Any,
) -> None:
    a, b = replicas
    browser = a.test_client()
    log_in(browser)
    request = Request("partenaire", PARTNER_RETURN, "openid profile nir")

    page = browser.get(request.url(), base_url=ORIGIN)
    text = page.get_data(as_text=True)
    decided = browser.post("/oauth2/consentement", base_url=ORIGIN,
                           data={"csrf_token": form_token(browser, request.url()),
                                 "decision": "autoriser"})  # fmt: skip
    # the consent page was shown twice (once more for its token): the last one is answered
    code = code_of(browser.get(onward(decided), base_url=ORIGIN), request)
    tokens = b.test_client().post(
        "/oauth2/token",
        data=request.token_form(code, client_id=""),
        headers=basic("partenaire", PARTNER_SECRET),
        base_url=ORIGIN,
    )
    first_party = Request()
    own = code_of(browser.get(first_party.url(), base_url=ORIGIN), first_party)
    own_tokens = a.test_client().post("/oauth2/token", data=first_party.token_form(own),
                                      base_url=ORIGIN)  # fmt: skip

    assert page.status_code == 200 and "Autoriser l'accès à vos informations" in text
    assert "Votre numéro de Sécurité sociale (NIR)" in text and "partenaire" in text
    partner_sub = verified(b, tokens.json["id_token"])["sub"]
    assert partner_sub != verified(a, own_tokens.json["id_token"])["sub"]
    info = a.test_client().get(
        "/oauth2/userinfo", headers={"Authorization": "Bearer " + tokens.json["access_token"]},
        base_url=ORIGIN,
    )  # fmt: skip
    assert info.json["nir"] == NIR


def test_prompt_consent_asks_a_first_party_client_too_and_prompt_none_says_consent_required(
    replicas: Any,
) -> None:
    """OIDC Core §3.1.2.1: ``prompt=consent`` shows the consent page to every client; with
    ``prompt=none``, a client the person has not allowed yet gets ``consent_required``."""
    a, _ = replicas
    browser = a.test_client()
    first = Request()
    code_of(authorize_after_login(browser, first), first)  # first party: no page
    asked = Request(extra={"prompt": "consent"})

    page = browser.get(asked.url(), base_url=ORIGIN)
    decided = browser.post("/oauth2/consentement", base_url=ORIGIN,
                           data={"csrf_token": form_token(browser, asked.url()),
                                 "decision": "autoriser"})  # fmt: skip
    code = code_of(browser.get(onward(decided), base_url=ORIGIN), asked)
    silent = Request("autre-appli", OTHER_RETURN, extra={"prompt": "none"})
    refused = returned(browser.get(silent.url(), base_url=ORIGIN).headers["Location"])

    assert page.status_code == 200
    assert "Autoriser l'accès à vos informations" in page.get_data(as_text=True)
    assert code
    assert refused["error"] == "consent_required" and refused["state"] == silent.state
    assert refused["iss"] == ISSUER


def test_a_refused_consent_is_access_denied(replicas: Any) -> None:
    a, _ = replicas
    browser = a.test_client()
    log_in(browser)
    request = Request("autre-appli", OTHER_RETURN)
    browser.get(request.url(), base_url=ORIGIN)

    refused = browser.post("/oauth2/consentement", base_url=ORIGIN,
                           data={"csrf_token": form_token(browser, request.url()),
                                 "decision": "refuser"})  # fmt: skip
    back = browser.get(onward(refused), base_url=ORIGIN)

    assert returned(back.headers["Location"])["error"] == "access_denied"


def test_requests_a_client_library_would_never_send_are_refused_with_the_standard_error(
    replicas: Any,
) -> None:
    a, _ = replicas
    browser = a.test_client()
    log_in(browser)

    wrong_uri = browser.get(Request(redirect_uri=APP_ELSEWHERE).url(), base_url=ORIGIN)
    unknown = browser.get(Request(client_id="inconnu").url(), base_url=ORIGIN)
    no_pkce = browser.get(Request(extra={"code_challenge": "", "code_challenge_method": ""}).url(),
                          base_url=ORIGIN)  # fmt: skip
    plain = Request()
    plain.extra = {"code_challenge": plain.verifier, "code_challenge_method": "plain"}
    plain_answer = browser.get(plain.url(), base_url=ORIGIN)
    implicit = browser.get(Request(extra={"response_type": "token"}).url(), base_url=ORIGIN)
    no_openid = browser.get(Request(scope="profile").url(), base_url=ORIGIN)
    nir_not_allowed = browser.get(Request(scope="openid nir").url(), base_url=ORIGIN)

    # never sent to an address nobody registered: said on the portal's page
    assert wrong_uri.status_code == unknown.status_code == 400
    assert "Location" not in wrong_uri.headers and "Demande de connexion refusée" in html.unescape(
        wrong_uri.get_data(as_text=True)
    )
    for answer, error in ((no_pkce, "invalid_request"), (plain_answer, "invalid_request"),
                          (implicit, "unsupported_response_type"), (no_openid, "invalid_scope"),
                          (nir_not_allowed, "invalid_scope")):  # fmt: skip
        assert answer.status_code == 302, error
        assert returned(answer.headers["Location"])["error"] == error


def test_tokens_are_refused_to_a_wrong_verifier_redirect_uri_or_client(replicas: Any) -> None:
    a, b = replicas
    browser = a.test_client()
    log_in(browser)
    token = b.test_client()

    def fresh() -> tuple[Request, str]:
        request = Request()
        return request, code_of(browser.get(request.url(), base_url=ORIGIN), request)

    request, code = fresh()
    wrong_verifier = token.post(
        "/oauth2/token",
        base_url=ORIGIN,
        data=request.token_form(code, code_verifier=Request().verifier),
    )
    request, code = fresh()
    no_verifier = token.post(
        "/oauth2/token", base_url=ORIGIN, data=request.token_form(code, code_verifier="")
    )
    request, code = fresh()
    other_uri = token.post(
        "/oauth2/token", base_url=ORIGIN, data=request.token_form(code, redirect_uri=OTHER_RETURN)
    )
    request, code = fresh()
    stolen = token.post(
        "/oauth2/token",
        base_url=ORIGIN,
        data=request.token_form(code, client_id="autre-appli", redirect_uri=OTHER_RETURN),
    )
    after_theft = token.post("/oauth2/token", base_url=ORIGIN, data=request.token_form(code))
    no_auth = token.post("/oauth2/token", base_url=ORIGIN,
                         data=request.token_form(code, client_id="partenaire"))  # fmt: skip

    assert wrong_verifier.json["error"] == "invalid_grant"
    assert no_verifier.json["error"] == "invalid_request"
    assert other_uri.json["error"] == "invalid_grant"
    assert stolen.json["error"] == after_theft.json["error"] == "invalid_grant"
    assert no_auth.status_code == 401 and no_auth.json["error"] == "invalid_client"


def test_discovery_and_the_key_set_say_what_a_client_library_needs(replicas: Any) -> None:
    a, _ = replicas
    http = a.test_client()

    discovery = http.get("/.well-known/openid-configuration", base_url=ORIGIN).json
    keys = http.get("/oauth2/jwks", base_url=ORIGIN).json["keys"]

    assert discovery["issuer"] == ISSUER
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["authorization_response_iss_parameter_supported"] is True
    assert discovery["backchannel_logout_supported"] is True
    assert discovery["backchannel_logout_session_supported"] is True
    assert "implicit" not in discovery["grant_types_supported"]
    assert "password" not in discovery["grant_types_supported"]
    assert len(keys) == 2 and all("d" not in k and k["alg"] == "ES256" for k in keys)


APP_ELSEWHERE = "https://appli.caf.example/connexion/retour/autre"


def test_a_server_side_client_authenticates_with_its_own_key_once_per_assertion(
    replicas: Any,
) -> None:
    """private_key_jwt: the registry holds the client's public key; an assertion serves once
    (on any replica), and one signed by another key, or living too long, is refused."""
    a, b = replicas
    browser = a.test_client()
    log_in(browser)
    assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    def redeem(app: Any, assertion: str) -> Any:
        request = Request("serveur-caf", SERVER_RETURN)
        code = code_of(browser.get(request.url(), base_url=ORIGIN), request)
        form = request.token_form(code, client_id="", client_assertion_type=assertion_type,
                                  client_assertion=assertion)  # fmt: skip
        return app.test_client().post("/oauth2/token", data=form, base_url=ORIGIN)

    assertion = client_assertion("serveur-caf", ISSUER)
    accepted = redeem(a, assertion)
    replayed = redeem(b, assertion)
    too_long = redeem(a, client_assertion("serveur-caf", ISSUER, ttl=3600))
    wrong_audience = redeem(a, client_assertion("serveur-caf", "https://ailleurs.example"))

    assert accepted.status_code == 200 and accepted.json["id_token"]
    for refused in (replayed, too_long, wrong_audience):
        # RFC 6749 §5.2: 401 only for credentials sent in the Authorization header
        assert (refused.status_code, refused.json["error"]) == (400, "invalid_client")


def test_an_abandoned_request_does_not_follow_a_later_login(
    replicas: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone who left an application's login and, later, logs in to the portal itself stays
    on the portal: a pending request is forgotten after 10 minutes."""
    a, _ = replicas
    browser = a.test_client()
    now = [2_000_000_000.0]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])

    assert browser.get(Request().url(), base_url=ORIGIN).headers["Location"] == "/connexion"
    now[0] += 601
    later = log_in(browser)

    assert later.headers["Location"] == "/mon-compte"
