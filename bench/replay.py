"""Replay: events per second rebuilding state from the whole notification log, against a raw
read of the same log (the same pages, no decoding).

The events are loaded fast, straight through the recorder in large batches (one stored
``Tick.Ticked`` reused with fresh ids); rebuilding maps each one back to its domain event
(transcoding, correlation id, personal-data hook) and applies it to a new aggregate.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from eventsourcing.persistence import StoredEvent

from .append import template_event, tick_application
from .environment import BenchEnvironment
from .figures import Figure, throughput_figure
from .modes import Mode
from .tick_services import TickApplication

REPLAY_TARGET = 0.5
LOAD_BATCH = 5_000
PAGE = 1_000


def load_events(app: TickApplication, count: int) -> float:
    """Stores ``count`` events; returns the loading rate (events/s)."""
    template = template_event(app)
    start = time.perf_counter()
    for first in range(0, count, LOAD_BATCH):
        batch = [
            StoredEvent(uuid.uuid4(), template.originator_version, template.topic, template.state)
            for _ in range(min(LOAD_BATCH, count - first))
        ]
        app.recorder.insert_events(batch)
    return count / (time.perf_counter() - start)


def read_log(app: TickApplication, rebuild: bool) -> tuple[int, float]:
    """Reads the whole log page by page; with ``rebuild``, folds every event into state."""
    recorder, mapper = app.recorder, app.mapper
    position, count, total = 0, 0, 0
    start = time.perf_counter()
    while True:
        page = recorder.select_notifications(start=position, limit=PAGE, inclusive_of_start=False)
        if not page:
            break
        for notification in page:
            if rebuild:
                domain_event: Any = mapper.to_domain_event(notification)
                total += domain_event.mutate(None).amount
            else:
                total += len(notification.state)
        count += len(page)
        position = page[-1].id
    return count, count / (time.perf_counter() - start)


def measure_replay(env: BenchEnvironment, mode: Mode) -> Figure:
    app = tick_application({**env.config, "DATABASE_SCHEMA_PREFIX": "r_"})
    loading_rate = load_events(app, mode.replay_events)
    rebuilt, raw = [], []
    for _ in range(mode.repeats):
        count, rate = read_log(app, rebuild=False)
        raw.append(rate)
        count_rebuilt, rate = read_log(app, rebuild=True)
        rebuilt.append(rate)
        if count != mode.replay_events or count_rebuilt != count:
            raise RuntimeError(f"read {count} and {count_rebuilt} of {mode.replay_events}")
    app.close()
    return throughput_figure(
        "replay",
        f"events replayed into state ({mode.replay_events:,} stored)",
        rebuilt,
        "raw notification log read",
        raw,
        REPLAY_TARGET,
        stored_events=mode.replay_events,
        loading_rate_per_s=loading_rate,
    )
