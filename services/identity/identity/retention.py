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

from .domain import CodeFlow
from .domain.code_flow import JOURNEY_OF_OLD_CLASS

if TYPE_CHECKING:
    from .application import IdentityApplication as IdentityCore


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


#: the topics a registration starts and completes under: the class it was stored as before
#: CodeFlow (identity.flows:Registration, still in the stores) and CodeFlow's, any journey
_OLD_REGISTRATION = next(old for old, j in JOURNEY_OF_OLD_CLASS.items() if j == "registration")
STARTED = (_OLD_REGISTRATION + ".Started", get_topic(CodeFlow.Started))
COMPLETED = (_OLD_REGISTRATION + ".Completed", get_topic(CodeFlow.Completed))  # type: ignore[attr-defined]


def unfinished_registrations(app: IdentityCore) -> list[uuid.UUID]:
    """Code flows started and never completed (registrations among them: see the caller)."""
    events = app.sql.events_table
    rows = app.sql.execute(
        f"SELECT s.originator_id FROM {events} s WHERE s.topic IN (%s, %s) AND NOT EXISTS"
        f" (SELECT 1 FROM {events} c WHERE c.originator_id = s.originator_id"
        " AND c.topic IN (%s, %s))",
        (*STARTED, *COMPLETED),
    )
    return [r[0] if isinstance(r[0], uuid.UUID) else uuid.UUID(str(r[0])) for r in rows]


def shred_unfinished_registrations(app: IdentityCore, duration: timedelta, now: datetime) -> int:
    """Destroys the key of each registration started before ``now - duration`` and never
    completed: its form and addresses were under the would-be account's own key, which no
    account uses (a completed registration is never a candidate)."""
    shredded = 0
    for registration_id in unfinished_registrations(app):
        registration = app.find(registration_id)
        if not isinstance(registration, CodeFlow) or registration.journey != "registration":
            continue
        account_id = registration.account_id
        if account_id is None or registration.started_at + duration > now:
            continue
        if app.vault.is_erased(account_id) or app.find(account_id):
            continue
        app.vault.erase(account_id)
        shredded += 1
    return shredded
