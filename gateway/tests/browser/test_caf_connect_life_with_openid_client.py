"""Caf connect's token life cycle (issue #34, item 5) proven with a client this project did not
write: ``openid-client`` (npm, certified) run by node (tests/oidc_rp/life.mjs) as a confidential
client authenticating with ``private_key_jwt`` (a key the test makes), Debian's chromium carrying
the person. Given a login through it, when it refreshes, then each refresh gives a new refresh
token and introspection says active; when it presents a spent refresh token, then the whole
family ends (the live refresh token and the access token too); when the person logs out of the
portal, then the application's refresh, introspection and userinfo are refused."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from joserfc.jwk import ECKey
from playwright.sync_api import expect

from .journeys import PASSWORD, Person, log_out, register
from .portal import Portal
from .stack import ROOT, Stack, free_port

RP = ROOT / "tests" / "oidc_rp"
YANN = Person(
    "1890675056093", "Monsieur", "Kerjean", "Yann", "01/06/1989", "yann.kerjean@exemple.fr"
)


@pytest.fixture(scope="module")
def server_client(stack: Stack) -> Iterator[dict[str, Any]]:
    """A gateway whose registry holds a confidential, first-party client with its public key
    (private_key_jwt), refresh tokens and introspection; the client itself, run by node."""
    if not (RP / "node_modules" / "openid-client").exists():
        pytest.fail("openid-client is missing: make portal-deps runs npm ci in tests/oidc_rp")
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    port = free_port()
    registry = {
        "serveur-demo": {"type": "confidential", "token_endpoint_auth_method": "private_key_jwt",
                         "jwks": {"keys": [key.as_dict(private=False)]}, "first_party": True,
                         "scopes": ["openid", "profile"], "refresh_tokens": True,
                         "introspection": True,
                         "redirect_uris": [f"http://127.0.0.1:{port}/callback"]},
    }  # fmt: skip
    issuer, gateway = stack.gateway(GATEWAY_API_CLIENTS=json.dumps(registry))
    log = open(stack.data_dir / "relying-party-life.log", "wb")  # noqa: SIM115 - closed below
    node = subprocess.Popen(
        ["/usr/bin/node", str(RP / "life.mjs"), issuer, "serveur-demo", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "RP_PRIVATE_JWK": json.dumps(key.as_dict(private=True))},
    )  # fmt: skip
    rp = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(rp + "/", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    yield {"url": rp, "issuer": issuer}
    node.terminate()
    node.wait(10)
    gateway.terminate()
    gateway.wait(15)
    log.close()


def result(portal: Portal) -> dict[str, Any]:
    shown = portal.page.locator("#result")
    expect(shown).to_be_visible()
    return dict(json.loads(shown.inner_text()))


def log_in_through(portal: Portal, rp: str) -> dict[str, Any]:
    page = portal.page
    page.goto(rp + "/login")
    if page.locator("#password").count():
        page.fill("#identifier", YANN.nir or "")
        page.fill("#password", PASSWORD)
        portal.press("Se connecter")
    return result(portal)


def test_refresh_rotation_reuse_and_logout_with_an_independent_confidential_client(
    portal: Portal, server_client: dict[str, Any]
) -> None:
    page = portal.page
    register(portal, YANN)
    page.context.clear_cookies()
    rp = server_client["url"]

    rotated = log_in_through(portal, rp)
    assert rotated.get("error") is None, rotated
    assert rotated["refresh_tokens"] == 3 and rotated["active"] is True
    assert rotated["userinfo"] == "accepted"

    page.goto(rp + "/reuse")
    reused = result(portal)
    assert reused["reused"] == "invalid_grant" and reused["live_after"] == "invalid_grant"
    assert reused["active"] is False and reused["userinfo"] != "accepted"

    # a new login (the portal session is reused), then the person logs out of the portal
    again = log_in_through(portal, rp)
    assert again["active"] is True and again["refresh_tokens"] == 3
    page.goto(server_client["issuer"] + "/mon-compte")
    log_out(portal)
    page.goto(rp + "/check")
    after = result(portal)
    assert after["refresh"] == "invalid_grant"
    assert after["active"] is False and after["userinfo"] != "accepted"
