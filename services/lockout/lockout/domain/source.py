"""Failures seen from one source (a keyed pseudonym of the client address): credential stuffing.

A source that fails against many *distinct* identifiers within a window is throttled: its next
attempts are refused before any password check, and the victims' ladders are left untouched.

>>> activity = SourceActivity(source_key="cd" * 32)
>>> activity.record_failure("ab" * 32, now, SourcePolicy())   # doctest: +SKIP
False
"""

from __future__ import annotations

import uuid
from datetime import datetime

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

    def is_throttled(self, now: datetime) -> bool:
        return self.throttled_until is not None and self.throttled_until > now

    def record_failure(self, identifier_key: str, at: datetime, policy: SourcePolicy) -> bool:
        """Counts a failure against ``identifier_key``; True when it throttles the source."""
        self._failure_seen(identifier_key=identifier_key, at=at, window_s=policy.window_s)
        if self.is_throttled(at) or len(self.recent) < policy.max_identifiers:
            return False
        self._throttled(
            source_key=self.source_key,
            at=at,
            until=at + policy.throttle,
            distinct_identifiers=len(self.recent),
        )
        return True

    @event("FailureSeen")
    def _failure_seen(self, identifier_key: str, at: datetime, window_s: float) -> None:
        # The window travels in the event so a replay prunes exactly as the decision did.
        self.recent = {k: t for k, t in self.recent.items() if (at - t).total_seconds() < window_s}
        self.recent[identifier_key] = at

    @event("Throttled")
    def _throttled(
        self, source_key: str, at: datetime, until: datetime, distinct_identifiers: int
    ) -> None:
        self.throttled_until = until
        # A new throttle needs a new wave of distinct identifiers.
        self.recent = {}
