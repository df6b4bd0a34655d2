"""The application on the embedded store: decisions, reservations, captchas, back office."""

from __future__ import annotations

import uuid
from typing import Any

from lockout.answers import state_fields
from lockout.application import LockoutApplication
from lockout.domain import FailedLoginLadder
from lockout.reservations import ReservationId

from shared import events
from shared.identifiers import parse_identifier
from shared.runtime.clock import FrozenClock

KEY = "ab" * 32
NIR = "1 63 06 31 555 082"


def everything_stored(app: LockoutApplication) -> bytes:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return b"".join(n.state for n in notifications)


def captcha(app: LockoutApplication) -> dict[str, Any]:
    issued = app.new_captcha()
    return {"captcha_id": uuid.UUID(issued["captcha_id"]), "captcha_answer": app.captcha_answers()}


def wrong_login(app: LockoutApplication, key: str = KEY, **extra: Any) -> dict[str, Any]:
    reserved = app.reserve_attempt(key, **extra)
    assert reserved["decision"] == "check", reserved
    return app.report_attempt(ReservationId.parse(reserved["reservation_id"]), False)


def test_a_check_is_reserved_then_a_failure_counts(app: LockoutApplication) -> None:
    assert wrong_login(app) == {
        "failures": 1,
        "attempts_left": 4,
        "captcha_required": False,
        "frozen_until": None,
        "retry_after_s": None,
    }


def test_the_third_failure_asks_for_a_captcha_and_a_good_one_passes(
    app: LockoutApplication,
) -> None:
    for _ in range(3):
        wrong_login(app)
    refused = app.reserve_attempt(KEY)
    assert (refused["decision"], refused["reservation_id"]) == ("captcha_required", None)
    assert wrong_login(app, **captcha(app))["attempts_left"] == 1


def test_the_fifth_failure_freezes_and_time_left_is_told(
    app: LockoutApplication, clock: FrozenClock
) -> None:
    for _ in range(3):
        wrong_login(app)
    wrong_login(app, **captcha(app))
    frozen = wrong_login(app, **captcha(app))
    assert (frozen["failures"], frozen["retry_after_s"]) == (5, 600)
    clock.advance(minutes=7)
    answer = app.reserve_attempt(KEY, **captcha(app))
    assert (answer["decision"], answer["retry_after_s"]) == ("frozen", 180)


def test_a_freeze_is_said_recorded_only_once_settled_not_while_projected_from_a_check_in_flight(
    app: LockoutApplication,
) -> None:
    # identity keeps a recorded freeze (its freeze cache); a projected one may still vanish:
    # the check in flight may succeed and lift it, with no AccountUnfrozen
    for _ in range(3):
        wrong_login(app)
    wrong_login(app, **captcha(app))
    fifth = app.reserve_attempt(KEY, **captcha(app))
    projected = app.reserve_attempt(KEY, **captcha(app))
    assert (projected["decision"], projected["freeze_recorded"]) == ("frozen", False)

    app.report_attempt(ReservationId.parse(fifth["reservation_id"]), False)

    recorded = app.reserve_attempt(KEY, **captcha(app))
    assert (recorded["decision"], recorded["freeze_recorded"]) == ("frozen", True)
    assert recorded["frozen_until"] == projected["frozen_until"]


def test_a_request_delivered_again_is_told_how_long_its_first_check_may_still_settle(
    app: LockoutApplication, clock: FrozenClock
) -> None:
    first = app.reserve_attempt(KEY, request_id="r-1")
    clock.advance(seconds=10)

    again = app.reserve_attempt(KEY, request_id="r-1")

    assert (again["granted_before"], again["settles_within_s"]) == (True, 20.0)
    app.report_attempt(ReservationId.parse(first["reservation_id"]), True)
    assert app.reserve_attempt(KEY, request_id="r-1")["settles_within_s"] == 0.0


def test_success_resets(app: LockoutApplication) -> None:
    wrong_login(app)
    reserved = app.reserve_attempt(KEY)
    answer = app.report_attempt(ReservationId.parse(reserved["reservation_id"]), True)
    assert (answer["failures"], answer["attempts_left"]) == (0, 5)


