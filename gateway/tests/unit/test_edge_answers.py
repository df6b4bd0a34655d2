"""Every answer of the portal and of the API, error pages included, carries the security headers,
no CORS and no banner; hostile input gets a clear French answer and nothing is logged of it
(issue #32, items 3 to 5)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask

from .edge_client import (
    ORIGIN,
    bearer,
    csrf_token,
    edge_app,
    followed_by_a_browser,
    same_origin,
    text_of,
)

MARKER = "1850175100001"  # a NIR the person typed: it must reach no log


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("edge")
    (folder / "theme").mkdir()
    (folder / "theme" / "theme.css").write_text("body {}")
    (folder / "secret.pdf").write_text("%PDF CONTENU-CONFIDENTIEL")
    (folder / "letters").mkdir()
    app = edge_app(
        folder,
        THEME_DIR=str(folder / "theme"),
        DEV_MAILBOX="true",
        LETTER_SPOOL_DIR=str(folder / "letters"),
    )

    def fault() -> Any:
        raise ValueError("invalid literal: " + MARKER)

    app.add_url_rule("/essai-panne", "fault", fault)  # a bug, as a 500 shows it
    return app


def portal_answers(app: Flask) -> dict[str, Any]:
    browser = app.test_client()
    token = csrf_token(browser)
    big = "x" * (70 * 1024)
    return {
        "page": browser.get("/connexion", base_url=ORIGIN),
        "404": browser.get("/inconnu", base_url=ORIGIN),
        "405": browser.post("/mentions-legales", data={"csrf_token": token}, base_url=ORIGIN),
        "preflight": browser.options(
            "/connexion",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
            base_url=ORIGIN,
        ),
        "413": browser.post("/connexion", data={"identifier": big}, base_url=ORIGIN),
        "csrf": browser.post("/connexion", data={"identifier": MARKER}, base_url=ORIGIN),
        "500": browser.get("/essai-panne", base_url=ORIGIN),
    }


def api_answers(app: Flask) -> dict[str, Any]:
    client = app.test_client()
    auth = bearer(client)
    return {
        "document": client.get("/api/v1/openapi.json", base_url=ORIGIN),
        "401": client.post("/api/v1/passwords/check", json={}, base_url=ORIGIN),
        "404": client.get("/api/v1/inconnu", headers=auth, base_url=ORIGIN),
        "405": client.get("/api/v1/login", headers=auth, base_url=ORIGIN),
        "preflight": client.options(
            "/api/v1/login",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
            base_url=ORIGIN,
        ),
        "413": client.post(
            "/api/v1/passwords/check",
            data=b'{"password": "' + b"x" * 70_000 + b'"}',
            headers={**auth, "Content-Type": "application/json"},
            base_url=ORIGIN,
        ),
    }


EXPECTED_PORTAL = {
    "page": (200, "Connexion"),
    "404": (404, "Page introuvable"),
    "405": (405, "Action impossible"),
    "preflight": (405, "Action impossible"),
    "413": (413, "Envoi trop volumineux"),
    "csrf": (400, "Formulaire expiré"),
    "500": (500, "Erreur interne"),
}
EXPECTED_API = {
    "document": (200, None),
    "401": (401, "unauthorized"),
    "404": (404, "not_found"),
    "405": (405, "method_not_allowed"),
    "preflight": (405, "method_not_allowed"),
    "413": (413, "payload_too_large"),
}


def assert_secure_headers(answer: Any) -> None:
    headers = answer.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["Cache-Control"] == "no-store"
    assert "Server" not in headers
    assert not [name for name, _ in headers.items() if name.lower().startswith("access-control-")]


def test_every_portal_answer_error_pages_included_is_french_and_carries_the_headers(
    app: Flask,
) -> None:
    answers = portal_answers(app)

    for name, (status, title) in EXPECTED_PORTAL.items():
        answer = answers[name]
        assert answer.status_code == status, name
        assert title in text_of(answer), name
        assert answer.mimetype == "text/html", name
        assert_secure_headers(answer)
    assert "Allow" in answers["preflight"].headers
    assert "Référence de la demande" in text_of(answers["500"])
    assert MARKER not in text_of(answers["500"])


def test_every_api_answer_is_a_json_problem_with_the_headers(app: Flask) -> None:
    answers = api_answers(app)

    for name, (status, code) in EXPECTED_API.items():
        answer = answers[name]
        assert answer.status_code == status, name
        assert answer.mimetype == "application/json", name
        if code is not None:
            assert answer.json["code"] == code, name
            assert answer.json["message"], name
        assert_secure_headers(answer)
    assert answers["preflight"].headers["Allow"] == "POST"


def test_hsts_is_sent_behind_tls_only(app: Flask) -> None:
    browser = app.test_client()

    assert "Strict-Transport-Security" not in browser.get("/connexion").headers
    behind_ingress = browser.get("/connexion", headers={"X-Forwarded-Proto": "https"})
    assert behind_ingress.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
        b'{"password": "\xff\xfe"}',
        b'{"password": ',
        b"[1, 2]",
    ],
    ids=["deep-array", "deep-object", "invalid-utf8", "truncated", "not-an-object"],
)
def test_hostile_json_gets_a_french_field_error(app: Flask, body: bytes) -> None:
    client = app.test_client()
    answer = client.post(
        "/api/v1/passwords/check",
        data=body,
        headers={**bearer(client), "Content-Type": "application/json"},
        base_url=ORIGIN,
    )

    problem = answer.get_json()
    assert answer.status_code == 400
    assert problem["code"] == "invalid_input"
    assert problem["fields"]["_schema"][0].endswith(".")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e/app.py",
        "/static/..%5capp.py",
        "/static/vendor/..%2f..%2fapp.py",
        "/theme/../secret.pdf",
        "/theme/..%2fsecret.pdf",
        "/theme/%2e%2e%2fsecret.pdf",
        "/dev/courriers/..%2fsecret.pdf",
        "/dev/courriers/%2e%2e/secret.pdf",
        "/dev/courriers/..%5csecret.pdf",
        "/dev/courriers/..%2f..%2f..%2fetc%2fpasswd.pdf",
        "/dev/courriers/%2fetc%2fpasswd.pdf",
    ],
)
def test_path_traversal_in_static_theme_and_letters_is_a_french_404(app: Flask, path: str) -> None:
    answer = app.test_client().get(path, base_url=ORIGIN)
    if answer.status_code == 308:  # werkzeug merges "//" (a decoded %2f) and says so
        merged = followed_by_a_browser(answer.headers["Location"])
        assert same_origin(merged) and ".." not in merged
        answer = app.test_client().get(merged, base_url=ORIGIN)

    assert answer.status_code == 404
    assert "Page introuvable" in text_of(answer)
    assert b"CONTENU-CONFIDENTIEL" not in answer.get_data()
    assert b"create_app" not in answer.get_data()


def test_invalid_utf8_and_header_injection_in_a_form_are_refused_calmly(app: Flask) -> None:
    browser = app.test_client()
    token = csrf_token(browser)
    invalid = browser.post(
        "/affichage",
        data=b"csrf_token=" + token.encode() + b"&affichage=contraste&next=%2F%FF%FE",
        content_type="application/x-www-form-urlencoded",
        base_url=ORIGIN,
    )
    injected = browser.post(
        "/affichage",
        data={"csrf_token": token, "next": "/connexion\r\nSet-Cookie: pris=1"},
        base_url=ORIGIN,
    )

    for answer in (invalid, injected):
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/"
        assert "pris" not in str(answer.headers)

    forged_id = browser.get(
        "/api/v1/openapi.json", headers={"X-Request-Id": "<script>pris=1</script>"}, base_url=ORIGIN
    )
    assert "pris" not in str(forged_id.headers)  # an implausible request id is replaced


def test_nothing_the_person_typed_reaches_the_logs(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    portal_answers(app)
    client = app.test_client()
    client.post(
        "/api/v1/passwords/check",
        data=b'{"password": "' + MARKER.encode() + b'", ' + b"[" * 40,
        headers={**bearer(client), "Content-Type": "application/json"},
        base_url=ORIGIN,
    )

    assert "unhandled ValueError at fault" in caplog.text  # the fault is logged…
    assert MARKER not in caplog.text  # …without what was typed
