# ruff: noqa: F811 - ``world`` is the journey tests' fixture, imported
"""Back-channel logout (issue #34, provider/backchannel.py): given applications that got tokens
from portal sessions, when a session ends in any of identity's ways, then one
``BackchannelLogout.Due`` per application of that session, in the same transaction, published
as ``BackchannelLogoutDue``; when the sender says it was delivered, ``Delivered`` once, and the
logout is never due again."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from identity.provider.backchannel import BackchannelLogout

from .journey_world import PASSWORD, World
from .test_provider_journey import logged_in, world  # noqa: F401 - the fixture
from .test_token_life import published, redeemed

DAY = 86400


def another_session(world: World) -> str:
    answer = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)
    return str(answer["session"]["token"])


def started(world: World, token: str, client: str) -> dict[str, Any]:
    code = redeemed(world, token, client)
    answer: dict[str, Any] = world.app.token_life.start(code, client, None)
    return answer


def session_of(world: World, token: str) -> str:
    claims = world.app.sessions.tokens.read(token, world.clock.now())
    assert claims is not None
    return claims.session_id


def due(world: World, since: int) -> list[dict[str, Any]]:
    return [payload for name, payload in published(world, since) if name == "BackchannelLogoutDue"]


def test_a_logout_owes_one_logout_to_each_application_of_that_session_only(world: World) -> None:
    token = logged_in(world)
    other = another_session(world)
    started(world, token, "partenaire")
    started(world, token, "partenaire")  # a second login to the same application, same session
    started(world, token, "autre-appli")
    started(world, other, "partenaire")
    since = world.app.recorder.max_notification_id() or 0
    world.new_events()

    world.app.sessions.logout(token)

    assert world.new_events() == [
        "RevokedSession.Revoked", "BackchannelLogout.Due", "BackchannelLogout.Due",
    ]  # fmt: skip
    sid = session_of(world, token)
    logouts = due(world, since)
    assert sorted(p["client_id"] for p in logouts) == ["autre-appli", "partenaire"]
    assert {p["session_id"] for p in logouts} == {sid}
    assert {p["cause"] for p in logouts} == {"logout"}
    first = world.app.store.find(uuid.UUID(logouts[0]["logout_id"]))
    assert isinstance(first, BackchannelLogout) and first.session_id == sid
    partenaire = world.app.store.find(BackchannelLogout.id_for(sid, "partenaire"))
    assert isinstance(partenaire, BackchannelLogout) and len(partenaire.families) == 2


def test_all_devices_owes_a_logout_per_session_and_never_twice(world: World) -> None:
    token = logged_in(world)
    other = another_session(world)
    started(world, token, "partenaire")
    started(world, other, "partenaire")
    world.app.sessions.logout(other)  # already owed
    since = world.app.recorder.max_notification_id() or 0
    world.new_events()

    world.app.sessions.logout_everywhere(token)

    assert world.new_events() == ["SessionsCutoff.Set", "BackchannelLogout.Due"]
    logouts = due(world, since)
    assert [(p["session_id"], p["cause"]) for p in logouts] == [
        (session_of(world, token), "all_devices")
    ]


@pytest.mark.parametrize("cause", ["password_change", "erasure"])
def test_a_credential_change_or_an_erasure_owes_logouts_but_to_the_session_kept(
    world: World, cause: str
) -> None:
    token = logged_in(world)
    other = another_session(world)
    started(world, token, "partenaire")
    started(world, other, "partenaire")
    account_id = world.app.sessions.live(token).account_id
    keep = session_of(world, token) if cause == "password_change" else None
    since = world.app.recorder.max_notification_id() or 0
    world.new_events()

    store = world.app.store
    world.app.save(store.revoke_sessions(account_id, cause, keep=keep))  # type: ignore[arg-type]

    ended = [session_of(world, other)] + ([] if keep else [session_of(world, token)])
    assert sorted(p["session_id"] for p in due(world, since)) == sorted(ended)
    assert {p["cause"] for p in due(world, since)} == {cause}


def test_a_login_its_client_revoked_itself_or_a_session_without_applications_owes_nothing(
    world: World,
) -> None:
    token = logged_in(world)
    family = started(world, token, "partenaire")["family"]
    world.app.token_life.revoke(family, None, "partenaire")
    bare = another_session(world)
    world.new_events()

    world.app.sessions.logout(token)
    world.app.sessions.logout(bare)

    assert world.new_events() == ["RevokedSession.Revoked", "RevokedSession.Revoked"]


def test_a_delivered_logout_is_recorded_once_and_never_due_again(world: World) -> None:
    token = logged_in(world)
    started(world, token, "partenaire")
    world.app.sessions.logout(token)
    logout_id = BackchannelLogout.id_for(session_of(world, token), "partenaire")
    backchannel = world.app.backchannel
    world.new_events()

    before = backchannel.logout(logout_id)
    recorded = backchannel.delivered(logout_id, "jti-of-the-logout-token")
    again = backchannel.delivered(logout_id, "jti-of-another-attempt")

    logout = world.app.store.find(logout_id)
    assert isinstance(logout, BackchannelLogout)
    family_sub = logout.subject
    assert before == {"outcome": "due", "client_id": "partenaire",
                      "sid": session_of(world, token), "sub": family_sub}  # fmt: skip
    assert recorded == {"outcome": "recorded"} and again == {"outcome": "already"}
    assert world.new_events() == ["BackchannelLogout.Delivered"]
    assert backchannel.logout(logout_id) == {"outcome": "delivered"}
    assert world.app.store.get(logout_id).jti == "jti-of-the-logout-token"
    assert backchannel.logout(uuid.uuid4()) == {"outcome": "unknown"}
    assert backchannel.delivered(uuid.uuid4(), "x" * 20) == {"outcome": "unknown"}


def test_a_session_past_its_maximum_lifetime_owes_no_logout(world: World) -> None:
    token = logged_in(world)
    started(world, token, "partenaire")
    account_id = world.app.sessions.live(token).account_id
    world.clock.advance(seconds=world.app.settings.session_max_lifetime_s + 1)
    world.new_events()

    world.app.save(world.app.store.revoke_sessions(account_id, "nir_assigned"))

    assert world.new_events() == ["SessionRevocations.Opened", "SessionRevocations.Revoked"]


def test_an_agents_end_of_sessions_owes_a_logout_to_each_application(world: World) -> None:
    from shared.runtime.agent_gate import AgentAct
    from shared.runtime.agent_tokens import Agent

    token = logged_in(world)
    started(world, token, "partenaire")
    act = AgentAct(Agent("agent-42", "Claire Dupont", ("accueil",)), "appel", None, "Caf")
    since = world.app.recorder.max_notification_id() or 0

    ended = world.app.agent_console.end_sessions(world.identifier(), act)

    assert ended["outcome"] == "ended"
    assert [(p["session_id"], p["cause"]) for p in due(world, since)] == [
        (session_of(world, token), "all_devices")
    ]


def test_an_agents_contact_change_owes_a_logout_for_every_session(world: World) -> None:
    token = logged_in(world)
    other = another_session(world)
    started(world, token, "partenaire")
    started(world, other, "autre-appli")
    since = world.app.recorder.max_notification_id() or 0

    world.app.back_office.update_contacts(
        world.identifier(), {"email": "nouvelle@test.fr"}, "agent-42", reason="appel"
    )

    assert sorted((p["session_id"], p["cause"]) for p in due(world, since)) == sorted(
        [(session_of(world, token), "contact_change"), (session_of(world, other), "contact_change")]
    )