def test_a_reservation_settles_the_successes_it_carries_in_the_same_save(
    app: LockoutApplication,
) -> None:
    # issue #28: identity's next login of the identifier carries the success its event will
    # settle too; until then it counted as a failure (three of them: a captcha)
    successes = [ReservationId.parse(app.reserve_attempt(KEY)["reservation_id"]) for _ in range(3)]
    assert app.reserve_attempt(KEY)["decision"] == "captcha_required"
    foreign = ReservationId(uuid.uuid4(), successes[0].token)  # another ladder's: ignored
    saved = app.recorder.max_notification_id() or 0

    answer = app.reserve_attempt(KEY, successes=[*successes, foreign])

    assert (answer["decision"], answer["failures"], answer["on_success"]["failures"]) == (
        "check",
        1,  # the new check only: the successes reset the ladder
        0,
    )
    stored = app.recorder.select_notifications(start=saved + 1, limit=100)
    assert [n.topic.rsplit(".", 1)[-1] for n in stored] == [
        "AttemptSucceeded", "AttemptSucceeded", "AttemptSucceeded", "AttemptReserved",
    ]  # fmt: skip
    assert {n.originator_id for n in stored} == {successes[0].ladder_id}
    again = app.reserve_attempt(KEY, successes=successes)  # settled: nothing changes
    assert (again["decision"], again["failures"]) == ("check", 2)


def test_a_wrong_captcha_is_said_invalid_and_spent(app: LockoutApplication) -> None:
    for _ in range(3):
        wrong_login(app)
    given = captcha(app)
    answer = app.reserve_attempt(KEY, captcha_id=given["captcha_id"], captcha_answer="NOPE0")
    assert (answer["decision"], answer["captcha_invalid"]) == ("captcha_required", True)
    again = app.reserve_attempt(KEY, **given)
    assert (again["decision"], again["captcha_invalid"]) == ("captcha_required", True)


def test_captcha_answers_ignore_case_and_are_single_use(app: LockoutApplication) -> None:
    captcha_id = uuid.UUID(app.new_captcha()["captcha_id"])
    assert app.check_captcha(captcha_id, app.captcha_answers().lower()) == {"valid": True}
    assert app.check_captcha(captcha_id, app.captcha_answers()) == {"valid": False}


def test_the_answer_is_not_stored_in_clear(app: LockoutApplication) -> None:
    app.new_captcha()
    stored = everything_stored(app)
    assert (
        app.captcha_answers().encode() not in stored
        and app.captcha_answers().lower().encode() not in stored
    )


def test_status_and_lift_freeze_take_the_plain_identifier(app: LockoutApplication) -> None:
    identifier = parse_identifier(NIR)
    key = app.identifier_key(identifier)
    assert app.status(identifier)["state"] == "open"
    assert app.lift_freeze(identifier, "agent-042", "appel")["outcome"] == "not_frozen"
    for _ in range(3):
        wrong_login(app, key)
    for _ in range(2):
        wrong_login(app, key, **captcha(app))
    assert app.status(identifier)["state"] == "frozen"
    assert app.lift_freeze(identifier, "agent-042", "appel")["outcome"] == "lifted"
    assert app.status(identifier) == {
        "state": "open",
        "failures": 0,
        "attempts_left": 5,
        "captcha_required": False,
        "frozen_until": None,
        "retry_after_s": None,
    }
    stored = everything_stored(app)
    assert b"appel" not in stored  # the agent's note is personal data: encrypted
    assert identifier.value.encode() not in stored and b"agent-042" in stored


def test_an_unknown_reservation_changes_nothing(app: LockoutApplication) -> None:
    answer = app.report_attempt(ReservationId(uuid.uuid4(), "0" * 32), False)
    assert answer["failures"] == 0


def test_a_source_failing_on_many_identifiers_is_throttled_not_its_victims(
    app: LockoutApplication,
) -> None:
    source = "cd" * 32
    limit = app.source_policy.max_identifiers
    for i in range(limit):
        wrong_login(app, f"{i:064x}", source_key=source)
    throttled = app.reserve_attempt(f"{limit:064x}", source_key=source)
    assert throttled["decision"] == "source_throttled"
    assert app.reserve_attempt(f"{limit:064x}", source_key="ef" * 32)["decision"] == "check"
    victim = app.reserve_attempt(f"{0:064x}")
    assert (victim["decision"], victim["failures"]) == (
        "check",
        2,
    )  # its 1 failure and this check, counted until settled
    # a person behind the same address still gets in by solving a captcha
    assert (
        app.reserve_attempt(f"{limit:064x}", source_key=source, **captcha(app))["decision"]
        == "check"
    )


