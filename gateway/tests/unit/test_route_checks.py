"""The table of routes (gateway/route_checks.py) covers every route of the application and of the
OpenAPI document, and each row is what the real application does to an outsider (issue #32).

The services are unreachable here (a broker on a closed port): a page that needs them answers
its French 503, which is enough to read its headers; what the table promises is checked before
any service is asked (CSRF, bearer token, session, limits, caching).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from gateway import route_checks
from gateway.route_checks import ROUTES, Route

from .edge_client import ORIGIN, bearer, csrf_token, edge_app, text_of

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
PER_SOURCE, PER_CLIENT = "1000", "2000"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
ROWS = [(row, method) for row in ROUTES for method in sorted(row.methods)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("routes")
    (folder / "theme").mkdir()
    (folder / "theme" / "theme.css").write_text("body {}")
    return edge_app(
        folder,
        AMQP_URI="amqp://guest:guest@127.0.0.1:1/",  # no broker: the services are unreachable
        RPC_TIMEOUT_S="1",
        DEV_MAILBOX="true",
        THEME_DIR=str(folder / "theme"),
        RATE_LIMIT_PER_SOURCE=f"{PER_SOURCE} per minute",
        RATE_LIMIT_PER_API_CLIENT=f"{PER_CLIENT} per minute",
    )


def flask_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def table_routes() -> set[tuple[str, str]]:
    return {(row.rule, method) for row, method in ROWS}


def test_every_route_of_the_application_has_a_row_and_every_row_a_route(app: Flask) -> None:
    missing = sorted(flask_routes(app) - table_routes())
    stale = sorted(table_routes() - flask_routes(app))

    assert not missing, f"routes without a row in gateway/route_checks.py: {missing}"
    assert not stale, f"rows of gateway/route_checks.py without a route: {stale}"


def test_every_documented_operation_has_a_row() -> None:
    paths = json.loads(DOCUMENT.read_text())["paths"]
    documented = {
        (path.replace("{", "<").replace("}", ">"), method.upper())
        for path, operations in paths.items()
        for method in operations
    }
    api_rows = {(rule, method) for rule, method in table_routes() if rule.startswith("/api/v1/")}

    assert documented - api_rows == set()
    assert api_rows - documented == {("/api/v1/openapi.json", "GET")}  # the document itself


@pytest.mark.parametrize(("row", "method"), ROWS, ids=[f"{m} {r.rule}" for r, m in ROWS])
def test_a_row_says_what_protects_a_change(row: Route, method: str) -> None:
    if method in STATE_CHANGING and row.changes_state:
        assert row.protection in (
            route_checks.CSRF,
            route_checks.BEARER,
            route_checks.CLIENT_SECRET,
        )
    if row.methods == {"GET"} and row.changes_state:
        # the only cross-site GETs that act: FranceConnect's return, Caf connect's authorization
        # and its RP-initiated logout
        assert row.protection in (
            route_checks.OIDC_STATE, route_checks.OAUTH_REQUEST, route_checks.ID_TOKEN_HINT,
        )  # fmt: skip
    if row.rule.startswith("/api/v1/") and row.protection == route_checks.BEARER:
        assert row.rate_limit == route_checks.PER_API_CLIENT
    if row.session == route_checks.PORTAL_SESSION:
        assert not row.rule.startswith("/api/")


def outsider(app: Flask, row: Route, method: str) -> Any:
    """What the route answers to someone with a browser session but nothing else (no CSRF token
    in the form, no bearer token, no person's session)."""
    browser = app.test_client()
    csrf_token(browser)  # a session cookie with a CSRF secret, as any visitor has
    path = row.example or row.rule
    form = {"champ": "valeur", "grant_type": "client_credentials"}
    return browser.open(path, method=method, base_url=ORIGIN, data=form)


@pytest.mark.parametrize(("row", "method"), ROWS, ids=[f"{m} {r.rule}" for r, m in ROWS])
def test_each_row_is_what_the_application_does(app: Flask, row: Route, method: str) -> None:
    answer = outsider(app, row, method)
    text = text_of(answer)

    assert answer.status_code < 500 or answer.status_code == 503, text
    if method in STATE_CHANGING and row.protection == route_checks.CSRF:
        assert answer.status_code == 400 and "Formulaire expiré" in text
    if row.protection in (route_checks.BEARER, route_checks.CLIENT_SECRET):
        assert answer.status_code == 401
    if row.session == route_checks.PORTAL_SESSION and method == "GET":
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/connexion"
    if row.personal_data:
        assert answer.headers["Cache-Control"] == "no-store"
    if row.rule.startswith(("/static/<", "/theme/<")):
        assert answer.status_code == 200
        assert "no-store" not in answer.headers["Cache-Control"]  # files are cacheable
    limit = answer.headers.get("X-RateLimit-Limit")
    expected = {route_checks.PER_SOURCE: PER_SOURCE, route_checks.NOT_LIMITED: None}
    if row.rate_limit != route_checks.PER_API_CLIENT:
        assert limit == expected[row.rate_limit]


@pytest.mark.parametrize(
    ("row", "method"),
    [(r, m) for r, m in ROWS if r.session == route_checks.PORTAL_SESSION and m != "GET"],
    ids=lambda value: value if isinstance(value, str) else value.rule,
)
def test_a_form_behind_the_session_sends_an_outsider_to_the_login_page(
    app: Flask, row: Route, method: str
) -> None:
    browser = app.test_client()
    answer = browser.open(
        row.rule, method=method, data={"csrf_token": csrf_token(browser)}, base_url=ORIGIN
    )

    assert answer.status_code == 302 and answer.headers["Location"] == "/connexion"


#: The HTTP API's operations (userinfo, also behind a bearer token, is Caf connect's).
API_OPERATIONS = [
    (r, m) for r, m in ROWS if r.protection == route_checks.BEARER and r.rule.startswith("/api/")
]


@pytest.mark.parametrize(
    ("row", "method"),
    API_OPERATIONS,
    ids=[f"{m} {r.rule}" for r, m in API_OPERATIONS],
)
def test_an_api_operation_with_its_token_is_counted_per_client_and_asks_for_the_session(
    app: Flask, row: Route, method: str
) -> None:
    client = app.test_client()
    answer = client.open(
        row.example or row.rule, method=method, headers=bearer(client), base_url=ORIGIN
    )

    assert answer.headers["X-RateLimit-Limit"] == PER_CLIENT
    assert answer.headers["Cache-Control"] == "no-store"
    if row.session == route_checks.API_SESSION:
        assert answer.status_code == 401 and answer.get_json()["code"] == "session_invalid"
