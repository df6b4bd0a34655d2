"""Partitions under load (issue #31): a process cut from its broker or its database, lockout
unreachable, a slow and lossy network, a channel cut. Nothing lost, nothing doubled, the ladder
holds, every process recovers. Durations: ``scenario.py`` (parameters)."""

from __future__ import annotations

from typing import Any

import eventlet
from faults_load import Load
from faults_platform import FaultPlatform
from scenario import CUT_S, assert_nothing_lost_nor_doubled, run, wait_until


def test_an_identity_replica_cut_from_rabbitmq_with_requests_in_flight(
    platform: FaultPlatform, rpc_clients: Any
) -> None:
    platform.start(identity_replicas=2)
    load = Load(platform, rpc_clients)
    load.prepare()
    broker = platform.link("identity-1", "amqp")

    def cut_while_serving() -> None:
        served = platform.checks.served["identity-1"]
        wait_until(lambda: platform.checks.served["identity-1"] > served, 10)
        broker.cut()  # a login of replica 1 is in flight: its reply cannot leave

    report = run(
        "identity-1 cut from RabbitMQ", platform, load, cut_while_serving, broker.heal, CUT_S
    )

    assert_nothing_lost_nor_doubled(report)
    assert broker.stats()["refused"] > 0  # it tried to come back during the cut
