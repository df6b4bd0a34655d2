"""Caf connect's token life cycle (issue #34, item 5) proven with a client this project did not
write: ``openid-client`` (npm, certified) run by node (tests/oidc_rp/life.mjs) as a confidential
client authenticating with ``private_key_jwt`` (a key the test makes), Debian's chromium carrying
the person. Given a login through it, when it refreshes, then each refresh gives a new refresh
token and introspection says active; when it presents a spent refresh token, then the whole
family ends (the live refresh token and the access token too); when the person logs out of the
portal, then the application's refresh, introspection and userinfo are refused, and the
application receives one back-channel logout token for that session, which it validates itself
(signature by the provider's JWKS, typ, iss, aud, sid, the event, a jti never seen)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from joserfc.jwk import ECKey
from playwright.sync_api import expect

from . import relying_party as relying_party_process
from .journeys import PASSWORD, Person, log_out, register
from .portal import Portal
from .stack import Stack, free_port

YANN = Person(
    "1890675056093", "Monsieur", "Kerjean", "Yann", "01/06/1989", "yann.kerjean@exemple.fr"
)


@pytest.fixture(scope="module")
def server_client(stack: Stack) -> Iterator[dict[str, Any]]:
    """A gateway whose registry holds a confidential, first-party client with its public key
    (private_key_jwt), refresh tokens and introspection; the client itself, run by node."""
    key = ECKey.generate_key("P-256", private=True)
    key.ensure_kid()
    port = free_port()
    registry = {
        "serveur-demo": {"type": "confidential", "token_endpoint_auth_method": "private_key_jwt",
                         "jwks": {"keys": [key.as_dict(private=False)]}, "first_party": True,
                         "scopes": ["openid", "profile"], "refresh_tokens": True,
                         "introspection": True,
                         "redirect_uris": [f"http://127.0.0.1:{port}/callback"],
                         "backchannel_logout_uri": f"http://127.0.0.1:{port}/backchannel-logout"},
    }  # fmt: skip
    private = {"RP_PRIVATE_JWK": json.dumps(key.as_dict(private=True))}
    with relying_party_process.running(
        stack, registry, "life.mjs", ["serveur-demo", str(port)], port, private, backchannel=True
    ) as running:
        yield running


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

    # the application heard of the logout by itself, once (back-channel logout)
    deadline = time.monotonic() + 30
    while True:
        page.goto(rp + "/logouts")
        heard = result(portal)
        if heard["logouts"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    (logout,) = heard["logouts"]
    assert logout["valid"] is True, logout
    assert logout["sid"] == heard["sid"] == again["sid"] and logout["sub"] == heard["sub"]
