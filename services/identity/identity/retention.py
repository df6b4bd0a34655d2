"""The identity store's part of the retention job (docs/privacy.md): the month keys of expired
connection sources and agents' reasons are destroyed, and so is the key of each registration
never completed once it is older than its duration.

>>> expire(app)   # doctest: +SKIP
{'connection_sources': 1, 'agent_actions': 0, 'unfinished_registrations': 2}
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from eventsourcing.utils import get_topic

from shared.privacy.buckets import shred_expired
from shared.privacy.retention import ROWS

from .flows import Registration

if TYPE_CHECKING:
    from .core import IdentityCore


def expire(app: IdentityCore) -> dict[str, int]:
    """Runs the identity rows of the retention table at the app's ``now``; counts by category."""
    now = app.clock.now()
    counts = {}
    for category in ("connection_sources", "agent_actions"):
        duration = ROWS[category].duration(app.settings)
        assert duration is not None
        counts[category] = shred_expired(app.vault, category, duration, now)
    duration = ROWS["unfinished_registrations"].duration(app.settings)
    assert duration is not None
    counts["unfinished_registrations"] = shred_unfinished_registrations(app, duration, now)
    return counts


def unfinished_registrations(app: IdentityCore) -> list[uuid.UUID]:
    """Registrations started and never completed."""
    events = app.sql.events_table
    rows = app.sql.execute(
        f"SELECT s.originator_id FROM {events} s WHERE s.topic = %s AND NOT EXISTS"
        f" (SELECT 1 FROM {events} c WHERE c.originator_id = s.originator_id AND c.topic = %s)",
        (get_topic(Registration.Started), get_topic(Registration.Completed)),  # type: ignore[attr-defined]
    )
    return [r[0] if isinstance(r[0], uuid.UUID) else uuid.UUID(str(r[0])) for r in rows]


def shred_unfinished_registrations(app: IdentityCore, duration: timedelta, now: datetime) -> int:
    """Destroys the key of each registration started before ``now - duration`` and never
    completed: its form and addresses were under the would-be account's own key, which no
    account uses (a completed registration is never a candidate)."""
    shredded = 0
    for registration_id in unfinished_registrations(app):
        registration = app.find(registration_id)
        if not isinstance(registration, Registration) or registration.started_at + duration > now:
            continue
        if app.vault.is_erased(registration.account_id) or app.find(registration.account_id):
            continue
        app.vault.erase(registration.account_id)
        shredded += 1
    return shredded
