"""Time as a dependency: applications read ``self.clock.now()``, tests move a FrozenClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The real UTC clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that only moves when told: ``clock.advance(minutes=10)``."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2024, 3, 5, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
