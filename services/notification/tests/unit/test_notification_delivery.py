"""Delivery: given its past events, when a command, then these new events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from notification.domain import (
    FAILED,
    GIVEN_UP,
    INTERRUPTED,
    SENDING,
    SENT,
    Delivery,
    DeliveryNotDue,
    RetryPolicy,
    delivery_id_for,
)

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(
    max_attempts=3, first_delay_s=60, factor=2, max_delay_s=3600, attempt_lease_s=300
)


def requested() -> Delivery:
    return Delivery(
        trigger="identity:42",
        kind="verification_code",
        channel="sms",
        account_id=uuid.uuid4(),
        masked_address="06 ** ** ** 78",
        sealed="sealed-blob",
        details={"purpose": "registration"},
        requested_at=T0,
    )


def new_event_names(delivery: Delivery) -> list[str]:
    return [type(e).__name__ for e in delivery.collect_events()]


def replayed(events: list) -> Delivery:
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    assert isinstance(aggregate, Delivery)
    return aggregate


def test_the_id_derives_from_the_trigger_and_kind_so_a_trigger_requests_once() -> None:
    assert requested().id == requested().id == delivery_id_for("identity:42", "verification_code")
    assert delivery_id_for("identity:43", "verification_code") != requested().id


def test_a_requested_delivery_is_due_at_once_and_an_attempt_claims_it() -> None:
    delivery = requested()
    assert delivery.is_due(T0)
    delivery.start_attempt(T0, POLICY)
    delivery.record_sent(T0 + timedelta(seconds=1))
    assert new_event_names(delivery) == ["Requested", "AttemptStarted", "Sent"]
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (
        SENT,
        1,
        T0 + timedelta(seconds=1),
    )
    assert not delivery.is_due(T0 + timedelta(days=1))
    with pytest.raises(DeliveryNotDue):
        delivery.start_attempt(T0 + timedelta(days=1), POLICY)


def test_a_claimed_delivery_cannot_be_claimed_again_while_its_lease_runs() -> None:
    delivery = requested()
    delivery.start_attempt(T0, POLICY)
    assert delivery.status == SENDING and not delivery.is_due(T0 + timedelta(seconds=299))
    with pytest.raises(DeliveryNotDue):
        delivery.start_attempt(T0 + timedelta(seconds=10), POLICY)


def test_failures_are_retried_with_exponential_backoff_then_given_up() -> None:
    delivery = requested()
    now = T0
    waits = []
    for _ in range(2):
        delivery.start_attempt(now, POLICY)
        delivery.record_failure(now, "smtp_unreachable", permanent=False, policy=POLICY)
        assert delivery.status == FAILED
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - now)
        assert not delivery.is_due(delivery.next_attempt_at - timedelta(seconds=1))
        now = delivery.next_attempt_at
    assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
    delivery.start_attempt(now, POLICY)
    delivery.record_failure(now, "smtp_unreachable", permanent=False, policy=POLICY)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        GIVEN_UP,
        3,
        "smtp_unreachable",
    )
    assert new_event_names(delivery)[-1] == "GivenUp"
    assert not delivery.is_due(now + timedelta(days=365))


def test_a_permanent_failure_gives_up_at_the_first_attempt() -> None:
    delivery = requested()
    delivery.start_attempt(T0, POLICY)
    delivery.record_failure(T0, "sms_rejected", permanent=True, policy=POLICY)
    assert new_event_names(delivery) == ["Requested", "AttemptStarted", "GivenUp"]
    assert delivery.finished


def test_an_attempt_whose_lease_ran_out_is_due_and_counts_as_a_failure() -> None:
    delivery = requested()
    delivery.start_attempt(T0, POLICY)
    later = T0 + timedelta(seconds=300)
    assert delivery.attempt_interrupted(later) and delivery.is_due(later)
    delivery.record_failure(later, INTERRUPTED, permanent=False, policy=POLICY)
    assert delivery.status == FAILED and delivery.next_attempt_at == later + timedelta(seconds=60)


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(first_delay_s=60, factor=10, max_delay_s=900)
    assert [policy.delay_after(n).total_seconds() for n in (1, 2, 3)] == [60, 600, 900]


def test_replaying_the_events_rebuilds_the_same_delivery() -> None:
    delivery = requested()
    delivery.start_attempt(T0, POLICY)
    delivery.record_failure(T0, "smtp_unreachable", permanent=False, policy=POLICY)
    events = list(delivery.collect_events())
    copy = replayed(events)
    assert copy.__dict__ == delivery.__dict__
