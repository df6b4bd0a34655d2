"""Append figures: events recorded per second through a service command, against raw
eventsourcing appends (eventsourcing's own PostgreSQL recorder as it ships, one event per
transaction, same table, same concurrency).

The services write through the platform's one-statement recorder (shared/runtime/pg_recorder.py),
which appends several times faster than eventsourcing's; its raw appends are measured too, in
the details (``platform_recorder_runs``), to show what the layers above the recorder cost.

- over RPC: ``bench.tick`` called by concurrent clients, the service in a process of its own;
- in process: the application command ``TickApplication.tick`` called by concurrent green threads
  (what the platform adds to eventsourcing: mapper, correlation id, notifications, snapshots).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import StoredEvent

from shared.runtime.settings import ServiceSettings

from .environment import BenchEnvironment
from .figures import Figure, throughput_figure
from .load import throughput
from .modes import Mode
from .tick_services import Tick, TickApplication

APPEND_TARGET = 0.8


STOCK_RECORDER = {"PROCESS_RECORDER_TOPIC": "eventsourcing.postgres:PostgresProcessRecorder"}


def tick_application(config: dict[str, Any], env: dict[str, str] | None = None) -> TickApplication:
    return TickApplication(ServiceSettings.from_mapping(config, "bench"), env=env)


def template_event(app: TickApplication) -> StoredEvent:
    """A stored ``Tick.Ticked`` as the application would write it (bytes reused)."""
    pending = Tick(amount=1).collect_events()
    return app.mapper.to_stored_event(pending[0])


def raw_append(app: TickApplication, template: StoredEvent) -> Callable[[], Any]:
    def append() -> None:
        app.recorder.insert_events(
            [StoredEvent(uuid.uuid4(), template.originator_version, template.topic,
                         template.state)]
        )  # fmt: skip

    return append


def measure_appends(env: BenchEnvironment, mode: Mode) -> list[Figure]:
    app = tick_application(env.config)  # same store as the service process (schema b_bench)
    stock = tick_application(env.config, env=STOCK_RECORDER)  # same tables
    template = template_event(app)
    rpc_calls = [_rpc_tick(env.client()) for _ in range(mode.concurrency)]
    raws = [raw_append(stock, template) for _ in range(mode.concurrency)]
    platform_raws = [raw_append(app, template) for _ in range(mode.concurrency)]
    commands = [lambda: app.tick(1) for _ in range(mode.concurrency)]
    over_rpc, in_process, raw, platform_raw = [], [], [], []
    for _ in range(mode.repeats):
        raw.append(throughput(raws, mode.window_s))
        platform_raw.append(throughput(platform_raws, mode.window_s))
        over_rpc.append(throughput(rpc_calls, mode.window_s))
        in_process.append(throughput(commands, mode.window_s))
    app.close()
    stock.close()
    baseline = "raw eventsourcing appends"
    details = {"concurrency": mode.concurrency, "platform_recorder_runs": platform_raw}
    return [
        throughput_figure(
            "append_rpc", "events via service command over RPC", over_rpc, baseline, raw,
            APPEND_TARGET, **details,
        ),
        throughput_figure(
            "append_command", "events via application command", in_process, baseline, raw,
            APPEND_TARGET, **details,
        ),
    ]  # fmt: skip


def _rpc_tick(client: Any) -> Callable[[], Any]:
    return lambda: client.bench.tick(1)
