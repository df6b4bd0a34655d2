"""Rate limits at the edge (issue #32, item 7): per source for the portal and anonymous calls, per
API client for authenticated calls, 429 with Retry-After in French, X-Forwarded-For believed from
the configured proxies only, and the logs say which count, never whose."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from .edge_client import ORIGIN, bearer, edge_app, text_of

PERSON = "203.0.113.7"
PROXY = "10.0.0.5"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return edge_app(
        tmp_path,
        RATE_LIMIT_PER_SOURCE="3 per minute",
        RATE_LIMIT_PER_API_CLIENT="4 per minute",
        TRUSTED_PROXIES="10.0.0.0/8",
    )


def page(app: Flask, remote: str = PERSON, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    answer = app.test_client().get(
        "/connexion", headers=headers, environ_base={"REMOTE_ADDR": remote}, base_url=ORIGIN
    )
    return answer.status_code


def test_a_source_over_its_limit_gets_a_french_429_with_retry_after(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert [page(app) for _ in range(3)] == [200, 200, 200]

    answer = app.test_client().get(
        "/connexion", environ_base={"REMOTE_ADDR": PERSON}, base_url=ORIGIN
    )

    assert answer.status_code == 429
    assert "Trop de demandes" in text_of(answer)
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    assert answer.headers["Cache-Control"] == "no-store"
    assert "edge rate limit reached (source" in caplog.text
    assert PERSON not in caplog.text
    assert page(app, remote="198.51.100.9") == 200  # another source is not affected
    assert (
        app.test_client().get("/health/live", environ_base={"REMOTE_ADDR": PERSON}).status_code
        == 200
    )  # the probes are not counted


def test_forwarded_for_is_believed_from_the_configured_proxies_only(app: Flask) -> None:
    # a peer that is not a proxy cannot make itself new sources
    spoofed = [page(app, forwarded=f"192.0.2.{n}") for n in range(4)]
    assert spoofed == [200, 200, 200, 429]
    # behind the ingress, each person is counted on their own
    assert [page(app, remote=PROXY, forwarded=f"192.0.2.{n}") for n in range(4)] == [200] * 4
    assert [page(app, remote=PROXY, forwarded="192.0.2.50") for _ in range(4)][-1] == 429


def test_an_api_client_is_counted_on_its_own_with_a_json_problem(app: Flask) -> None:
    client = app.test_client()
    auth = bearer(client)  # the token endpoint: 1 of the source's 3

    statuses = []
    for _ in range(5):
        answer = client.post(
            "/api/v1/passwords/check",
            json={"password": 1},  # refused by the schema: no service needed
            headers=auth,
            environ_base={"REMOTE_ADDR": PERSON},
            base_url=ORIGIN,
        )
        statuses.append(answer.status_code)

    assert statuses == [400, 400, 400, 400, 429]
    problem = answer.get_json()
    assert problem["code"] == "rate_limited" and "Trop de requêtes" in problem["message"]
    assert int(answer.headers["Retry-After"]) > 0
    # the client's calls are not the source's: the same address still reaches the portal
    assert page(app) == 200
