"""Replay check: every aggregate and read model rebuilt from events alone, compared with what
the store serves (latest snapshot + later events, read models as the service folds them).

A service declares checks of its own read models with a method on its application,
``audit_read_model_checks() -> list[ReadModelCheck]``; :mod:`audit.read_models` declares the
ones of services that do not (yet) carry it themselves.

>>> report = replay_store("lockout", stores["lockout"])   # doctest: +SKIP
>>> report.differences
[]
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.application import project_aggregate

from .progress import Progress
from .read_models import BUILT_IN_CHECKS


class ReadModelCheck(Protocol):
    name: str

    def differences(self, app: Any) -> list[str]:
        """What the read model holds that a fold from scratch would not (empty: in step)."""


@dataclass
class ReplayReport:
    store: str
    aggregates: int = 0
    snapshots: int = 0
    read_models: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "aggregates": self.aggregates,
            "snapshots": self.snapshots,
            "read_models": self.read_models,
            "differences": self.differences,
        }


def aggregate_ids(app: Any) -> list[uuid.UUID]:
    """Every aggregate of the store, in order of first appearance."""
    position = "notification_id" if app.sql.is_postgres else "rowid"  # SQLite: the rowid
    rows = app.sql.execute(
        f"SELECT originator_id, MIN({position}) AS first FROM {app.sql.events_table}"
        " GROUP BY originator_id ORDER BY first"
    )
    return [row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(str(row[0])) for row in rows]


def state_of(aggregate: Any) -> dict[str, Any]:
    """What an aggregate is, for comparison (eventsourcing's pending-events list left out)."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def compare(label: str, expected: Any, actual: Any) -> list[str]:
    if expected is None or actual is None:
        return [] if expected is actual else [f"{label}: present on one side only"]
    left, right = state_of(expected), state_of(actual)
    if type(expected) is not type(actual):
        return [f"{label}: {type(expected).__name__} vs {type(actual).__name__}"]
    names = sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))
    return [f"{label}: attribute {name} differs" for name in names]


def replay_aggregate(app: Any, aggregate_id: uuid.UUID) -> tuple[list[str], bool]:
    """(differences, had a snapshot) for one aggregate."""
    label = f"{app.name} {aggregate_id}"
    try:
        from_events = project_aggregate(None, app.events.get(aggregate_id))
        served = app.repository.get(aggregate_id)
    except Exception as error:  # an event that no longer decodes is a finding, not a crash
        return [f"{label}: cannot be rebuilt ({type(error).__name__}: {error})"], False
    differences = compare(f"{label} (snapshot + events vs events)", from_events, served)
    snapshot = _latest_snapshot(app, aggregate_id)
    if snapshot is not None:
        try:
            at_snapshot = project_aggregate(
                None, app.events.get(aggregate_id, lte=snapshot.originator_version)
            )
            differences += compare(
                f"{label} (snapshot v{snapshot.originator_version} vs events)",
                at_snapshot,
                snapshot.mutate(None),
            )
        except Exception as error:
            differences.append(f"{label}: snapshot unreadable ({type(error).__name__})")
    return differences, snapshot is not None


def _latest_snapshot(app: Any, aggregate_id: uuid.UUID) -> Any:
    if app.snapshots is None:
        return None
    return next(iter(app.snapshots.get(aggregate_id, desc=True, limit=1)), None)


def read_model_checks(name: str, app: Any) -> list[ReadModelCheck]:
    declared: Callable[[], Iterable[ReadModelCheck]] | None = getattr(
        app, "audit_read_model_checks", None
    )
    if declared is not None:
        return list(declared())
    return [factory() for factory in BUILT_IN_CHECKS.get(name, ())]


def replay_store(name: str, app: Any) -> ReplayReport:
    """Rebuilds every aggregate and read model of one store and lists the differences."""
    report = ReplayReport(name)
    ids = aggregate_ids(app)
    with Progress(name, len(ids)) as bar:
        for aggregate_id in ids:
            differences, snapshotted = replay_aggregate(app, aggregate_id)
            report.differences += differences
            report.aggregates += 1
            report.snapshots += snapshotted
            bar.advance()
    for check in read_model_checks(name, app):
        report.read_models.append(check.name)
        found = check.differences(app)
        report.differences += [f"{name} read model {check.name}: {d}" for d in found]
    return report
