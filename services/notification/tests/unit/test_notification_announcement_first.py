"""Announcement first: given an account's deliveries, whether its code waits now."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from notification.announcement_first import held_back
from notification.domain import Delivery, RetryPolicy

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
HOLD = timedelta(minutes=2)
ACCOUNT = uuid.uuid4()
POLICY = RetryPolicy(
    max_attempts=1, first_delay_s=60, factor=2, max_delay_s=3600, attempt_lease_s=300
)


def delivery(kind: str, position: int, account_id: uuid.UUID | None = ACCOUNT) -> Delivery:
    return Delivery(
        trigger=f"identity:{position}",
        kind=kind,
        channel="email",
        account_id=account_id,
        masked_address="d***@test.fr",
        sealed="sealed-blob",
        details={},
        requested_at=T0 + timedelta(seconds=position),
    )


def test_a_code_waits_while_the_announcement_requested_before_it_is_unsent() -> None:
    announcement, code = delivery("contacts_changed", 1), delivery("verification_code", 2)
    assert held_back(code, [announcement, code], T0 + timedelta(seconds=10), HOLD)


def test_a_code_goes_once_the_announcement_is_sent_or_given_up() -> None:
    sent, given_up = delivery("contacts_changed", 1), delivery("contacts_changed", 2)
    code = delivery("verification_code", 3)
    for announcement in (sent, given_up):
        announcement.start_attempt(T0 + timedelta(seconds=5), POLICY)
    sent.record_sent(T0 + timedelta(seconds=6))
    given_up.record_failure(T0 + timedelta(seconds=6), "sms_unreachable", False, POLICY)
    assert given_up.finished
    assert not held_back(code, [sent, given_up], T0 + timedelta(seconds=10), HOLD)


def test_a_failing_channel_holds_the_code_no_longer_than_the_bound() -> None:
    announcement, code = delivery("contacts_changed", 1), delivery("verification_code", 2)
    just_before = announcement.requested_at + HOLD - timedelta(microseconds=1)
    assert held_back(code, [announcement], just_before, HOLD)
    assert not held_back(code, [announcement], announcement.requested_at + HOLD, HOLD)


def test_only_codes_to_an_account_wait_and_only_for_an_earlier_announcement() -> None:
    announcement, later = delivery("contacts_changed", 1), delivery("contacts_changed", 9)
    now = T0 + timedelta(seconds=10)
    assert not held_back(delivery("freeze_alert", 2), [announcement], now, HOLD)
    assert not held_back(delivery("verification_code", 2, None), [announcement], now, HOLD)
    assert not held_back(delivery("verification_code", 5), [later], now, HOLD)
