"""The failed-login ladder of one identifier: the aggregate behind every lockout decision.

It only knows the identifier's keyed pseudonym, never whether an account exists, so an unknown
identifier climbs the same ladder with the same answers. A password check is *reserved* on the
ladder before it happens (an event, saved under optimistic concurrency), and in-flight
reservations count as failures when deciding: two replicas cannot both take the last attempt.

A reservation is settled by identity's published login event (``LoginSucceeded`` /
``LoginFailed`` carrying it, issue #28), by the synchronous ``report_attempt``, or, with no word
after ``reservation_timeout``, as a failure: never released. Whichever settles it, a failure
counts **at the time its check was reserved**, so a freeze ends at the same time whether the
event came in 50 ms (an account) or never (an identifier with no account: identity records
nothing for it): no enumeration by the freeze's end.

>>> ladder = FailedLoginLadder(identifier_key="ab" * 32)
>>> ladder.reserve("r1", now, LadderPolicy(), captcha_passed=False)   # doctest: +SKIP
'check'
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from eventsourcing.domain import Aggregate, event

from .policy import LadderPolicy

LADDER_NAMESPACE = uuid.UUID("0b7d7c1e-4a63-4f0e-9d0c-5a1f3c7e2b91")
#: how long a settled reservation is remembered (a request delivered again within it is known)
SETTLED_MEMORY = timedelta(hours=1)
#: and at most this many, the latest: the ladder is copied twice a login, and an identifier tried
#: hundreds of times within the hour made its answer measurably slower than an unknown one's
#: (no enumeration by timing, SPEC §16). A redelivery comes within seconds; past this many
#: newer checks it is counted again: stricter, never laxer.
SETTLED_KEPT = 64

Gate = Literal["open", "captcha", "frozen"]
Decision = Literal["check", "captcha_required", "frozen"]
ResetCause = Literal["password_reset", "operator", "nir_assigned"]


@dataclass(frozen=True)
class LadderView:
    """What the ladder answers at an instant (the state fields of every lockout answer)."""

    failures: int
    in_flight: int
    gate: Gate
    attempts_left: int
    captcha_required: bool
    frozen_until: datetime | None
    retry_after_s: int | None

    @property
    def state(self) -> str:
        """``open`` | ``captcha_required`` | ``frozen``, for the back office's status."""
        if self.gate == "frozen":
            return "frozen"
        return "captcha_required" if self.captcha_required else "open"


@dataclass(frozen=True)
class CountedFailure:
    """A failure the ladder has just counted (the source it came from is throttled on it)."""

    identifier_key: str
    source_key: str | None
    at: datetime
    reservation: str | None = None  # the check it settles, held on the source until now


def reserved_at(pending: dict[str, Any], policy: LadderPolicy) -> datetime:
    """When a pending check was reserved (ladders snapshotted before issue #28 kept only its
    deadline)."""
    at: datetime | None = pending.get("at")
    return at if at is not None else pending["deadline"] - policy.reservation_timeout


def ladder_view(
    failures: int,
    frozen_until: datetime | None,
    reserved: list[datetime],
    now: datetime,
    policy: LadderPolicy,
) -> LadderView:
    """The answer of a ladder with ``failures`` settled, a freeze to ``frozen_until`` and
    checks reserved at ``reserved`` (in flight: each counts as a failure to come)."""
    in_flight = len(reserved)
    projected = failures + in_flight
    frozen = frozen_until if frozen_until is not None and frozen_until > now else None
    if frozen is None and in_flight and policy.freezes_at(projected):
        # An in-flight check would freeze if it failed: answer that freeze now, from the time
        # the latest one was reserved (the failure will count then).
        until = max(reserved) + policy.freeze_duration(projected)
        frozen = until if until > now else None
    captcha_required = projected >= policy.captcha_after_failures
    gate: Gate = "frozen" if frozen else ("captcha" if captcha_required else "open")
    if gate == "frozen":
        attempts_left = 0
    elif projected < policy.attempts_before_freeze:
        attempts_left = policy.attempts_before_freeze - projected
    else:
        attempts_left = 1  # one check per elapsed freeze
    retry_after_s = math.ceil((frozen - now).total_seconds()) if frozen else None
    return LadderView(
        failures, in_flight, gate, attempts_left, captcha_required, frozen, retry_after_s
    )


