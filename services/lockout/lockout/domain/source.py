"""Failures seen from one source (a keyed pseudonym of the client address): credential stuffing.

A source that fails against many *distinct* identifiers within a window is throttled: its next
attempts must carry a valid captcha (they are never refused outright: many honest people share
one address behind a mobile operator or a France Services desk), and the victims' ladders are
left untouched.

The limit is exact under concurrency: a check is *held* on the source when it is reserved, and
the distinct identifiers counted are those that failed within the window plus those held now.
Every admitted reservation changes the source, so parallel reservations from one source, on any
replica, are serialised by the store's optimistic concurrency.

>>> activity = SourceActivity(source_key="cd" * 32)
>>> activity.record_failure("ab" * 32, now, SourcePolicy())   # doctest: +SKIP
False
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from eventsourcing.domain import Aggregate, event

from .policy import SourcePolicy

SOURCE_NAMESPACE = uuid.UUID("5e0f2a9b-8c4d-4b7e-a1f3-2d6c9e8b7a40")


class SourceActivity(Aggregate):
    """Recent failures of one source, by identifier; and whether it is throttled."""

    @staticmethod
    def create_id(source_key: str) -> uuid.UUID:
        return uuid.uuid5(SOURCE_NAMESPACE, source_key)

    @event("Opened")
    def __init__(self, source_key: str) -> None:
        self.source_key = source_key
        # identifier_key -> its last failure from this source, within the window only
        self.recent: dict[str, datetime] = {}
        self.throttled_until: datetime | None = None
        # reservation -> {"identifier_key", "deadline"}: checks reserved and not yet settled
        self.held: dict[str, dict[str, object]] = {}
        self.partner = False  # a partner's address range (higher limit), as last seen

    def is_throttled(self, now: datetime) -> bool:
        return self.throttled_until is not None and self.throttled_until > now

    def counted(self, now: datetime, window: timedelta) -> set[str]:
        """The distinct identifiers that weigh on the source now: failed or held."""
        failed = {k for k, t in self.recent.items() if now - t < window}
        held = {str(h["identifier_key"]) for h in self.held.values() if _deadline(h) > now}
        return failed | held

    def admits(self, identifier_key: str, now: datetime, limit: int, window: timedelta) -> bool:
        """Whether a check on ``identifier_key`` may be reserved without a captcha: the source
        is not throttled and this identifier is already counted or one more fits the limit."""
        if self.is_throttled(now):
            return False
        counted = self.counted(now, window)
        return identifier_key in counted or len(counted) < limit

    def hold(
        self,
        reservation: str,
        identifier_key: str,
        now: datetime,
        deadline: datetime,
        partner: bool = False,
    ) -> None:
        """Counts a reserved check until it is settled (``release`` or ``record_failure``)."""
        self._held(
            reservation=reservation,
            identifier_key=identifier_key,
            at=now,
            deadline=deadline,
            partner=partner,
        )

    def release(self, reservation: str, at: datetime) -> None:
        """A held check succeeded: it no longer weighs on the source."""
        if reservation in self.held:
            self._released(reservation=reservation, at=at)

    def record_failure(
        self,
        identifier_key: str,
        at: datetime,
        policy: SourcePolicy,
        reservation: str | None = None,
        partner: bool | None = None,
    ) -> bool:
        """Counts a failure against ``identifier_key`` (settling the check ``reservation`` held
        for it); True when it throttles the source. ``partner``: whether the source is in a
        partner's range, if known (else as its last held check said)."""
        self._failure_seen(
            identifier_key=identifier_key,
            at=at,
            window_s=policy.window_s,
            reservation=reservation,
        )
        limit = policy.limit(getattr(self, "partner", False) if partner is None else partner)
        if self.is_throttled(at) or len(self.recent) < limit:
            return False
        self._throttled(
            source_key=self.source_key,
            at=at,
            until=at + policy.throttle,
            distinct_identifiers=len(self.recent),
        )
        return True

    @event("FailureSeen")
    def _failure_seen(
        self, identifier_key: str, at: datetime, window_s: float, reservation: str | None = None
    ) -> None:
        # The window travels in the event so a replay prunes exactly as the decision did.
        self.recent = {k: t for k, t in self.recent.items() if (at - t).total_seconds() < window_s}
        self.recent[identifier_key] = at
        self._prune_held(at, reservation)

    @event("CheckHeld")
    def _held(
        self, reservation: str, identifier_key: str, at: datetime, deadline: datetime, partner: bool
    ) -> None:
        self._prune_held(at)
        self.held[reservation] = {"identifier_key": identifier_key, "deadline": deadline}
        self.partner = partner

    @event("CheckReleased")
    def _released(self, reservation: str, at: datetime) -> None:
        self._prune_held(at, reservation)

    def _prune_held(self, at: datetime, settled: str | None = None) -> None:
        held = getattr(self, "held", {})  # sources opened before checks were held
        self.held = {r: h for r, h in held.items() if r != settled and _deadline(h) > at}

    @event("Throttled")
    def _throttled(
        self, source_key: str, at: datetime, until: datetime, distinct_identifiers: int
    ) -> None:
        self.throttled_until = until
        # A new throttle needs a new wave of distinct identifiers.
        self.recent = {}


def _deadline(held: dict[str, object]) -> datetime:
    deadline = held["deadline"]
    assert isinstance(deadline, datetime)
    return deadline
