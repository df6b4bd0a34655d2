# ruff: noqa: F811 - ``world`` is the journey tests' fixture, imported
"""Caf connect's token life (issue #34, provider/refresh.py): given a code redeemed by its client,
when the gateway starts its family, refreshes, revokes or asks for a token's status, then these
events and these answers: rotation on every use, a reused refresh token ends the whole family,
and every token of a family dies with its portal session."""

from __future__ import annotations

from typing import Any

import pytest
from identity.integration import integration_event

from shared import events
from shared.runtime import metrics

from .journey_world import World
from .test_provider_journey import logged_in, request, world  # noqa: F401 - the fixture

DAY = 86400


def redeemed(world: World, token: str, client: str = "partenaire") -> str:
    provider = world.app.provider
    code = str(provider.authorize(token, request(client_id=client, consent_given=True))["code"])
    assert provider.redeem(code, client)["outcome"] == "redeemed"
    return code


def reuse_count() -> float:
    return metrics.OIDC_REFRESH.labels(outcome="reused")._value.get()


def test_a_family_starts_once_per_code_with_a_refresh_token_if_asked(world: World) -> None:
    token = logged_in(world)
    life = world.app.token_life
    code, other = redeemed(world, token), redeemed(world, token)
    world.new_events()

    started = life.start(code, "partenaire", 30 * DAY)
    again = life.start(code, "partenaire", 30 * DAY)
    no_refresh = life.start(other, "partenaire", None)

    assert started["outcome"] == "started" and started["refresh_token"].startswith(
        started["family"].replace("-", "") + "."
    )
    assert again["outcome"] == "refused"
    assert no_refresh["outcome"] == "started" and no_refresh["refresh_token"] is None
    assert world.new_events() == [
        "TokenFamily.Started", "ApplicationLogins.Opened", "ApplicationLogins.LoggedIn",
        "TokenFamily.Started", "ApplicationLogins.LoggedIn",
    ]  # fmt: skip
    assert life.start(redeemed(world, token), "autre-client", None)["outcome"] == "refused"


def test_a_refresh_token_is_rotated_on_every_use(world: World) -> None:
    token = logged_in(world)
    life = world.app.token_life
    first = life.start(redeemed(world, token), "partenaire", 30 * DAY)["refresh_token"]
    world.new_events()

    second = life.refresh(first, "partenaire")
    third = life.refresh(second["refresh_token"], "partenaire")

    assert second["outcome"] == third["outcome"] == "rotated"
    assert len({first, second["refresh_token"], third["refresh_token"]}) == 3
    assert second["grant"]["scopes"] == ["openid", "profile"] and second["grant"]["sid"]
    assert world.new_events() == ["TokenFamily.Rotated", "TokenFamily.Rotated"]
    assert life.status(None, third["refresh_token"])["active"] is True
    assert life.status(None, first)["active"] is False


def test_a_reused_refresh_token_ends_its_whole_family(world: World) -> None:
    token = logged_in(world)
    life = world.app.token_life
    started = life.start(redeemed(world, token), "partenaire", 30 * DAY)
    stolen = started["refresh_token"]
    live = life.refresh(stolen, "partenaire")["refresh_token"]  # the client rotated it
    world.new_events()
    before = reuse_count()

    reused = life.refresh(stolen, "partenaire")  # the thief's copy
    after = life.refresh(live, "partenaire")  # the client's own, now dead too

    assert reused == {"outcome": "invalid_grant", "reason": "reused"}
    assert after == {"outcome": "invalid_grant", "reason": "reuse"}
    assert world.new_events() == ["TokenFamily.ReuseDetected"]
    assert reuse_count() == before + 1
    assert life.status(started["family"], None) == {"active": False, "reason": "reuse"}


def test_an_expired_refresh_token_another_clients_or_a_made_up_one_is_refused(
    world: World,
) -> None:
    token = logged_in(world)
    life = world.app.token_life
    refresh = life.start(redeemed(world, token), "partenaire", 3600)["refresh_token"]
    family = refresh.split(".")[0]

    assert life.refresh(refresh, "autre")["reason"] == "another_client"
    assert life.refresh(family + ".made-up-secret-of-twenty-chars", "partenaire")["reason"] == (
        "unknown"
    )
    world.clock.advance(seconds=3600)
    assert life.refresh(refresh, "partenaire") == {"outcome": "invalid_grant", "reason": "expired"}


