"""The portal's session cookie as an attacker would use it, against the four real services
(issue #32, item 3): renewed at login, worthless after logout, ended after its idle and absolute
timeouts (and revoked at identity then), CORS closed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from api_harness import gateway_settings

from connexion_client import ConnexionClient
from gateway import sessions
from gateway.app import create_app
from gateway.route_checks import PORTAL_SESSION, ROUTES
from shared.testing.journeys.people import JONAS, PASSWORD
from shared.testing.journeys.platform import Platform

ORIGIN = "https://localhost"
COOKIE = "mon_compte"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sessions, "clock", fake)
    return fake


@pytest.fixture
def portal(
    platform: Platform, tmp_path: Path, service_config: dict[str, Any], rpc_client: ConnexionClient
) -> Any:
    platform.register(JONAS)
    settings = gateway_settings(
        tmp_path,
        service_config["AMQP_URI"],
        SESSION_IDLE_TIMEOUT_S="600",
        SESSION_ABSOLUTE_TIMEOUT_S="1800",
    )
    return create_app(settings, client=rpc_client)


def form_token(browser: Any, page: str = "/connexion") -> str:
    found = _CSRF.search(browser.get(page, base_url=ORIGIN).get_data(as_text=True))
    assert found
    return found.group(1)


def cookie(browser: Any) -> str:
    held = browser.get_cookie(COOKIE, domain="localhost")
    return held.value if held is not None else ""


def log_in(browser: Any) -> Any:
    return browser.post(
        "/connexion",
        data={"csrf_token": form_token(browser), "identifier": JONAS.nir, "password": PASSWORD},
        base_url=ORIGIN,
    )


def home(browser: Any) -> Any:
    return browser.get("/mon-compte", base_url=ORIGIN)


def with_cookie(app: Any, value: str) -> Any:
    browser = app.test_client()
    browser.set_cookie(COOKIE, value, domain="localhost")
    return browser


def test_login_renews_the_cookie_and_its_csrf_secret(portal: Any, clock: Clock) -> None:
    browser = portal.test_client()
    before_token = form_token(browser)
    before = cookie(browser)

    answer = log_in(browser)

    assert answer.status_code == 302 and answer.headers["Location"] == "/mon-compte"
    assert cookie(browser) != before
    assert form_token(browser, "/mon-compte/profil") != before_token
    assert home(browser).status_code == 200
    # the cookie an attacker planted or copied before the login opens nothing
    assert home(with_cookie(portal, before)).headers["Location"] == "/connexion"


def test_a_cookie_copied_before_logout_is_refused_after_it(portal: Any, clock: Clock) -> None:
    browser = portal.test_client()
    log_in(browser)
    copied = cookie(browser)

    browser.post("/deconnexion", data={"csrf_token": form_token(browser, "/mon-compte")},
                 base_url=ORIGIN)  # fmt: skip

    assert home(with_cookie(portal, copied)).headers["Location"] == "/connexion"


def test_an_idle_session_ends_and_is_revoked_at_identity(
    portal: Any, clock: Clock, platform: Platform
) -> None:
    browser = portal.test_client()
    log_in(browser)
    copied = cookie(browser)
    clock.now += 300
    assert home(browser).status_code == 200  # used within the idle timeout: still open

    clock.now += 601
    assert home(browser).headers["Location"] == "/connexion"
    clock.now -= 601  # even a copy presented "in time" is dead: identity revoked the token
    assert home(with_cookie(portal, copied)).headers["Location"] == "/connexion"


def test_a_session_in_use_ends_at_the_absolute_timeout(portal: Any, clock: Clock) -> None:
    browser = portal.test_client()
    log_in(browser)
    for _ in range(3):  # 1500 s, a request every 500 s: never idle
        clock.now += 500
        assert home(browser).status_code == 200

    clock.now += 400  # 1900 s after the login
    assert home(browser).headers["Location"] == "/connexion"


def test_no_cors_on_a_logged_in_page(portal: Any, clock: Clock) -> None:
    browser = portal.test_client()
    log_in(browser)

    answer = browser.get("/mon-compte", headers={"Origin": "https://evil.example"}, base_url=ORIGIN)
    preflight = browser.options(
        "/mon-compte/deconnexion-partout",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        base_url=ORIGIN,
    )

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert preflight.status_code == 405
    for response in (answer, preflight):
        assert not any(name.lower().startswith("access-control-") for name, _ in response.headers)


def test_every_personal_page_of_mon_compte_is_never_cached(portal: Any, clock: Clock) -> None:
    """The rows of gateway/route_checks.py that show personal data, read by a logged-in person."""
    browser = portal.test_client()
    log_in(browser)
    pages = [
        row.example or row.rule
        for row in ROUTES
        if row.session == PORTAL_SESSION and row.personal_data and "GET" in row.methods
    ]

    assert len(pages) >= 5
    for page in pages:
        answer = browser.get(page, base_url=ORIGIN)
        # 403: delegation's refusal, in French; 302: a step read before its journey began (the
        # code of a contact change with none pending) goes back to the journey's first page
        assert answer.status_code in (200, 302, 403), page
        if answer.status_code == 302:
            assert answer.headers["Location"].startswith("/mon-compte/"), page
        assert answer.headers["Cache-Control"] == "no-store", page
