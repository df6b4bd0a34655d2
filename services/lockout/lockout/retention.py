"""The lockout store's part of the retention job (docs/privacy.md): idle ladders are forgotten
even when no login touches them again, and the month keys of expired attempt sources and
back-office notes are destroyed.

>>> expire(app)   # doctest: +SKIP
{'lockout_ladders': 3, 'connection_sources': 0, 'agent_actions': 0}
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.utils import get_topic

from shared.privacy.buckets import shred_expired
from shared.privacy.retention import ROWS

from .domain import FailedLoginLadder
from .sources import SourceBook

if TYPE_CHECKING:
    from .application import LockoutApplication

#: a ladder whose last event is one of these still counts something: a candidate to forget
#: (the classes the ``@event`` decorator makes, named by their events)
_COUNTING = tuple(
    getattr(FailedLoginLadder, name) for name in ("AttemptReserved", "AttemptFailed", "Frozen")
)


def expire(app: LockoutApplication) -> dict[str, int]:
    """Runs the lockout rows of the retention table at the app's ``now``; counts by category."""
    now = app.clock.now()
    counts = {"lockout_ladders": sum(forget_if_idle(app, i, now) for i in counting_ladders(app))}
    for category in ("connection_sources", "agent_actions"):
        duration = ROWS[category].duration(app.settings)
        assert duration is not None
        counts[category] = shred_expired(app.vault, category, duration, now)
    return counts


def counting_ladders(app: LockoutApplication) -> list[uuid.UUID]:
    """Ladders whose last event still counts a failure, a freeze or a reservation."""
    topics = [get_topic(cls) for cls in _COUNTING]
    events = app.sql.events_table
    rows = app.sql.execute(
        f"SELECT e.originator_id FROM {events} e WHERE e.topic IN ({', '.join(['%s'] * 3)})"
        f" AND e.originator_version = (SELECT MAX(l.originator_version) FROM {events} l"
        " WHERE l.originator_id = e.originator_id)",
        topics,
    )
    return [r[0] if isinstance(r[0], uuid.UUID) else uuid.UUID(str(r[0])) for r in rows]


def forget_if_idle(app: LockoutApplication, ladder_id: uuid.UUID, now: datetime) -> int:
    """Settles one ladder as a login would; 1 if that forgot it (recorded), else 0."""
    forgotten: list[int] = [0]

    def settle() -> list[Any]:
        ladder = app.ladder_by_id(ladder_id)
        if ladder is None:
            return []
        sources = SourceBook(app.repository, app.source_policy)
        sources.count(ladder.settle(now, app.ladder_policy))
        forgotten[0] = int(
            any(isinstance(e, FailedLoginLadder.Forgotten) for e in ladder.pending_events)  # type: ignore[attr-defined]
        )
        return [ladder, *sources.changed()] if ladder.pending_events else []

    app.save_with_retry(settle)
    return forgotten[0]
