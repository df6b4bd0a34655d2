"""The ladder of spec §6, row by row: given past events, when a command, then new events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lockout.domain import FailedLoginLadder, LadderPolicy
from lockout.domain.ladder import SETTLED_KEPT

KEY = "ab" * 32
SOURCE = "cd" * 32
T0 = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
POLICY = LadderPolicy()


def names(ladder: FailedLoginLadder) -> list[str]:
    return [type(e).__name__ for e in ladder.collect_events()]


def fail(ladder: FailedLoginLadder, now: datetime, n: int = 1) -> None:
    """n checks reserved and reported wrong, with a captcha whenever one is due."""
    for i in range(n):
        ladder.settle(now, POLICY)
        reservation = f"r{ladder.version}-{i}"
        decision = ladder.reserve(reservation, now, POLICY, captcha_passed=True)
        assert decision == "check"
        ladder.report(reservation, False, now, POLICY)


def test_fresh_ladder_allows_a_check_and_records_the_reservation() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    assert ladder.reserve("r1", T0, POLICY, captcha_passed=False) == "check"
    assert names(ladder) == ["Opened", "AttemptReserved"]
    assert ladder.view(T0, POLICY).attempts_left == 4  # the in-flight check counts


@pytest.mark.parametrize(
    ("failures", "attempts_left", "captcha_required"),
    [(1, 4, False), (2, 3, False), (3, 2, True), (4, 1, True)],
)
def test_failures_before_the_freeze(
    failures: int, attempts_left: int, captcha_required: bool
) -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, failures)
    view = ladder.view(T0, POLICY)
    assert (view.failures, view.attempts_left, view.captcha_required) == (
        failures,
        attempts_left,
        captcha_required,
    )
    assert view.frozen_until is None


def test_from_the_third_failure_a_check_needs_a_captcha() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 3)
    ladder.collect_events()
    assert ladder.reserve("r", T0, POLICY, captcha_passed=False) == "captcha_required"
    assert names(ladder) == []


@pytest.mark.parametrize(
    ("failures", "minutes"), [(5, 10), (6, 20), (7, 60), (8, 24 * 60), (9, 24 * 60)]
)
def test_each_failure_from_the_fifth_freezes_longer(failures: int, minutes: int) -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    now = T0
    for _ in range(failures - 1):
        fail(ladder, now)
        view = ladder.view(now, POLICY)
        if view.frozen_until:
            now = view.frozen_until
    ladder.collect_events()
    fail(ladder, now)
    assert names(ladder) == ["AttemptReserved", "AttemptFailed", "Frozen"]
    view = ladder.view(now, POLICY)
    assert view.frozen_until == now + timedelta(minutes=minutes)
    assert view.retry_after_s == minutes * 60
    assert (view.gate, view.attempts_left) == ("frozen", 0)


def test_during_a_freeze_nothing_is_reserved_and_the_time_left_is_told() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 5)
    ladder.collect_events()
    later = T0 + timedelta(minutes=3)
    assert ladder.reserve("r", later, POLICY, captcha_passed=True) == "frozen"
    assert names(ladder) == []
    assert ladder.view(later, POLICY).retry_after_s == 7 * 60


def test_after_a_freeze_one_check_only_then_the_next_freeze() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 5)
    after = T0 + timedelta(minutes=10)
    view = ladder.view(after, POLICY)
    assert (view.gate, view.attempts_left, view.captcha_required) == ("captcha", 1, True)
    assert ladder.reserve("a", after, POLICY, captcha_passed=True) == "check"
    assert ladder.reserve("b", after, POLICY, captcha_passed=True) == "frozen"


def test_in_flight_checks_count_so_only_five_are_ever_reserved() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    decisions = [ladder.reserve(f"r{i}", T0, POLICY, captcha_passed=True) for i in range(20)]
    assert decisions.count("check") == 5
    assert set(decisions[5:]) == {"frozen"}


def test_in_flight_checks_count_for_the_captcha_too() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    decisions = [ladder.reserve(f"r{i}", T0, POLICY, captcha_passed=False) for i in range(6)]
    assert decisions == ["check"] * 3 + ["captcha_required"] * 3


def test_success_resets_and_tells_whether_a_freeze_was_lifted() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 5)
    after = T0 + timedelta(minutes=10)
    ladder.reserve("ok", after, POLICY, captcha_passed=True)
    ladder.collect_events()
    ladder.report("ok", True, after, POLICY)
    (succeeded,) = ladder.collect_events()
    assert type(succeeded).__name__ == "AttemptSucceeded"
    assert succeeded.lifted_freeze is True  # type: ignore[attr-defined]
    assert ladder.view(after, POLICY).attempts_left == 5


def test_a_reservation_never_settled_counts_as_a_failure_after_the_bound_never_released() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    for i in range(5):
        ladder.reserve(f"r{i}", T0, POLICY, captcha_passed=True)
    ladder.collect_events()
    deadline = T0 + POLICY.reservation_timeout
    assert ladder.settle(deadline - timedelta(seconds=1), POLICY) == []  # within the bound
    counted = ladder.settle(deadline, POLICY)
    assert len(counted) == 5
    assert names(ladder) == ["AttemptFailed"] * 5 + ["Frozen"]
    # counted at the time of the check: the freeze ends when it would have after a report
    assert ladder.view(deadline, POLICY).frozen_until == T0 + timedelta(minutes=10)
    assert ladder.report("r0", True, deadline, POLICY) is None  # a late success: still failed
    assert ladder.failures == 5


def test_a_late_or_repeated_report_changes_nothing() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    ladder.reserve("r", T0, POLICY, captcha_passed=False)
    ladder.report("r", False, T0, POLICY)
    ladder.collect_events()
    assert ladder.report("r", False, T0, POLICY) is None
    assert ladder.report("r", True, T0, POLICY) is None
    assert names(ladder) == []
    assert ladder.failures == 1


def test_the_failure_names_the_source_it_came_from() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    ladder.reserve("r", T0, POLICY, captcha_passed=False, source_key=SOURCE)
    counted = ladder.report("r", False, T0, POLICY)
    assert counted is not None and (counted.identifier_key, counted.source_key) == (KEY, SOURCE)


def test_password_reset_lifts_the_freeze() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 5)
    ladder.collect_events()
    assert ladder.reset("password_reset", T0) is True
    (reset,) = ladder.collect_events()
    assert (reset.cause, reset.lifted_freeze) == ("password_reset", True)  # type: ignore[attr-defined]
    assert ladder.view(T0, POLICY).gate == "open"


def test_back_office_lifts_only_an_active_freeze_and_records_who() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 2)
    assert ladder.reset("operator", T0, operator="agent-42", note="appel") is False
    fail(ladder, T0, 3)
    ladder.collect_events()
    assert ladder.reset("operator", T0, operator="agent-42", note="appel") is True
    (reset,) = ladder.collect_events()
    assert (reset.operator, reset.note) == ("agent-42", "appel")  # type: ignore[attr-defined]


def test_an_idle_ladder_is_forgotten() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 4)
    ladder.collect_events()
    assert ladder.settle(T0 + timedelta(days=29), POLICY) == []
    assert names(ladder) == []
    ladder.settle(T0 + timedelta(days=30), POLICY)
    assert names(ladder) == ["Forgotten"]
    assert ladder.view(T0 + timedelta(days=30), POLICY).attempts_left == 5


def test_the_ladder_is_configuration() -> None:
    policy = LadderPolicy(
        attempts_before_freeze=2, captcha_after_failures=1, freeze_durations_s=(60,)
    )
    ladder = FailedLoginLadder(identifier_key=KEY)
    ladder.reserve("a", T0, policy, captcha_passed=False)
    ladder.report("a", False, T0, policy)
    assert ladder.reserve("b", T0, policy, captcha_passed=False) == "captcha_required"
    ladder.reserve("b", T0, policy, captcha_passed=True)
    ladder.report("b", False, T0, policy)
    assert ladder.view(T0, policy).retry_after_s == 60


def test_a_ladder_tried_hundreds_of_times_in_the_hour_remembers_its_latest_checks() -> None:
    # given 200 checks settled on one ladder within a few minutes (successes: no freeze)
    ladder = FailedLoginLadder(identifier_key=KEY)
    for i in range(200):
        now = T0 + timedelta(seconds=i)
        assert ladder.reserve(f"r{i}", now, POLICY, captcha_passed=True) == "check"
        ladder.report(f"r{i}", True, now, POLICY)

    # then it knows the latest SETTLED_KEPT of them, not the older ones: its size stays bounded
    # (it is copied twice a login: an identifier's answer time must not grow with its attempts)
    assert len(ladder.settled) == SETTLED_KEPT
    assert ladder.knows("r199") and ladder.knows(f"r{200 - SETTLED_KEPT}")
    assert not ladder.knows(f"r{199 - SETTLED_KEPT}") and not ladder.knows("r0")
    # and the same from its events (replay, or another replica)
    replayed = None
    for event in ladder.collect_events():
        replayed = event.mutate(replayed)
    assert isinstance(replayed, FailedLoginLadder) and replayed.settled == ladder.settled


# Settled from identity's login events (issue #28): the application hands the reservation the
# event carries to ``report``; these are the ladder's side of it.


def test_given_a_reserved_check_when_its_login_failed_event_arrives_then_it_counts_then() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 4)
    ladder.reserve("fifth", T0 + timedelta(seconds=5), POLICY, captcha_passed=True)
    ladder.collect_events()

    ladder.report("fifth", False, T0 + timedelta(seconds=20), POLICY)  # the event, late

    assert names(ladder) == ["AttemptFailed", "Frozen"]
    assert ladder.frozen_until == T0 + timedelta(seconds=5, minutes=10)  # from the check's time


def test_given_a_check_in_flight_then_it_counts_as_a_failure_until_its_event() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 4)
    ladder.reserve("fifth", T0, POLICY, captcha_passed=True)
    ladder.collect_events()

    later = T0 + timedelta(seconds=10)
    assert ladder.reserve("sixth", later, POLICY, captcha_passed=True) == "frozen"
    view = ladder.view(later, POLICY)
    assert (view.failures, view.in_flight, view.frozen_until) == (4, 1, T0 + timedelta(minutes=10))
    assert names(ladder) == []


def test_given_a_check_in_flight_when_its_login_succeeded_event_arrives_then_the_ladder_resets():
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 4)
    ladder.reserve("fifth", T0, POLICY, captcha_passed=True)
    after = ladder.view_after_success("fifth", T0, POLICY)
    ladder.collect_events()

    ladder.report("fifth", True, T0 + timedelta(seconds=1), POLICY)

    assert names(ladder) == ["AttemptSucceeded"]
    assert ladder.view(T0 + timedelta(seconds=1), POLICY) == after  # what identity answered
    assert (after.failures, after.attempts_left, after.frozen_until) == (0, 5, None)


def test_the_same_login_event_delivered_twice_counts_once() -> None:
    ladder = FailedLoginLadder(identifier_key=KEY)
    ladder.reserve("r", T0, POLICY, captcha_passed=False)
    ladder.report("r", False, T0, POLICY)
    ladder.collect_events()

    assert ladder.report("r", False, T0 + timedelta(seconds=1), POLICY) is None

    assert names(ladder) == [] and ladder.failures == 1


def test_an_unknown_identifier_s_freeze_ends_when_a_known_one_s_does() -> None:
    known, unknown = FailedLoginLadder(identifier_key=KEY), FailedLoginLadder(identifier_key=SOURCE)
    for ladder in (known, unknown):
        for i in range(5):
            ladder.settle(T0, POLICY)
            ladder.reserve(f"r{i}", T0, POLICY, captcha_passed=True)
            if ladder is known:  # its LoginFailed arrives; the unknown one's never comes
                ladder.report(f"r{i}", False, T0 + timedelta(milliseconds=50), POLICY)
    deadline = T0 + POLICY.reservation_timeout
    unknown.settle(deadline, POLICY)

    assert known.frozen_until == unknown.frozen_until == T0 + timedelta(minutes=10)


def test_given_a_freeze_an_in_flight_check_stands_for_when_an_agent_lifts_it_then_it_is_lifted():
    ladder = FailedLoginLadder(identifier_key=KEY)
    fail(ladder, T0, 4)
    ladder.reserve("fifth", T0, POLICY, captcha_passed=True)  # its LoginFailed not yet in
    ladder.collect_events()

    counted = ladder.count_in_flight(POLICY)
    lifted = ladder.reset("operator", T0 + timedelta(seconds=1), operator="agent-42")

    assert len(counted) == 1 and lifted
    assert names(ladder) == ["AttemptFailed", "Frozen", "Reset"]
    assert ladder.report("fifth", False, T0 + timedelta(seconds=2), POLICY) is None  # late
    assert ladder.view(T0 + timedelta(seconds=2), POLICY).attempts_left == 5