def fresh_view(policy: LadderPolicy) -> LadderView:
    """The answer for an identifier never seen (no aggregate is created just to read)."""
    return LadderView(0, 0, "open", policy.attempts_before_freeze, False, None, None)


def plain_source(value: Any) -> str | None:
    """A source pseudonym as stored: plain (before retention), wrapped, or erased (None)."""
    return getattr(value, "value", value)


class FailedLoginLadder(Aggregate):
    """Consecutive failed logins of one identifier, its freezes and its reserved checks."""

    @staticmethod
    def create_id(identifier_key: str) -> uuid.UUID:
        return uuid.uuid5(LADDER_NAMESPACE, identifier_key)

    @event("Opened")
    def __init__(self, identifier_key: str) -> None:
        self.identifier_key = identifier_key
        self.failures = 0
        self.frozen_until: datetime | None = None
        self.last_failure_at: datetime | None = None
        # reservation -> {"deadline": datetime, "source_key": the source's pseudonym as given
        # to ``reserve`` (the application wraps it in a PersonalData that expires, or None)}
        self.pending: dict[str, dict[str, Any]] = {}
        # reservation -> when it was settled (recent ones: see SETTLED_MEMORY)
        self.settled: dict[str, datetime] = {}

    # Queries -------------------------------------------------------------------------------

    def view(self, now: datetime, policy: LadderPolicy) -> LadderView:
        """The ladder at ``now``, counting in-flight checks as failures to come."""
        reserved = [reserved_at(p, policy) for p in self.pending.values()]
        return ladder_view(self.failures, self.frozen_until, reserved, now, policy)

    def view_after_success(
        self, reservation: str, now: datetime, policy: LadderPolicy
    ) -> LadderView:
        """What the ladder will say once ``reservation`` is settled as a success (identity
        answers a successful login with it, without waiting for the settlement)."""
        reserved = [reserved_at(p, policy) for r, p in self.pending.items() if r != reservation]
        return ladder_view(0, None, reserved, now, policy)

    def freeze_recorded(self, now: datetime) -> bool:
        """Whether a freeze is recorded and running (not merely projected from checks in
        flight): only a reset (``AccountUnfrozen``) or its end lifts it."""
        return self.frozen_until is not None and self.frozen_until > now

    def unsettled_for_s(self, reservation: str, now: datetime) -> float:
        """How long ``reservation`` may still wait for its login's outcome before it counts as
        a failure (0 once settled): what a delivery again may wait for its first delivery."""
        held = self.pending.get(reservation)
        return max(0.0, (held["deadline"] - now).total_seconds()) if held is not None else 0.0

    def knows(self, reservation: str) -> bool:
        """Whether ``reservation`` was taken on this ladder (pending, or settled lately): the
        request that took it is being delivered again."""
        return reservation in self.pending or reservation in getattr(self, "settled", {})

    # Commands ------------------------------------------------------------------------------

    def settle(self, now: datetime, policy: LadderPolicy) -> list[CountedFailure]:
        """Counts overdue reservations as failures and forgets an idle ladder.

        Called before every decision, so time-based rules need no background job.
        """
        counted = []
        overdue = sorted(
            (reserved_at(p, policy), r) for r, p in self.pending.items() if p["deadline"] <= now
        )
        for at, reservation in overdue:
            counted.append(self._count_failure(reservation, at, policy, expired=True))
        # An idle ladder is forgotten: unknown identifiers must not weigh on the store forever.
        marks = [m for m in (self.last_failure_at, self.frozen_until) if m is not None]
        if marks and not self.pending and max(marks) + policy.idle_forget_after <= now:
            self._forgotten(at=now)
        return counted

    def reserve(
        self,
        reservation: str,
        now: datetime,
        policy: LadderPolicy,
        *,
        captcha_passed: bool,
        source_key: Any = None,
    ) -> Decision:
        """Takes one password check if the ladder allows it, else says why not."""
        view = self.view(now, policy)
        if view.gate == "frozen":
            return "frozen"
        if view.gate == "captcha" and not captcha_passed:
            return "captcha_required"
        deadline = now + policy.reservation_timeout
        self._reserved(reservation=reservation, at=now, deadline=deadline, source_key=source_key)
        return "check"

    def report(
        self, reservation: str, succeeded: bool, now: datetime, policy: LadderPolicy
    ) -> CountedFailure | None:
        """Settles a reserved check: success resets the ladder, failure climbs it.

        A reservation already settled (reported twice, or expired) changes nothing: it has
        been counted once, as a failure.
        """
        if reservation not in self.pending:
            return None
        if succeeded:
            self._succeeded(
                reservation=reservation,
                at=now,
                identifier_key=self.identifier_key,
                lifted_freeze=self.frozen_until is not None,
            )
            return None
        at = reserved_at(self.pending[reservation], policy)
        return self._count_failure(reservation, at, policy, expired=False)

    def count_in_flight(self, policy: LadderPolicy) -> list[CountedFailure]:
        """Before a reset: every check still in flight is counted as a failure, at its time
        (never released; a settlement arriving after the reset then changes nothing, and a
        freeze an in-flight check stood for is the one the reset lifts)."""
        in_flight = sorted((reserved_at(p, policy), r) for r, p in self.pending.items())
        return [self._count_failure(r, at, policy, expired=False) for at, r in in_flight]

    def reset(
        self,
        cause: ResetCause,
        now: datetime,
        operator: str | None = None,
        note: Any = None,
        agency: str | None = None,
        reason: str | None = None,
    ) -> bool:
        """Clears failures and any freeze (password reset, back office, NIR assigned).

        The back office only lifts an active freeze; a reset on a clean ladder records nothing.
        """
        active = self.frozen_until is not None and self.frozen_until > now
        if cause == "operator" and not active:
            return False
        if not self.failures and self.frozen_until is None:
            return False
        self._reset(
            cause=cause,
            at=now,
            operator=operator,
            note=note,
            identifier_key=self.identifier_key,
            lifted_freeze=self.frozen_until is not None,
            agency=agency,
            reason=reason,
        )
        return True

    def _count_failure(
        self, reservation: str, at: datetime, policy: LadderPolicy, *, expired: bool
    ) -> CountedFailure:
        source_key = plain_source(self.pending[reservation]["source_key"])
        self._failed(reservation=reservation, at=at, expired=expired)
        if policy.freezes_at(self.failures):
            duration = policy.freeze_duration(self.failures)
            self._frozen(
                identifier_key=self.identifier_key,
                at=at,
                until=at + duration,
                failures=self.failures,
                duration_s=int(duration.total_seconds()),
            )
        return CountedFailure(self.identifier_key, source_key, at, reservation)

    # Events: bodies run again on every replay, so they only assign what they are given. ----

    @event("AttemptReserved")
    def _reserved(
        self, reservation: str, at: datetime, deadline: datetime, source_key: Any
    ) -> None:
        self.pending[reservation] = {"deadline": deadline, "at": at, "source_key": source_key}

    @event("AttemptFailed")
    def _failed(self, reservation: str, at: datetime, expired: bool) -> None:
        self.pending.pop(reservation, None)
        self._remember_settled(reservation, at)
        self.failures += 1
        self.last_failure_at = at

    @event("Frozen")
    def _frozen(
        self, identifier_key: str, at: datetime, until: datetime, failures: int, duration_s: int
    ) -> None:
        self.frozen_until = until

    @event("AttemptSucceeded")
    def _succeeded(
        self, reservation: str, at: datetime, identifier_key: str, lifted_freeze: bool
    ) -> None:
        self.pending.pop(reservation, None)
        self._remember_settled(reservation, at)
        self._clear()

    @event("Reset")
    def _reset(
        self,
        cause: str,
        at: datetime,
        operator: str | None,
        note: Any,
        identifier_key: str,
        lifted_freeze: bool,
        agency: str | None = None,  # issue #35: the agent's agency; absent from older events
        reason: str | None = None,  # issue #35: the reason's code (AGENT_REASONS), if one
    ) -> None:
        self._clear()

    @event("Forgotten")
    def _forgotten(self, at: datetime) -> None:
        self._clear()

    def _remember_settled(self, reservation: str, at: datetime) -> None:
        # from the event's own data only: the same on every replay
        recent = [
            (r, t) for r, t in getattr(self, "settled", {}).items() if t > at - SETTLED_MEMORY
        ]
        settled = dict(recent[-(SETTLED_KEPT - 1) :])
        settled[reservation] = at
        self.settled = settled

    def _clear(self) -> None:
        self.failures = 0
        self.frozen_until = None
        self.last_failure_at = None
