"""Redirects follow only this portal's own pages, read as a browser reads them (issue #32).

The report: a ``next`` field with a tab or a backslash (``/\\t/evil.example``,
``/\\\\evil.example``) passed the old check (``startswith("/")`` and not ``//``) and, once the
browser normalised the ``Location``, led to another host.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask

from gateway import redirects

from .edge_client import ORIGIN, csrf_token, edge_app, followed_by_a_browser, same_origin

#: The usual bypass families: each must be refused, whatever normalisation comes after.
BYPASSES = [
    "//evil.example",  # scheme-relative
    "///evil.example",
    "/\\evil.example",  # backslash read as a slash (the report)
    "\\\\evil.example",
    "/\t/evil.example",  # tab removed by the browser (the report)
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",  # leading control or space trimmed
    " //evil.example",
    "/\x00/evil.example",
    "/%2f/evil.example",  # encoded slashes, decoded by a proxy
    "/%2F%2Fevil.example",
    "/%5cevil.example",
    "/%09/evil.example",
    "https://evil.example/connexion",  # schemes
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//user@evil.example",  # user-info
    "/connexion@evil.example",
    "https://mon-compte.example.org@evil.example/",
    "/mon-compte/../..//evil.example",  # dot segments
    "/mon-compte/%2e%2e/%2e%2e/evil",
    "/./connexion",
    "\uff0f\uff0fevil.example",  # fullwidth solidus
    "/\u2215evil.example",  # division slash
    "/connexion\u3002evil",
    "/mon-compte\r\nSet-Cookie: pris=1",  # header injection
    "/mon-compte%0d%0aSet-Cookie:%20pris=1",
    "/connexion?next=//evil.example",  # query and fragment
    "/connexion#//evil.example",
    "/mon-compte.evil.example",  # prefix without a / boundary
    "/api/v1/openapi.json",  # same site, but not a page of the allow-list
    "/static/portal.js",
    "/inconnu",
    "",
    "/" + "a" * 300,
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return edge_app(tmp_path_factory.mktemp("redirects"))


def test_the_reported_targets_passed_the_old_check_and_left_the_site() -> None:
    def old_check(target: str) -> bool:
        return target.startswith("/") and not target.startswith("//")

    for reported in ("/\t/evil.example", "/\\evil.example"):
        assert old_check(reported)
        assert not same_origin(followed_by_a_browser(reported))


@pytest.mark.parametrize("target", BYPASSES)
def test_a_bypass_is_never_followed(app: Flask, target: str) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert not redirects.is_same_site_path(target)
        assert redirects.same_site_path(target, "/") == "/"


@pytest.mark.parametrize(
    "target", ["/connexion", "/mon-compte", "/mon-compte/profil", "/mentions-legales"]
)
def test_a_page_of_the_allow_list_is_followed(app: Flask, target: str) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert redirects.same_site_path(target, "/") == target


def test_the_session_extension_follows_mon_compte_only(app: Flask) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert redirects.same_site_path("/connexion", "/mon-compte", ("/mon-compte",)) == (
            "/mon-compte"
        )


@pytest.mark.parametrize("target", BYPASSES)
def test_the_contrast_choice_sends_a_bypass_home(app: Flask, target: str) -> None:
    browser = app.test_client()
    answer = browser.post(
        "/affichage",
        data={"csrf_token": csrf_token(browser), "affichage": "contraste", "next": target},
        base_url=ORIGIN,
    )

    assert answer.status_code == 302
    assert followed_by_a_browser(answer.headers["Location"]) == ORIGIN + "/"
    assert "pris" not in answer.headers.get("Set-Cookie", "")


def test_the_contrast_choice_returns_to_the_page_it_was_made_on(app: Flask) -> None:
    browser = app.test_client()
    answer = browser.post(
        "/affichage",
        data={"csrf_token": csrf_token(browser), "next": "/accessibilite"},
        base_url=ORIGIN,
    )

    assert followed_by_a_browser(answer.headers["Location"]) == ORIGIN + "/accessibilite"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "//evil.example/authorize",
        "https://user@fc.example/authorize",
        "https://fc.example/authorize\r\nSet-Cookie: x=1",
        "https://fc.example\\@evil.example/",
        "ftp://fc.example/",
    ],
)
def test_a_provider_address_must_be_an_absolute_https_url(app: Flask, url: str) -> None:
    with app.test_request_context(base_url=ORIGIN), pytest.raises(ValueError):
        redirects.provider_url(url)


def test_http_provider_addresses_only_outside_production(tmp_path: Path) -> None:
    with edge_app(tmp_path).test_request_context(base_url=ORIGIN):
        assert redirects.provider_url("http://127.0.0.1:9000/authorize?x=1")
    production = edge_app(tmp_path, ENVIRONMENT="production")
    with production.test_request_context(base_url=ORIGIN), pytest.raises(ValueError):
        redirects.provider_url("http://127.0.0.1:9000/authorize?x=1")
    with production.test_request_context(base_url=ORIGIN):
        assert redirects.provider_url("https://fc.example/authorize?x=1")


def test_every_redirect_goes_through_the_one_helper() -> None:
    """No module but gateway/redirects.py imports a redirect function (flask's, werkzeug's)."""
    gateway = Path(redirects.__file__).parent
    importers = sorted(
        str(path.relative_to(gateway))
        for path in gateway.rglob("*.py")
        if "tests" not in path.relative_to(gateway).parts and path.name != "redirects.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module in ("flask", "werkzeug", "werkzeug.utils")
        and any(alias.name == "redirect" for alias in node.names)
    )

    assert importers == []


def test_a_configured_address_is_a_plain_path_or_an_https_url(app: Flask) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert redirects.configured_url("/prestations/demande-als") == "/prestations/demande-als"
        assert redirects.configured_url("https://prestations.example.org/als")
        for address in ("//evil.example", "/\\evil.example", "/a/../b", "javascript:x"):
            with pytest.raises(ValueError):
                redirects.configured_url(address)
