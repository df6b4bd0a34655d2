"""Caf connect's token life cycle (issue #34), against the four real services (RabbitMQ,
PostgreSQL) and two gateway replicas sharing nothing but identity.

Given a person logged in to a client through Caf connect, when the client refreshes, revokes or
introspects its tokens, or when the person's portal session ends, then: each refresh gives a new
refresh token (rotation), a spent one presented again ends every token of its family, a revoked
or ended token reads inactive, and every token of a session that ended is refused."""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from caf_connect_harness import (
    ISSUER,
    ORIGIN,
    PARTNER_SECRET,
    SERVER_RETURN,
    Request,
    basic,
    client_assertion,
    registry,
    replica,
)
from test_caf_connect import authorize_after_login, code_of, form_token, log_in

from shared.testing.journeys.people import JONAS, NEW_PASSWORD
from shared.testing.journeys.people import PASSWORD as JONAS_PASSWORD
from shared.testing.journeys.platform import Platform

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def life_registry() -> str:
    """The harness's registry; the mobile app and the server-side client get refresh tokens,
    the server-side client may introspect (a resource server), the partner may not."""
    clients = json.loads(registry())
    clients["appli-caf"]["refresh_tokens"] = True
    clients["serveur-caf"].update(refresh_tokens=True, introspection=True)
    return json.dumps(clients)


@pytest.fixture
def replicas(platform: Platform, tmp_path: Path, service_config: dict[str, Any]) -> Iterator[Any]:
    platform.register(JONAS)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    a, client_a = replica(tmp_path, service_config["AMQP_URI"], key, API_CLIENTS=life_registry())
    b, client_b = replica(tmp_path, service_config["AMQP_URI"], key, API_CLIENTS=life_registry())
    yield a, b
    client_a.close()
    client_b.close()


