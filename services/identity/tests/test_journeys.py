"""The journeys at the application level, lockout faked: given these events, when this command,
then these events and this answer. The RPC tests drive the same journeys through the service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from identity.application import IdentityApplication
from identity.settings import IdentitySettings

from shared.runtime.clock import FrozenClock
from shared.runtime.rpc import InvalidInput

from .journey_world import NIR, PASSWORD, World

NEW_PASSWORD = "Printemps2025Caf"


@pytest.fixture
def world(tmp_path: Path, test_secrets: dict[str, Any]) -> Iterator[World]:
    clock = FrozenClock()
    mapping = {
        "ENVIRONMENT": "test",
        "DATA_DIR": str(tmp_path),
        "ARGON2_MEMORY_KIB": "64",
        "ARGON2_TIME_COST": "1",
        **test_secrets,
    }
    app = IdentityApplication(IdentitySettings.from_mapping(mapping, "identity"), clock=clock)
    yield World(app, clock, test_secrets["NOTIFICATION_SEAL_PRIVATE_JWK"])
    app.close()


def test_a_right_password_logs_in_and_its_event_settles_lockout_s_check(world: World) -> None:
    world.given_account()

    answer = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)

    assert answer["outcome"] == "ok" and answer["session"]["token"]
    assert answer["attempts_left"] == 5  # lockout's state once the check is settled a success
    assert world.lockout.reports == []  # no RPC settles it: its event does (issue #28)
    assert world.new_events() == ["Account.LoginSucceeded"]
    ((_kind, payload),) = [e for e in world.published() if e[0] == "LoginSucceeded"]
    assert payload["reservation_id"] == world.lockout.reservations[-1]


def test_the_next_reservation_of_the_identifier_carries_the_last_success(world: World) -> None:
    # a person logging in again is not met by a captcha while the event travels (tests/faults)
    world.given_account()
    world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)
    first = world.lockout.reservations[-1]

    world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)
    world.app.login.attempt(world.identifier(), "pas-le-bon", world.lockout)
    world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)

    second = world.lockout.reservations[1]
    assert world.lockout.carried == [[], [first], [second], []]  # each once; never a failure
    assert world.lockout.reports == []


def test_a_wrong_password_is_answered_from_the_reservation_and_its_event_settles_it(
    world: World,
) -> None:
    world.given_account()

    answer = world.app.login.attempt(world.identifier(), "pas-le-bon", world.lockout)

    assert (answer["outcome"], answer["attempts_left"]) == ("invalid_credentials", 4)
    assert world.lockout.reports == []
    ((_kind, payload),) = [e for e in world.published() if e[0] == "LoginFailed"]
    assert payload["reservation_id"] == world.lockout.reservations[-1]
    assert payload["reason"] == "invalid_credentials"


def test_an_old_8_to_24_password_still_logs_in(world: World) -> None:
    world.given_account(password="Azerty12")  # set before today's 10-character rule

    answer = world.app.login.attempt(world.identifier(), "Azerty12", world.lockout)

    assert answer["outcome"] == "ok"
    assert world.new_events() == ["Account.LoginSucceeded"]


def test_a_frozen_identifier_is_refused_before_any_password_check(world: World) -> None:
    world.given_account()
    world.lockout.decision = "frozen"
    checked: list[str] = []
    verify = world.app.hasher.verify

    def counted(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return verify(password_hash, password)

    world.app.hasher.verify = counted  # type: ignore[method-assign]

    answer = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)

    assert answer["outcome"] == "frozen" and answer["session"] is None
    assert checked == [] and world.lockout.reports == []
    assert world.new_events() == ["RefusedLoginAttempt.Recorded"]


def test_an_unknown_identifier_fails_like_a_wrong_password_and_writes_nothing(
    world: World,
) -> None:
    answer = world.app.login.attempt(world.identifier(NIR), PASSWORD, world.lockout)

    assert answer["outcome"] == "invalid_credentials"
    assert world.lockout.reports == [False]  # reported after the answer: no event to settle it
    assert world.new_events() == []  # random identifiers do not grow identity's store


def test_a_reset_for_nobody_is_a_decoy_that_never_sends_a_code(world: World) -> None:
    started = world.app.password_reset.start(
        world.identifier(), "MORVAN", world.lockout.captcha(), world.lockout
    )
    channel = started["channels"][0]["channel"]

    sent = world.app.password_reset.send_code(started["reset_id"], channel)

    assert sent["outcome"] == "sent" and sent["sent_to"] == started["channels"][0]["masked"]
    assert world.new_events() == ["CodeFlow.Started", "CodeFlow.CodeIssued"]
    flow = world.app.store.code_flow("password_reset", started["reset_id"], "reset_id")
    assert flow.account_id is None and flow.code_hash is None  # nothing to deliver


def test_the_password_policy_is_checked_by_the_command_itself(world: World) -> None:
    world.given_account()
    started = world.app.password_reset.start(
        world.identifier(), "MORVAN", world.lockout.captcha(), world.lockout
    )
    world.new_events()

    with pytest.raises(InvalidInput) as refused:
        world.app.password_reset.complete(started["reset_id"], "court", "court")
    with pytest.raises(InvalidInput) as mismatched:
        world.app.password_reset.complete(started["reset_id"], NEW_PASSWORD, NEW_PASSWORD + "x")

    assert refused.value.code == "password_policy"
    assert "password" in refused.value.fields
    assert mismatched.value.code == "password_confirmation"
    assert world.new_events() == []


def test_a_reset_for_the_account_ends_with_a_new_password(world: World) -> None:
    account = world.given_account()
    reset = world.app.password_reset
    started = reset.start(world.identifier(), "Morvan", world.lockout.captcha(), world.lockout)
    reset.send_code(started["reset_id"], "email")
    entered = reset.verify_code(started["reset_id"], world.code_sent(started["reset_id"]))

    done = reset.complete(started["reset_id"], NEW_PASSWORD, NEW_PASSWORD)

    assert entered["verified"] and done["outcome"] == "password_changed"
    assert world.new_events() == [
        "CodeFlow.Started",
        "CodeFlow.CodeIssued",
        "CodeFlow.CodeAccepted",
        "Account.PasswordChanged",
        "CodeFlow.Completed",
        "SessionRevocations.Opened",  # every session of the account ends
        "SessionRevocations.Revoked",
    ]
    assert world.app.hasher.verify(
        world.app.store.get(account.id).password_hash.value, NEW_PASSWORD
    )


def test_a_wrong_captcha_starts_nothing(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.app.password_reset.start(
            world.identifier(), "MORVAN", {"captcha_id": "x", "answer": "WRONG"}, world.lockout
        )

    assert refused.value.code == "captcha_invalid"
    assert world.new_events() == []


def test_changing_the_password_checks_the_current_one_through_lockout(world: World) -> None:
    world.given_account()
    token = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)["session"]["token"]
    world.new_events()

    wrong = world.app.my_account.change_password(
        token, "pas-le-bon", NEW_PASSWORD, NEW_PASSWORD, world.lockout
    )
    changed = world.app.my_account.change_password(
        token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, world.lockout
    )

    assert (wrong["outcome"], changed["outcome"]) == ("invalid_current_password", "changed")
    assert world.lockout.reports == [False, True]  # change_password reports at once
    assert world.new_events() == [
        "Account.PasswordChanged",
        "SessionRevocations.Opened",  # the other sessions end, this one stays
        "SessionRevocations.Revoked",
    ]
    assert world.app.sessions.verify(token)["valid"] is True


def test_a_logged_out_session_is_refused_everywhere(world: World) -> None:
    world.given_account()
    token = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)["session"]["token"]
    world.new_events()

    world.app.sessions.logout(token)

    assert world.app.sessions.verify(token)["reason"] == "revoked"
    with pytest.raises(InvalidInput) as refused:
        world.app.my_account.summary(token)
    assert refused.value.code == "session_invalid"
    assert world.new_events() == ["RevokedSession.Revoked"]


def test_logging_out_everywhere_ends_every_session_of_the_account(world: World) -> None:
    world.given_account()
    first = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)["session"]
    second = world.app.login.attempt(world.identifier(), PASSWORD, world.lockout)["session"]
    world.new_events()

    answer = world.app.sessions.logout_everywhere(second["token"])

    assert answer == {"outcome": "logged_out"}
    assert world.app.sessions.verify(first["token"])["reason"] == "revoked"
    assert world.app.sessions.verify(second["token"])["reason"] == "revoked"
    assert world.new_events() == ["SessionsCutoff.Set"]
