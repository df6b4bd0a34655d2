"""Credential stuffing and captcha aggregates: given events, when a command, then events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lockout.domain import CaptchaChallenge, SourceActivity, SourcePolicy

CID = uuid.UUID(int=42)
T0 = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
POLICY = SourcePolicy(max_identifiers=3, window_s=600, throttle_s=900)


def key(i: int) -> str:
    return f"{i:064x}"


def test_a_source_failing_on_many_identifiers_is_throttled() -> None:
    source = SourceActivity(source_key=key(999))
    assert [source.record_failure(key(i), T0, POLICY) for i in range(3)] == [False, False, True]
    events = source.collect_events()
    assert [type(e).__name__ for e in events][-1] == "Throttled"
    assert events[-1].until == T0 + timedelta(seconds=900)  # type: ignore[attr-defined]
    assert source.is_throttled(T0 + timedelta(seconds=899))
    assert not source.is_throttled(T0 + timedelta(seconds=900))


def test_the_same_identifier_many_times_is_not_stuffing() -> None:
    source = SourceActivity(source_key=key(999))
    assert not any(source.record_failure(key(1), T0, POLICY) for _ in range(10))


def test_failures_outside_the_window_are_forgotten() -> None:
    source = SourceActivity(source_key=key(999))
    source.record_failure(key(1), T0, POLICY)
    source.record_failure(key(2), T0, POLICY)
    assert source.record_failure(key(3), T0 + timedelta(seconds=600), POLICY) is False
    assert set(source.recent) == {key(3)}


def challenge_answering(digest: str) -> CaptchaChallenge:
    return CaptchaChallenge(
        challenge_id=CID, answer_digest=digest, issued_at=T0, expires_at=T0 + timedelta(minutes=5)
    )


def test_a_captcha_is_single_use() -> None:
    challenge = challenge_answering("d1")
    assert challenge.consume("d1", T0) is True
    assert challenge.consume("d1", T0) is False


def test_a_wrong_answer_spends_the_captcha() -> None:
    challenge = challenge_answering("d1")
    assert challenge.consume("d2", T0) is False
    assert challenge.consume("d1", T0) is False
    assert [type(e).__name__ for e in challenge.collect_events()] == ["Issued", "Consumed"]


def test_an_expired_captcha_is_refused() -> None:
    challenge = challenge_answering("d1")
    assert challenge.consume("d1", T0 + timedelta(minutes=5)) is False


# --- checks held on the source: the limit is exact under concurrency ----------------------------

WINDOW = timedelta(seconds=600)
DEADLINE = T0 + timedelta(seconds=30)


def held_source(*identifiers: int) -> SourceActivity:
    source = SourceActivity(source_key=key(999))
    for i in identifiers:
        assert source.admits(key(i), T0, POLICY.max_identifiers, WINDOW)
        source.hold(f"r{i}", key(i), T0, DEADLINE)
    return source


def test_checks_in_flight_count_toward_the_limit_before_any_failure() -> None:
    source = held_source(1, 2, 3)
    assert not source.admits(key(4), T0, POLICY.max_identifiers, WINDOW)
    assert source.admits(key(2), T0, POLICY.max_identifiers, WINDOW)  # same identifier again
    assert [type(e).__name__ for e in source.collect_events()][-1] == "CheckHeld"


def test_a_successful_check_frees_its_place_and_a_failed_one_keeps_it() -> None:
    source = held_source(1, 2, 3)
    source.release("r1", T0)
    assert source.admits(key(4), T0, POLICY.max_identifiers, WINDOW)
    source.record_failure(key(2), T0, POLICY, reservation="r2")
    assert set(source.held) == {"r3"} and key(2) in source.recent
    assert source.counted(T0, WINDOW) == {key(2), key(3)}


def test_a_check_never_settled_stops_counting_at_its_deadline() -> None:
    source = held_source(1, 2, 3)
    assert source.admits(key(4), DEADLINE, POLICY.max_identifiers, WINDOW)


def test_a_partner_range_has_its_own_higher_limit() -> None:
    source = SourceActivity(source_key=key(999))
    partner = SourcePolicy(max_identifiers=3, partner_max_identifiers=5)
    for i in range(5):
        assert source.admits(key(i), T0, partner.limit(True), WINDOW)
        source.hold(f"r{i}", key(i), T0, DEADLINE, partner=True)
    assert not source.admits(key(9), T0, partner.limit(True), WINDOW)
    throttled = [source.record_failure(key(i), T0, partner, f"r{i}") for i in range(5)]
    assert throttled == [False, False, False, False, True]  # at the partner's limit, not 3
