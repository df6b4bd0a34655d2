"""Capacity of one store (issue #28): appends/s through the platform's recorder with 1, 2, 4,
8, 16 and 32 concurrent writers on one store, and how long a write holds the store's lock.

Every write is one event in one transaction, through :class:`OneTripProcessRecorder` (the
``EXCLUSIVE`` table lock that keeps notification ids in commit order, held from the lock to the
commit). Writers are green threads of the bench process, each with its own pooled connection:
past a few writers the figure shows the lock's ceiling, ``1 / hold`` transactions per second,
not the writers' (docs/capacity.md). The lock's hold time is estimated as a lone writer's
statement time minus a trivial round trip on the same pool (the lock is taken first in the
function and released at commit, after the WAL flush).

The national need (``NEEDS``) comes from the labelled assumptions of docs/capacity.md, kept here
in one place so that the figure and the document say the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .append import raw_append, template_event, tick_application
from .environment import BenchEnvironment
from .figures import Figure, median
from .load import throughput
from .modes import Mode

WRITERS = (1, 2, 4, 8, 16, 32)


@dataclass(frozen=True)
class Assumptions:
    """docs/capacity.md, "Assumptions" (each one labelled there with where it comes from)."""

    allocataires: float = 13.5e6  # A1
    logins_per_month: float = 30e6  # A2: password logins of Mon Compte, portal and apps
    payment_day_share: float = 0.10  # A3: share of the month's logins on the payment day
    peak_hour_share: float = 0.15  # A4: share of that day's logins in its busiest hour
    failed_share: float = 0.10  # A5: checked wrong passwords per login attempt
    lockout_events_per_login: float = 3.0  # A6: reserved + settled + a source's hold/release
    identity_events_per_login: float = 1.0  # A7: LoginSucceeded / LoginFailed on the account

    def peak_logins_per_s(self, factor: float = 1.0) -> float:
        month = self.logins_per_month * factor
        return month * self.payment_day_share * self.peak_hour_share / 3600

    def events_per_s(self, store: str, factor: float = 1.0) -> float:
        per_login = {
            "lockout": self.lockout_events_per_login,
            "identity": self.identity_events_per_login,
        }[store]
        return self.peak_logins_per_s(factor) * per_login


ASSUMPTIONS = Assumptions()
#: the busiest store's need at 10× the national peak (events/s): the figure's target
NEED_10X = ASSUMPTIONS.events_per_s("lockout", 10)


def lock_hold_ms(app: Any, template: Any, samples: int) -> dict[str, float]:
    """A lone writer's append time, a trivial round trip, and their difference (ms, medians)."""
    append = raw_append(app, template)
    appends, trivial = [], []
    for _ in range(max(samples, 20)):
        start = time.perf_counter()
        append()
        appends.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        app.sql.execute("SELECT 1")
        trivial.append((time.perf_counter() - start) * 1000)
    append_ms, trivial_ms = median(appends), median(trivial)
    return {
        "append_ms": append_ms,
        "round_trip_ms": trivial_ms,
        "lock_hold_ms": max(append_ms - trivial_ms, 0.0),
    }


def measure_capacity(env: BenchEnvironment, mode: Mode) -> Figure:
    """Appends/s by number of writers (medians over the repeats, interleaved)."""
    pool = {"DATABASE_POOL_MIN": str(max(WRITERS)), "DATABASE_POOL_SIZE": str(max(WRITERS) + 4)}
    app = tick_application({**env.config, **pool, "DATABASE_SCHEMA": "b_capacity"})
    template = template_event(app)
    runs: dict[int, list[float]] = {n: [] for n in WRITERS}
    try:
        for _ in range(mode.repeats):
            for writers in WRITERS:
                appends = [raw_append(app, template) for _ in range(writers)]
                runs[writers].append(throughput(appends, mode.window_s))
        hold = lock_hold_ms(app, template, mode.samples)
    finally:
        app.close()
    by_writers = {n: median(rates) for n, rates in runs.items()}
    best = max(by_writers, key=lambda n: by_writers[n])
    ceiling = 1000 / hold["lock_hold_ms"] if hold["lock_hold_ms"] else float("inf")
    return Figure(
        key="store_capacity",
        title=f"one store: appends/s, best of 1-32 writers ({best})",
        unit="/s",
        value=by_writers[best],
        baseline_title="1 writer",
        baseline=by_writers[1],
        ratio=by_writers[best] / by_writers[1] if by_writers[1] else float("nan"),
        target=f"≥ {NEED_10X:,.0f} /s (lockout at 10× peak)",
        met=by_writers[best] >= NEED_10X,
        details={
            "appends_per_s_by_writers": by_writers,
            "runs_by_writers": runs,
            **hold,
            "ceiling_from_lock_hold_per_s": ceiling,
            "one_event_per_transaction": True,
            "need_events_per_s": {
                store: {f"{f}x": ASSUMPTIONS.events_per_s(store, f) for f in (1, 3, 10)}
                for store in ("identity", "lockout")
            },
            "peak_logins_per_s": {f"{f}x": ASSUMPTIONS.peak_logins_per_s(f) for f in (1, 3, 10)},
        },
    )