def server_auth(endpoint: str = "/oauth2/token") -> dict[str, str]:
    """serveur-caf's private_key_jwt, with a key the test made (caf_connect_harness.CLIENT_KEY)."""
    return {"client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion("serveur-caf", ISSUER + endpoint)}  # fmt: skip


def logged_in_tokens(
    app: Any, request: Request, browser: Any = None, first: bool = False
) -> dict[str, Any]:
    """A login through the client in ``browser``; unless ``first``, with ``browser`` its
    portal session already open is reused."""
    if browser is None or first:
        code = code_of(authorize_after_login(browser or app.test_client(), request), request)
    else:
        code = code_of(browser.get(request.url(), base_url=ORIGIN), request)
    form = request.token_form(code)
    if request.client_id == "serveur-caf":
        form = {**request.token_form(code, client_id=""), **server_auth()}
    answer = app.test_client().post("/oauth2/token", data=form, base_url=ORIGIN)
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


def refresh(app: Any, refresh_token: str, client_id: str = "appli-caf") -> Any:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    form.update(server_auth() if client_id == "serveur-caf" else {"client_id": client_id})
    return app.test_client().post("/oauth2/token", data=form, base_url=ORIGIN)


def userinfo(app: Any, access_token: str) -> int:
    answer = app.test_client().get(
        "/oauth2/userinfo", headers={"Authorization": "Bearer " + access_token}, base_url=ORIGIN
    )
    return int(answer.status_code)


def introspect(app: Any, token: str, **auth: Any) -> Any:
    data = {"token": token, **(auth.pop("data", None) or server_auth("/oauth2/introspect"))}
    return app.test_client().post("/oauth2/introspect", data=data, base_url=ORIGIN, **auth)


def test_a_public_client_refreshes_with_rotation_on_any_replica(replicas: Any) -> None:
    a, b = replicas
    first = logged_in_tokens(a, Request())
    assert first["refresh_token"]

    second = refresh(b, first["refresh_token"])
    third = refresh(a, second.json["refresh_token"])

    assert second.status_code == third.status_code == 200, (second.json, third.json)
    assert len({first["refresh_token"], second.json["refresh_token"],
                third.json["refresh_token"]}) == 3  # fmt: skip
    assert second.json["scope"] == "openid profile" and "id_token" not in second.json
    assert userinfo(b, third.json["access_token"]) == 200
    assert second.headers["Cache-Control"] == "no-store"


def test_a_reused_refresh_token_ends_every_token_of_its_family(replicas: Any) -> None:
    a, b = replicas
    first = logged_in_tokens(a, Request())
    rotated = refresh(a, first["refresh_token"]).json  # the client moved on

    reused = refresh(b, first["refresh_token"])  # an old copy comes back: stolen
    live_after = refresh(a, rotated["refresh_token"])

    assert reused.status_code == 400 and reused.json["error"] == "invalid_grant"
    assert live_after.status_code == 400 and live_after.json["error"] == "invalid_grant"
    assert userinfo(a, rotated["access_token"]) == 401
    assert userinfo(b, first["access_token"]) == 401


def test_one_refresh_token_presented_at_two_replicas_at_once_is_rotated_once(
    replicas: Any,
) -> None:
    """Identity decides each rotation (one event): the second presentation is a reuse, and
    the family ends, the winner's new tokens with it (RFC 9700 §4.14.2)."""
    a, b = replicas
    first = logged_in_tokens(a, Request())
    answers: list[Any] = []

    def present(app: Any) -> None:
        answers.append(refresh(app, first["refresh_token"]))

    both = [threading.Thread(target=present, args=(app,)) for app in (a, b)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [200, 400]
    (won,) = [answer.json for answer in answers if answer.status_code == 200]
    assert refresh(a, won["refresh_token"]).json["error"] == "invalid_grant"
    assert userinfo(b, won["access_token"]) == 401


def test_a_client_without_refresh_tokens_gets_none_and_cannot_ask(replicas: Any) -> None:
    a, _ = replicas
    request = Request(client_id="autre-appli", redirect_uri="http://127.0.0.1:8799/retour")
    browser = a.test_client()
    code = code_of(authorize_after_login_with_consent(browser, request), request)
    tokens = a.test_client().post("/oauth2/token", data=request.token_form(code), base_url=ORIGIN)

    assert tokens.status_code == 200 and "refresh_token" not in tokens.json
    refused = refresh(a, "0" * 32 + "." + "x" * 43, client_id="autre-appli")
    assert refused.status_code == 400 and refused.json["error"] == "unauthorized_client"


def authorize_after_login_with_consent(browser: Any, request: Request) -> Any:
    consent_page = authorize_after_login(browser, request)
    assert consent_page.status_code == 200
    answer = browser.post("/oauth2/consentement", data={
        "csrf_token": form_token(browser, "/oauth2/authorize?" + request.url().split("?", 1)[1]),
        "decision": "autoriser"}, base_url=ORIGIN)  # fmt: skip
    from test_caf_connect import onward

    return browser.get(onward(answer), base_url=ORIGIN)


def test_private_key_jwt_introspection_and_revocation(replicas: Any) -> None:
    """A server-side client (private_key_jwt, a key the test made) introspects its tokens, then
    revokes the refresh token: the family ends, access token included."""
    a, b = replicas
    tokens = logged_in_tokens(a, Request(client_id="serveur-caf", redirect_uri=SERVER_RETURN))

    access = introspect(b, tokens["access_token"])
    refresh_info = introspect(a, tokens["refresh_token"])
    revoked = a.test_client().post(
        "/oauth2/revoke", base_url=ORIGIN,
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token",
              **server_auth("/oauth2/revoke")},
    )  # fmt: skip

    assert access.status_code == 200 and access.json["active"] is True
    assert access.json["client_id"] == "serveur-caf" and access.json["scope"] == "openid profile"
    assert access.json["sub"] and access.json["token_type"] == "access_token"
    assert (
        refresh_info.json["active"] is True and refresh_info.json["token_type"] == "refresh_token"
    )
    assert refresh_info.json["client_id"] == "serveur-caf" and refresh_info.json["exp"]
    assert revoked.status_code == 200
    assert introspect(b, tokens["access_token"]).json == {"active": False}
    assert introspect(a, tokens["refresh_token"]).json == {"active": False}
    assert refresh(b, tokens["refresh_token"], client_id="serveur-caf").json["error"] == (
        "invalid_grant"
    )


def test_only_clients_whose_record_allows_it_introspect(replicas: Any) -> None:
    a, _ = replicas
    tokens = logged_in_tokens(a, Request())

    partner = introspect(a, tokens["access_token"], data={},
                         headers=basic("partenaire", PARTNER_SECRET))  # fmt: skip
    public = introspect(a, tokens["access_token"], data={"client_id": "appli-caf"})
    made_up = introspect(a, "pas-un-jeton")

    assert partner.status_code == 400 and partner.json["error"] == "unauthorized_client"
    assert public.status_code == 401 and public.json["error"] == "invalid_client"
    assert made_up.status_code == 200 and made_up.json == {"active": False}


def test_revoking_another_clients_token_does_nothing(replicas: Any) -> None:
    a, _ = replicas
    tokens = logged_in_tokens(a, Request())

    foreign = a.test_client().post(
        "/oauth2/revoke", base_url=ORIGIN,
        data={"token": tokens["refresh_token"], **server_auth("/oauth2/revoke")},
    )  # fmt: skip
    own = a.test_client().post(
        "/oauth2/revoke", base_url=ORIGIN,
        data={"token": tokens["access_token"], "client_id": "appli-caf"},
    )  # fmt: skip

    assert foreign.status_code == 200
    assert own.status_code == 200
    assert userinfo(a, tokens["access_token"]) == 401  # the family ended with its access token
    assert refresh(a, tokens["refresh_token"]).json["error"] == "invalid_grant"


@pytest.mark.parametrize("ending", ["/deconnexion", "/mon-compte/deconnexion-partout"])
def test_every_token_is_refused_once_the_portal_session_ends(replicas: Any, ending: str) -> None:
    a, b = replicas
    browser = a.test_client()
    app_tokens = logged_in_tokens(a, Request(), browser, first=True)
    server_tokens = logged_in_tokens(a, Request(client_id="serveur-caf",
                                                redirect_uri=SERVER_RETURN), browser)  # fmt: skip
    assert userinfo(b, app_tokens["access_token"]) == 200

    ended = browser.post(ending, data={"csrf_token": form_token(browser, "/mon-compte")},
                         base_url=ORIGIN)  # fmt: skip

    assert ended.status_code == 302
    assert userinfo(b, app_tokens["access_token"]) == 401
    assert refresh(b, app_tokens["refresh_token"]).json["error"] == "invalid_grant"
    assert introspect(b, server_tokens["access_token"]).json == {"active": False}
    assert introspect(a, server_tokens["refresh_token"]).json == {"active": False}


def test_a_password_changed_elsewhere_ends_the_applications_tokens(replicas: Any) -> None:
    a, b = replicas
    tokens = logged_in_tokens(a, Request())
    elsewhere = b.test_client()
    log_in(elsewhere)

    changed = elsewhere.post("/mon-compte/mot-de-passe", base_url=ORIGIN, data={
        "csrf_token": form_token(elsewhere, "/mon-compte/mot-de-passe"),
        "current_password": JONAS_PASSWORD, "password": NEW_PASSWORD,
        "confirmation": NEW_PASSWORD})  # fmt: skip

    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert userinfo(a, tokens["access_token"]) == 401
    assert refresh(a, tokens["refresh_token"]).json["error"] == "invalid_grant"


def test_mon_historique_names_the_application(replicas: Any) -> None:
    a, _ = replicas
    browser = a.test_client()
    logged_in_tokens(a, Request(), browser, first=True)

    page = browser.get("/mon-compte/historique", base_url=ORIGIN).get_data(as_text=True)

    assert "Caf connect : application « appli-caf »" in page
    assert "Connexion à l&#39;application" in page or "Connexion à l'application" in page


def test_a_refresh_token_past_its_client_types_lifetime_is_refused(
    replicas: Any, platform: Platform
) -> None:
    """OIDC_REFRESH_TTL_PUBLIC_S (30 days by default) from the login, rotation included."""
    a, _ = replicas
    tokens = logged_in_tokens(a, Request())
    platform.clock.advance(seconds=29 * 86400)
    rotated = refresh(a, tokens["refresh_token"])
    assert rotated.status_code == 200  # rotation does not extend the family's lifetime

    platform.clock.advance(seconds=86400)
    expired = refresh(a, rotated.json["refresh_token"])

    assert expired.status_code == 400 and expired.json["error"] == "invalid_grant"
    assert "expired" in expired.json["error_description"]