# Settled from identity's login events (issue #28): given a check reserved, when the login's
# event is processed, then the ladder says what identity already answered.

SOURCE_KEY = "cd" * 32


def state_of(app: LockoutApplication) -> dict[str, Any]:
    ladder = app.ladder_by_id(FailedLoginLadder.create_id(KEY))
    assert ladder is not None
    return state_fields(ladder.view(app.clock.now(), app.ladder_policy))


def login_event(
    app: LockoutApplication, kind: str, reservation_id: str | None, position: int, **extra: Any
) -> Any:
    payload: dict[str, Any] = {
        "identifier_key": KEY,
        "account_id": str(uuid.uuid4()),
        "source_key": SOURCE_KEY,
        "reservation_id": reservation_id,
    }
    if kind == "LoginSucceeded":
        payload["auth_method"] = "password"
    else:
        payload["reason"] = extra.get("reason", "invalid_credentials")
    envelope = events.parse(events.build(kind, payload, producer="identity", position=position))
    # as the service does: settling again is harmless, the tracking record is not read first
    return app.process(envelope, lambda e: app.settle_from_login(kind, e.payload), idempotent=True)


def test_given_a_check_when_its_login_failed_is_processed_then_it_counts_once(
    app: LockoutApplication,
) -> None:
    reserved = app.reserve_attempt(KEY, source_key=SOURCE_KEY)
    assert state_of(app)["failures"] == 1  # in flight: counted as a failure until settled

    assert login_event(app, "LoginFailed", reserved["reservation_id"], position=1) is True
    assert login_event(app, "LoginFailed", reserved["reservation_id"], position=1) is False

    state = state_of(app)
    assert (state["failures"], state["attempts_left"]) == (1, reserved["attempts_left"])


def test_given_four_failures_when_the_fifth_check_s_login_succeeded_arrives_then_reset(
    app: LockoutApplication,
) -> None:
    for _ in range(3):
        wrong_login(app)
    wrong_login(app, **captcha(app))
    reserved = app.reserve_attempt(KEY, **captcha(app))
    assert reserved["frozen_until"] is not None  # if it failed, it would freeze

    login_event(app, "LoginSucceeded", reserved["reservation_id"], position=7)

    state = state_of(app)
    assert {k: state[k] for k in reserved["on_success"]} == reserved["on_success"]
    assert (state["failures"], state["frozen_until"]) == (0, None)


def test_a_right_password_refused_by_the_renewal_campaign_settles_as_a_success(
    app: LockoutApplication,
) -> None:
    wrong_login(app)
    reserved = app.reserve_attempt(KEY)

    login_event(app, "LoginFailed", reserved["reservation_id"], 3, reason="password_reset_required")

    assert state_of(app)["failures"] == 0


def test_a_refusal_s_event_carries_no_check_and_settles_nothing(app: LockoutApplication) -> None:
    reserved = app.reserve_attempt(KEY)

    login_event(app, "LoginFailed", None, position=4, reason="captcha_required")

    state = state_of(app)
    assert (state["failures"], state["attempts_left"]) == (1, reserved["attempts_left"])
    ladder = app.ladder_by_id(FailedLoginLadder.create_id(KEY))
    assert ladder is not None and ladder.failures == 0 and len(ladder.pending) == 1


def test_a_check_with_no_event_is_settled_as_a_failure_after_the_bound(
    app: LockoutApplication, clock: FrozenClock
) -> None:
    reserved = app.reserve_attempt(KEY)
    clock.advance(seconds=app.ladder_policy.reservation_timeout_s)

    wrong_login(app)  # the next decision settles the overdue check first

    assert state_of(app)["failures"] == 2
    late = login_event(app, "LoginSucceeded", reserved["reservation_id"], position=5)
    assert late is True and state_of(app)["failures"] == 2  # never released


def test_a_late_event_settles_its_check_as_it_went_if_no_decision_counted_it_meanwhile(
    app: LockoutApplication, clock: FrozenClock
) -> None:
    wrong_login(app)
    reserved = app.reserve_attempt(KEY)
    clock.advance(minutes=5)  # the broker was away: the event comes late, nothing decided since

    login_event(app, "LoginSucceeded", reserved["reservation_id"], position=6)

    assert state_of(app)["failures"] == 0
