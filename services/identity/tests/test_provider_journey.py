"""Caf connect's state in identity (spec §18): given a portal session, when the gateway's
authorization server asks for a code, redeems it, or asks for the claims, then these events and
these answers. Single use holds on every replica: the second redemption finds the first's event."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from identity.application import IdentityApplication
from identity.integration import integration_event
from identity.provider.claims import ACR
from identity.settings import IdentitySettings

from shared import events
from shared.runtime.clock import FrozenClock

from .journey_world import PASSWORD, World

VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=")


def request(**changes: Any) -> dict[str, Any]:
    return {
        "client_id": "partenaire",
        "sector": "partenaire",
        "first_party": False,
        "redirect_uri": "https://partenaire.example/retour",
        "scopes": ["openid", "profile"],
        "nonce": "n-0S6_WzA2Mj",
        "code_challenge": CHALLENGE.decode(),
        "max_age": None,
        "acr_values": [],
        "prompt_consent": False,
        "consent_given": False,
        **changes,
    }


@pytest.fixture
def world(tmp_path: Path, test_secrets: dict[str, Any]) -> Iterator[World]:
    clock = FrozenClock()
    mapping = {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path), "ARGON2_MEMORY_KIB": "64",
               "ARGON2_TIME_COST": "1", **test_secrets}  # fmt: skip
    app = IdentityApplication(IdentitySettings.from_mapping(mapping, "identity"), clock=clock)
    yield World(app, clock, test_secrets["NOTIFICATION_SEAL_PRIVATE_JWK"])
    app.close()


def logged_in(world: World) -> str:
    world.given_account()
    answer = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)
    world.new_events()
    return str(answer["session"]["token"])


def test_without_a_live_session_a_login_is_required(world: World) -> None:
    token = logged_in(world)
    world.app.sessions.logout(token)

    assert world.app.provider.authorize(None, request())["reason"] == "no_session"
    assert world.app.provider.authorize(token, request())["reason"] == "no_session"


def test_a_client_not_first_party_asks_consent_once_then_gets_codes(world: World) -> None:
    token = logged_in(world)
    provider = world.app.provider

    asked = provider.authorize(token, request())
    consented = provider.authorize(token, request(consent_given=True))
    events_then = world.new_events()
    again = provider.authorize(token, request())

    assert asked == {"outcome": "consent_required", "scopes": ["openid", "profile"]}
    assert consented["outcome"] == again["outcome"] == "code"
    assert events_then == ["ClientGrant.Granted", "AuthorizationCode.Issued"]
    assert world.new_events() == ["AuthorizationCode.Issued"]  # the grant covers it
    assert provider.authorize(token, request(prompt_consent=True))["outcome"] == "consent_required"
    wider = provider.authorize(token, request(scopes=["openid", "profile", "nir"]))
    assert wider == {"outcome": "consent_required", "scopes": ["nir"]}


def test_a_first_party_client_skips_consent(world: World) -> None:
    token = logged_in(world)

    answer = world.app.provider.authorize(token, request(first_party=True, sector="first-party"))

    assert answer["outcome"] == "code"


def test_prompt_consent_asks_a_first_party_client_too_and_the_consent_is_recorded(
    world: World,
) -> None:
    token = logged_in(world)
    provider = world.app.provider
    own = {"first_party": True, "sector": "first-party", "client_id": "appli-caf"}
    provider.authorize(token, request(**own))  # the first login: allowed without a page
    world.new_events()

    asked = provider.authorize(token, request(**own, prompt_consent=True))
    given = provider.authorize(token, request(**own, prompt_consent=True, consent_given=True))
    recorded = world.new_events()
    quiet = provider.authorize(token, request(**own, scopes=["openid"], prompt_consent=False))

    assert asked == {"outcome": "consent_required", "scopes": ["openid", "profile"]}
    assert given["outcome"] == "code" and quiet["outcome"] == "code"
    assert recorded == ["ClientGrant.Widened", "AuthorizationCode.Issued"]
    assert world.new_events() == ["AuthorizationCode.Issued"]


def test_a_widened_grant_is_published_with_every_scope_now_allowed(world: World) -> None:
    token = logged_in(world)
    provider = world.app.provider
    provider.authorize(token, request(scopes=["openid"], consent_given=True))
    since = world.app.recorder.max_notification_id() or 0

    provider.authorize(token, request(scopes=["openid", "nir"], consent_given=True))

    published = []
    for notification in world.app.recorder.select_notifications(start=since + 1, limit=100):
        translated = integration_event(world.app.mapper.to_domain_event(notification))
        if translated is not None:
            events.build(*translated, producer="identity", position=notification.id)
            published.append(translated)
    assert len(published) == 1, published
    name, payload = published[0]
    assert name == "ApplicationAuthorizationWidened"
    assert payload["client_id"] == "partenaire" and payload["consented"] is True
    assert payload["scopes"] == ["nir", "openid"] and payload["added"] == ["nir"]
    assert payload["account_id"] == world.app.sessions.verify(token)["account_id"]


def test_max_age_and_acr_values_ask_for_a_new_login(world: World) -> None:
    token = logged_in(world)
    world.clock.advance(seconds=120)
    provider = world.app.provider

    assert provider.authorize(token, request(max_age=60))["reason"] == "max_age"
    assert provider.authorize(token, request(acr_values=[ACR["franceconnect"]]))["reason"] == "acr"
    fine = provider.authorize(token, request(max_age=600, acr_values=[ACR["password"]],
                                             consent_given=True))  # fmt: skip
    assert fine["outcome"] == "code"


def test_a_code_is_redeemed_once_by_its_own_client_only(world: World) -> None:
    token = logged_in(world)
    provider = world.app.provider
    first = provider.authorize(token, request(consent_given=True))["code"]
    second = provider.authorize(token, request())["code"]
    world.new_events()

    redeemed = provider.redeem(first, "partenaire")
    replayed = provider.redeem(first, "partenaire")
    stolen = provider.redeem(second, "autre-client")
    after_theft = provider.redeem(second, "partenaire")

    assert redeemed["outcome"] == "redeemed"
    grant = redeemed["grant"]
    assert grant["acr"] == ACR["password"] and grant["amr"] == ["pwd"]
    assert grant["nonce"] == "n-0S6_WzA2Mj" and grant["code_challenge"] == CHALLENGE.decode()
    assert grant["sid"] and grant["auth_time"]
    assert replayed == {"outcome": "invalid_grant", "reason": "already_redeemed"}
    assert stolen == {"outcome": "invalid_grant", "reason": "another_client"}
    assert after_theft["outcome"] == "invalid_grant"  # presented once: spent
    assert world.new_events() == [
        "AuthorizationCode.Redeemed", "AuthorizationCode.Replayed",
        "AuthorizationCode.Redeemed", "AuthorizationCode.Replayed",
    ]  # fmt: skip


def test_a_code_expires_and_a_code_of_an_ended_session_is_refused(world: World) -> None:
    token = logged_in(world)
    provider = world.app.provider
    late = provider.authorize(token, request(consent_given=True))["code"]
    orphan = provider.authorize(token, request())["code"]

    world.clock.advance(seconds=61)
    assert provider.redeem(late, "partenaire")["reason"] == "expired"
    world.clock.advance(seconds=-61)
    world.app.sessions.logout(token)
    assert provider.redeem(orphan, "partenaire")["reason"] == "session_ended"


def test_subjects_are_pairwise_and_never_the_nir_and_userinfo_follows_the_scopes(
    world: World,
) -> None:
    token = logged_in(world)
    provider = world.app.provider

    def subject(client: str, sector: str, scopes: list[str]) -> str:
        code = provider.authorize(token, request(client_id=client, sector=sector, scopes=scopes,
                                                 consent_given=True))["code"]  # fmt: skip
        return str(provider.redeem(code, client)["grant"]["sub"])

    a = subject("partenaire", "partenaire", ["openid", "profile", "nir"])
    b = subject("autre", "autre", ["openid"])
    assert a != b and "1630631555082" not in (a, b)
    full = provider.userinfo("partenaire", a, ["openid", "profile", "nir"])
    assert full["claims"] == {"sub": a, "family_name": "MORVAN", "given_name": "DANIEL",
                              "birthdate": "1963-06-15", "nir": "1630631555082"}  # fmt: skip
    assert provider.userinfo("autre", b, ["openid", "profile"])["claims"] == {"sub": b}
    assert provider.userinfo("autre", a, ["openid"])["outcome"] == "unknown"


def test_a_client_assertion_is_accepted_once(world: World) -> None:
    expires = world.clock.now()

    first = world.app.provider.note_assertion("partenaire", "jti-1", expires)
    again = world.app.provider.note_assertion("partenaire", "jti-1", expires)
    other_client = world.app.provider.note_assertion("autre", "jti-1", expires)

    assert (first, again, other_client) == (
        {"outcome": "new"}, {"outcome": "replayed"}, {"outcome": "new"},
    )  # fmt: skip
    assert world.new_events() == ["ClientAssertion.Used", "ClientAssertion.Used"]


def test_a_franceconnect_session_says_so_in_acr_and_amr(world: World) -> None:
    account = world.given_account()
    session = world.app.sessions.tokens.issue(
        account_id=account.id, identifier_kind="nir", auth_method="franceconnect",
        now=world.clock.now(),
    )  # fmt: skip
    provider = world.app.provider

    code = provider.authorize(session.token, request(consent_given=True))["code"]
    grant = provider.redeem(code, "partenaire")["grant"]
    only_franceconnect = request(acr_values=[ACR["franceconnect"]])

    assert grant["acr"] == ACR["franceconnect"] and grant["amr"] == ["fc"]
    assert provider.authorize(session.token, only_franceconnect)["outcome"] == "code"
    assert str(account.id) != grant["sub"]  # never the account's own id either
