"""Caf connect proven with a client this project did not write (issue #33, item 5): a relying
party made with ``openid-client`` (npm, a certified OpenID Connect RP library, run by node:
tests/oidc_rp/rp.mjs), a public client with PKCE S256, and Debian's chromium carrying a person
through it: the RP's link, the portal's own CONNEXION page, the consent page in French, back to
the RP, which checks ``state``, ``iss`` (RFC 9207), the ID token (signature from the JWKS,
``nonce``, audience) and calls userinfo; a replayed code and a code presented by another client
are refused (``invalid_grant``). The RP then logs the person out with openid-client's
``buildEndSessionUrl`` (RP-initiated logout): at once with its ID token, after « Voulez-vous vous
déconnecter ? » without it, back at its registered address with its ``state`` both times."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from . import relying_party as relying_party_process
from .journeys import PASSWORD, Person, register
from .portal import Portal
from .stack import Stack, free_port

ZOE = Person("2920175056077", "Madame", "Lambert", "Zoé", "01/01/1992", "zoe.lambert@exemple.fr")
HUGO = Person("1880475056051", "Monsieur", "Perrin", "Hugo", "15/04/1988", "hugo.perrin@exemple.fr")
NAME = "Démonstration Caf connect"


@pytest.fixture(scope="module")
def relying_party(stack: Stack) -> Iterator[dict[str, Any]]:
    """A gateway process whose registry holds the RP (a public client, not first party), and
    the RP itself, run by node."""
    port = free_port()
    callback = f"http://127.0.0.1:{port}/callback"
    registry = {
        "appli-demo": {"type": "public", "scopes": ["openid", "profile"], "name": NAME,
                       "redirect_uris": [callback],
                       "post_logout_redirect_uris": [f"http://127.0.0.1:{port}/logged-out"]},
        "autre-demo": {"type": "public", "scopes": ["openid"],
                       "redirect_uris": [f"http://127.0.0.1:{port}/autre"]},
    }  # fmt: skip
    with relying_party_process.running(
        stack, registry, "rp.mjs", ["appli-demo", str(port), "autre-demo"], port
    ) as running:
        yield running


def result(portal: Portal) -> dict[str, Any]:
    shown = portal.page.locator("#result")
    expect(shown).to_be_visible()
    return dict(json.loads(shown.inner_text()))


def test_an_independent_client_logs_a_person_in_and_a_code_serves_once(
    portal: Portal, relying_party: dict[str, Any]
) -> None:
    page = portal.page
    register(portal, ZOE)
    page.context.clear_cookies()  # the person arrives from the application, not logged in
    page.goto(relying_party["url"] + "/")
    page.get_by_role("link", name="Se connecter avec Caf connect").click()

    expect(page.get_by_role("heading", name="Connexion", exact=True)).to_be_visible()
    portal.check("caf-connect-connexion")
    page.fill("#identifier", ZOE.nir or "")
    page.fill("#password", PASSWORD)
    portal.press("Se connecter")
    expect(page.get_by_role("heading", name="Autoriser l'accès à vos informations")).to_be_visible()
    assert "Vos nom de naissance, prénoms et date de naissance" in portal.text()
    assert f"L'application {NAME} (127.0.0.1:" in portal.text()  # its registered name
    portal.check("caf-connect-consentement")
    portal.press("Autoriser")
    answer = result(portal)

    claims = answer["claims"]
    assert claims["iss"] == relying_party["issuer"] and claims["aud"] == "appli-demo"
    assert claims["acr"] == "urn:caf:connect:acr:mot-de-passe" and claims["amr"] == ["pwd"]
    assert claims["sid"] and claims["auth_time"] and claims["nonce"]
    assert "2920175056077" not in json.dumps(claims)  # never the NIR
    assert answer["userinfo"]["family_name"] == "LAMBERT"
    assert answer["replayed"] == "invalid_grant"

    # the portal session is reused, the consent remembered: straight back with a new code,
    # which another client presents first: refused to it, and spent for its own client
    page.goto(relying_party["url"] + "/login?steal=1")
    stolen = result(portal)
    assert stolen["stolen"] == "invalid_grant" and stolen["error"] == "invalid_grant"


def test_an_unregistered_redirect_uri_is_said_on_the_portal_never_followed(
    portal: Portal, relying_party: dict[str, Any]
) -> None:
    page = portal.page
    page.goto(
        relying_party["issuer"] + "/oauth2/authorize?response_type=code&client_id=appli-demo"
        "&redirect_uri=https%3A%2F%2Fattaquant.example%2Fvol&scope=openid&state=s"
        "&code_challenge=" + "a" * 43 + "&code_challenge_method=S256"
    )

    expect(page.get_by_role("heading", name="Demande de connexion refusée")).to_be_visible()
    assert page.url.startswith(relying_party["issuer"])
    portal.check("caf-connect-refusee")


def test_the_application_logs_the_person_out_with_openid_clients_end_session_url(
    portal: Portal, relying_party: dict[str, Any]
) -> None:
    page, rp, issuer = portal.page, relying_party["url"], relying_party["issuer"]
    register(portal, HUGO)
    page.context.clear_cookies()
    page.goto(rp + "/login")
    page.fill("#identifier", HUGO.nir or "")
    page.fill("#password", PASSWORD)
    portal.press("Se connecter")
    portal.press("Autoriser")
    assert result(portal)["claims"]["sid"]

    # With its ID token (this session's sid): logged out at once, back with its state
    page.goto(rp + "/logout")
    assert result(portal) == {"logged_out": True, "state_matches": True}
    page.goto(issuer + "/mon-compte")
    expect(page.get_by_role("heading", name="Connexion", exact=True)).to_be_visible()

    # Without it (a link anyone could forge): Mon Compte asks first
    page.fill("#identifier", HUGO.nir or "")
    page.fill("#password", PASSWORD)
    portal.press("Se connecter")
    page.goto(rp + "/logout?hint=0")
    expect(page.get_by_role("heading", name="Voulez-vous vous déconnecter ?")).to_be_visible()
    assert NAME in portal.text()
    portal.check("caf-connect-deconnexion-confirmation")
    portal.press("Se déconnecter")
    assert result(portal) == {"logged_out": True, "state_matches": True}
    page.goto(issuer + "/mon-compte")
    expect(page.get_by_role("heading", name="Connexion", exact=True)).to_be_visible()