@pytest.mark.parametrize("how", ["logout", "everywhere"])
def test_every_token_of_a_family_dies_with_its_portal_session(world: World, how: str) -> None:
    token = logged_in(world)
    life = world.app.token_life
    started = life.start(redeemed(world, token), "partenaire", 30 * DAY)
    assert life.status(started["family"], None)["active"] is True
    world.new_events()

    if how == "logout":
        world.app.sessions.logout(token)
    else:
        world.app.sessions.logout_everywhere(token)

    assert life.status(started["family"], None) == {"active": False, "reason": "session_ended"}
    assert life.refresh(started["refresh_token"], "partenaire")["reason"] == "session_ended"
    assert world.new_events()[-1] == "TokenFamily.Ended"


def test_its_client_revokes_a_family_by_either_token(world: World) -> None:
    token = logged_in(world)
    life = world.app.token_life
    by_refresh = life.start(redeemed(world, token), "partenaire", 30 * DAY)
    by_access = life.start(redeemed(world, token), "partenaire", None)
    world.new_events()

    foreign = life.revoke(None, by_refresh["refresh_token"], "autre")
    revoked = life.revoke(None, by_refresh["refresh_token"], "partenaire")
    again = life.revoke(None, by_refresh["refresh_token"], "partenaire")
    access = life.revoke(by_access["family"], None, "partenaire")

    assert foreign == {"outcome": "unknown"}
    assert revoked == again == access == {"outcome": "revoked"}
    assert world.new_events() == ["TokenFamily.Ended", "TokenFamily.Ended"]
    assert life.refresh(by_refresh["refresh_token"], "partenaire")["reason"] == "revoked"
    assert life.status(by_access["family"], None) == {"active": False, "reason": "revoked"}


def published(world: World, since: int) -> list[tuple[str, dict[str, Any]]]:
    """What the outbox relay publishes for the events stored after notification ``since``,
    each built by the shared schema (as the relay does)."""
    app = world.app
    out = []
    for notification in app.recorder.select_notifications(start=since + 1, limit=1000):
        translated = integration_event(app.mapper.to_domain_event(notification))
        if translated is not None:
            events.build(*translated, producer="identity", position=notification.id)
            out.append(translated)
    return out


def test_a_grant_a_login_to_an_application_a_reuse_and_an_end_are_published(
    world: World,
) -> None:
    token = logged_in(world)
    life = world.app.token_life
    since = world.app.recorder.max_notification_id() or 0

    first = life.start(redeemed(world, token), "partenaire", 30 * DAY)
    life.refresh(first["refresh_token"], "partenaire")
    life.refresh(first["refresh_token"], "partenaire")  # reused
    other = life.start(redeemed(world, token), "partenaire", None)
    life.revoke(other["family"], None, "partenaire")

    names = [name for name, _ in published(world, since)]
    assert names == ["ApplicationAuthorized", "ApplicationTokensIssued", "RefreshTokenReused",
                     "ApplicationTokensIssued", "ApplicationTokensEnded"]  # fmt: skip
    payloads = dict(published(world, since))
    assert payloads["ApplicationTokensEnded"]["reason"] == "revoked"
    assert payloads["RefreshTokenReused"]["family_id"] == first["family"]
    assert payloads["ApplicationAuthorized"]["client_id"] == "partenaire"


def test_mon_historique_says_which_application_the_person_logged_in_to(world: World) -> None:
    token = logged_in(world)
    world.clock.advance(seconds=5)

    world.app.token_life.start(redeemed(world, token), "partenaire", None)

    newest, login = world.app.my_account.history(token)[:2]
    assert newest["method"] == "caf_connect" and newest["application"] == "partenaire"
    assert newest["outcome"] == "application" and newest["source"] is None
    assert login["method"] == "password" and login["outcome"] == "ok"
