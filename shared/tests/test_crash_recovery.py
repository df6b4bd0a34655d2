"""kill -9 at the worst moments loses nothing: the outbox relay publishes what was committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import eventlet

from shared.testing import both_stores, wait_for
from shared.tests.example_services import ExampleConsumerService

ROOT = Path(__file__).resolve().parents[2]


def start_producer(config: dict, **overrides: str) -> subprocess.Popen:
    env = {**os.environ, **{k: str(v) for k, v in config.items()}, **overrides}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.runtime.runner",
            "shared.tests.example_services:ExampleService",
        ],
        env=env,
        cwd=ROOT,
        stdout=open("/tmp/producer.log", "a"),
        stderr=subprocess.STDOUT,
    )


def kill_9(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def wait_ready(rpc) -> None:
    wait_for(lambda: _answers(rpc), timeout=30)


def _answers(rpc) -> bool:
    try:
        rpc.example.parcel_count()
        return True
    except Exception:
        return False


@both_stores
def test_killed_between_commit_and_publish_publishes_on_restart(services, rpc, service_config):
    services.start(ExampleConsumerService)
    # The relay is off: every commit below is "between commit and publish" when we kill.
    producer = start_producer(service_config, RELAY_ENABLED="false")
    try:
        wait_ready(rpc)
        for n in range(5):
            rpc.example.register({"label": f"colis {n}", "weight_g": 100})
    finally:
        kill_9(producer)
    assert rpc.example_consumer.receipts() == []
    assert _committed_count(service_config) >= 5

    restarted = start_producer(service_config)
    try:
        # A request whose ack had not reached the broker before the kill is delivered again
        # to the next process (RPC is at-least-once): compare with what the store holds.
        wait_for(lambda: _all_committed_received_once(rpc), timeout=30)
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)


@both_stores
def test_killed_while_publishing_loses_nothing_and_doubles_nothing(
    services, rpc, rpc_clients, service_config
):
    services.start(ExampleConsumerService)
    producer = start_producer(service_config)
    clients = rpc_clients(10, timeout=3)

    def register_many(client) -> None:
        for n in range(12):
            try:
                client.example.register({"label": f"colis {n}", "weight_g": 100})
            except Exception:  # the producer is killed under our feet
                return

    try:
        wait_ready(rpc)
        pool = eventlet.GreenPool(10)
        for client in clients:
            pool.spawn(register_many, client)
        # kill while the relay is busy: some events published, some not, position maybe stale
        wait_for(lambda: len(rpc.example_consumer.receipts()) >= 10, timeout=30)
        kill_9(producer)
        pool.waitall()
    except Exception:
        kill_9(producer)
        raise
    assert _committed_count(service_config) >= 10

    restarted = start_producer(service_config)
    try:
        wait_for(lambda: _all_committed_received_once(rpc), timeout=60)
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)


def _all_committed_received_once(rpc) -> bool:
    receipts = rpc.example_consumer.receipts()
    committed = rpc.example.parcel_count()
    return len(receipts) == committed == len({r["parcel_id"] for r in receipts})


def _committed_count(config: dict) -> int:
    from shared.runtime.settings import ServiceSettings
    from shared.tests.example_services import ExampleApplication

    app = ExampleApplication(ServiceSettings.from_mapping(config, "example"))
    try:
        return app.parcels_recorded()
    finally:
        app.close()
