"""The retention job (docs/privacy.md): each store expires its rows of the retention table and
says how much it expired, in counts only, never an identifier or a value.

Each service's application declares its part with ``expire_retention() -> {category: count}``
(lockout, notification, identity); every store also deletes its requests' idempotency markers
past their time (the ``request_markers`` row). The
counts go to the log, to ``caf_retention_expired_total{store, category}`` and, when
``RETENTION_PUSHGATEWAY_URL`` is set, to that Prometheus Pushgateway (a CronJob's pod lives too
briefly to be scraped).

>>> run_retention(stores, ["lockout"])   # doctest: +SKIP
[RetentionReport(store='lockout', expired={'lockout_ladders': 3, 'agent_actions': 0})]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import push_to_gateway

from shared.privacy.retention import ROWS
from shared.runtime import metrics

log = logging.getLogger("audit.retention")


@dataclass
class RetentionReport:
    store: str
    expired: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"store": self.store, "expired": self.expired}

    def line(self) -> str:
        counts = ", ".join(f"{c} {n}" for c, n in self.expired.items()) or "nothing to expire"
        return f"{self.store:<13} {counts}"


def expire_store(name: str, app: Any) -> RetentionReport:
    """Runs one store's rows; logs and counts what expired."""
    declared = getattr(app, "expire_retention", None)
    report = RetentionReport(name, dict(declared()) if declared else {})
    report.expired["request_markers"] = expire_request_markers(app)
    for category, count in report.expired.items():
        metrics.RETENTION_EXPIRED.labels(store=name, category=category).inc(count)
        log.info("retention: store %s, category %s, expired %d", name, category, count)
    return report


def expire_request_markers(app: Any) -> int:
    """Every store's idempotency markers past their time (shared/runtime/request_outcomes.py)."""
    duration = ROWS["request_markers"].duration(app.settings)
    assert duration is not None
    return int(app.expire_request_markers(app.clock.now() - duration))


def run_retention(
    stores: Any, names: list[str], pushgateway: str | None = None
) -> list[RetentionReport]:
    """Expires every selected store; pushes the counts to ``pushgateway`` if given."""
    reports = [expire_store(name, stores[name]) for name in names]
    if pushgateway:
        push_to_gateway(pushgateway, job="retention", registry=metrics.REGISTRY)
    return reports
