"""The notification domain: deliveries and their retry policy (the contact book they draw
on is in ``contact_book.py``).

A :class:`Delivery` is one message to one address on one channel. It is requested when a
trigger (an integration event) is processed, then attempted by the sending loop until it is
sent or given up. Its history is the proof that a message went out once, and the only place the
sealed message waits until then.

Nothing here does I/O or reads a clock: times come in as arguments.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

#: Fixed namespace of this service's deterministic aggregate ids (never change it: ids are stored).
NAMESPACE = uuid.UUID("5b7f0c3e-2f0a-4c55-9a51-6a1c0e9d2b41")

REQUESTED = "requested"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
GIVEN_UP = "given_up"

#: Error code of an attempt whose outcome was never recorded (the process died meanwhile).
INTERRUPTED = "attempt_interrupted"


class DeliveryNotDue(Exception):
    """The delivery cannot be attempted now (already sent, given up, in progress or waiting)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how fast a failed delivery is tried again.

    >>> RetryPolicy(max_attempts=5, first_delay_s=60, factor=2).delay_after(3)
    datetime.timedelta(seconds=240)
    """

    max_attempts: int = 6
    first_delay_s: float = 60.0
    factor: float = 2.0
    max_delay_s: float = 3600.0
    #: How long an attempt may run before another sender may take the delivery over.
    attempt_lease_s: float = 300.0

    def delay_after(self, failed_attempts: int) -> timedelta:
        """Exponential backoff: first delay, then times ``factor`` per further failure, capped."""
        seconds = self.first_delay_s * self.factor ** max(failed_attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_delay_s))


class Delivery(Aggregate):
    """One message (kind) to one recipient on one channel, from one trigger.

    The id derives from the trigger, so the same trigger can only ever request it once.
    ``sealed`` is opaque here: the application wraps the sealed message in ``PersonalData``.
    """

    class Requested(Aggregate.Created):
        trigger: str
        kind: str
        channel: str
        account_id: uuid.UUID | None
        masked_address: Any  # PersonalData under the month's key (str before retention)
        sealed: Any
        details: dict[str, Any]
        requested_at: datetime

    class AttemptStarted(Aggregate.Event):
        attempt: int
        started_at: datetime
        lease_until: datetime

    class Sent(Aggregate.Event):
        sent_at: datetime

    class Failed(Aggregate.Event):
        failed_at: datetime
        error_code: str
        next_attempt_at: datetime

    class GivenUp(Aggregate.Event):
        given_up_at: datetime
        error_code: str

    class SealedMessageErased(Aggregate.Event):
        erased_at: datetime

    @staticmethod
    def create_id(trigger: str, kind: str, **_: Any) -> uuid.UUID:
        return delivery_id_for(trigger, kind)

    @event(Requested)
    def __init__(
        self,
        trigger: str,
        kind: str,
        channel: str,
        account_id: uuid.UUID | None,
        masked_address: Any,
        sealed: Any,
        details: dict[str, Any],
        requested_at: datetime,
    ) -> None:
        self.trigger = trigger
        self.kind = kind
        self.channel = channel
        self.account_id = account_id
        self.masked_address = masked_address
        self.sealed = sealed
        self.details = details
        self.requested_at = requested_at
        self.status = REQUESTED
        self.attempts = 0
        self.next_attempt_at: datetime | None = requested_at
        self.lease_until: datetime | None = None
        self.sent_at: datetime | None = None
        self.last_error: str | None = None
        self.sealed_erased = False

    def is_due(self, now: datetime) -> bool:
        """Waiting for a (first or new) attempt, or stuck in an attempt whose lease ran out."""
        if self.status in (REQUESTED, FAILED):
            return self.next_attempt_at is not None and self.next_attempt_at <= now
        return self.attempt_interrupted(now)

    def attempt_interrupted(self, now: datetime) -> bool:
        return self.status == SENDING and self.lease_until is not None and self.lease_until <= now

    def start_attempt(self, now: datetime, policy: RetryPolicy) -> None:
        """Claims the delivery for one attempt (saving this event is the claim: two senders
        racing for the same delivery conflict on the version, only one sends)."""
        if self.status not in (REQUESTED, FAILED) or not self.is_due(now):
            raise DeliveryNotDue(self.status)
        lease_until = now + timedelta(seconds=policy.attempt_lease_s)
        self._start_attempt(attempt=self.attempts + 1, started_at=now, lease_until=lease_until)

    @event(AttemptStarted)
    def _start_attempt(self, attempt: int, started_at: datetime, lease_until: datetime) -> None:
        self.status = SENDING
        self.attempts = attempt
        self.lease_until = lease_until
        self.next_attempt_at = None

    def record_sent(self, now: datetime) -> None:
        """The channel accepted the message."""
        if self.status != SENDING:
            raise DeliveryNotDue(self.status)
        self._record_sent(sent_at=now)

    @event(Sent)
    def _record_sent(self, sent_at: datetime) -> None:
        self.status = SENT
        self.sent_at = sent_at
        self.lease_until = None

    def record_failure(
        self, now: datetime, error_code: str, permanent: bool, policy: RetryPolicy
    ) -> None:
        """The attempt failed: try again later, or give up when it cannot succeed or after
        ``policy.max_attempts`` attempts."""
        if self.status != SENDING:
            raise DeliveryNotDue(self.status)
        if permanent or self.attempts >= policy.max_attempts:
            self._give_up(given_up_at=now, error_code=error_code)
        else:
            retry_at = now + policy.delay_after(self.attempts)
            self._record_failure(failed_at=now, error_code=error_code, next_attempt_at=retry_at)

    @event(Failed)
    def _record_failure(
        self, failed_at: datetime, error_code: str, next_attempt_at: datetime
    ) -> None:
        self.status = FAILED
        self.last_error = error_code
        self.next_attempt_at = next_attempt_at
        self.lease_until = None

    @event(GivenUp)
    def _give_up(self, given_up_at: datetime, error_code: str) -> None:
        self.status = GIVEN_UP
        self.last_error = error_code
        self.next_attempt_at = None
        self.lease_until = None

    @property
    def finished(self) -> bool:
        return self.status in (SENT, GIVEN_UP)

    def record_sealed_erased(self, now: datetime) -> None:
        """The key of the sealed payload was destroyed: only what support sees remains."""
        if not self.finished:
            raise DeliveryNotDue(self.status)
        if not self.sealed_erased:
            self._record_sealed_erased(erased_at=now)

    @event(SealedMessageErased)
    def _record_sealed_erased(self, erased_at: datetime) -> None:
        self.sealed_erased = True


def delivery_id_for(trigger: str, kind: str) -> uuid.UUID:
    """The id of the delivery of ``kind`` requested by ``trigger`` ("producer:position")."""
    return uuid.uuid5(NAMESPACE, f"delivery:{trigger}:{kind}")
