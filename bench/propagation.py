"""Propagation: commit -> consumer effect latency at a steady command rate, against a raw
RabbitMQ publish (confirmed) -> consume round trip at the same rate.

Producer (``bench``, with its outbox relay) and consumer (``bench_consumer``, exactly-once
``app.process``) run in this process so both instants are read on the same clock: the commit is
when ``save()`` returned, the effect when the consumer's receipt was committed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import eventlet
from kombu import Connection, Consumer, Producer, Queue

from shared.testing import application_of

from . import tick_services
from .environment import BenchEnvironment
from .figures import Figure, latency_figure, percentile
from .modes import Mode

RATE_PER_S = 100
MAX_P99_MS = 100.0


def at_steady_rate(action: Callable[[int], None], seconds: float) -> None:
    """Calls ``action(i)`` every 1/RATE_PER_S s on an absolute schedule (no drift)."""
    start = time.perf_counter()
    for index in range(int(seconds * RATE_PER_S)):
        delay = start + index / RATE_PER_S - time.perf_counter()
        if delay > 0:
            eventlet.sleep(delay)
        action(index)


def pipeline_latencies_ms(app: Any, seconds: float) -> list[float]:
    committed, effects = tick_services.COMMITTED, tick_services.EFFECTS
    committed.clear()
    effects.clear()

    def tick(_: int) -> None:
        tick_id = app.tick(1)
        committed[tick_id] = time.perf_counter()

    at_steady_rate(tick, seconds)
    deadline = time.monotonic() + 60
    while len(effects) < len(committed) and time.monotonic() < deadline:
        eventlet.sleep(0.01)
    missing = set(committed) - set(effects)
    if missing:
        raise RuntimeError(f"{len(missing)} ticks never reached the consumer")
    return [(effects[key] - committed[key]) * 1000 for key in committed]


def raw_broker_latencies_ms(amqp_uri: str, seconds: float) -> list[float]:
    """Confirmed persistent publishes to a queue, consumed by a green thread in this process."""
    received: dict[str, float] = {}
    queue = Queue("bench-raw-" + uuid.uuid4().hex, durable=True, auto_delete=True)
    stop = [False]
    with (
        Connection(amqp_uri) as consuming,
        Connection(amqp_uri, transport_options={"confirm_publish": True}) as publishing,
    ):

        def on_message(body: Any, message: Any) -> None:
            received[body["id"]] = time.perf_counter()
            message.ack()

        consumer = Consumer(consuming.channel(), queues=[queue], callbacks=[on_message])
        consumer.consume()

        def drain() -> None:
            while not stop[0]:
                try:
                    consuming.drain_events(timeout=0.2)
                except TimeoutError:
                    continue

        drainer = eventlet.spawn(drain)
        producer = Producer(publishing.default_channel)
        sent: dict[str, float] = {}

        def publish(index: int) -> None:
            key = str(index)
            sent[key] = time.perf_counter()
            producer.publish({"id": key}, routing_key=queue.name, serializer="json",
                             delivery_mode=2, declare=[queue])  # fmt: skip

        at_steady_rate(publish, seconds)
        deadline = time.monotonic() + 30
        while len(received) < len(sent) and time.monotonic() < deadline:
            eventlet.sleep(0.01)
        stop[0] = True
        drainer.wait()
        consumer.cancel()
    return [(received[key] - sent[key]) * 1000 for key in sent if key in received]


def measure_propagation(env: BenchEnvironment, mode: Mode) -> Figure:
    settings = {"DATABASE_SCHEMA_PREFIX": "p_", "DATABASE_POOL_SIZE": "4"}
    consumer = env.start(tick_services.ReceiptService, **settings)
    producer = env.start(tick_services.TickService, **settings)
    app = application_of(producer)
    app.tick(1)  # tables, relay connection and consumer queue warm
    pipeline: list[list[float]] = []
    raw: list[list[float]] = []
    for _ in range(mode.repeats):
        raw.append(raw_broker_latencies_ms(env.config["AMQP_URI"], mode.propagation_s))
        pipeline.append(pipeline_latencies_ms(app, mode.propagation_s))
    env.halt(producer)
    env.halt(consumer)
    return latency_figure(
        "propagation",
        f"commit -> consumer effect at {RATE_PER_S}/s",
        [percentile(run, 50) for run in pipeline],
        [percentile(run, 99) for run in pipeline],
        f"raw confirmed publish -> consume at {RATE_PER_S}/s",
        [percentile(run, 50) for run in raw],
        [percentile(run, 99) for run in raw],
        MAX_P99_MS,
        events_per_run=int(mode.propagation_s * RATE_PER_S),
    )
