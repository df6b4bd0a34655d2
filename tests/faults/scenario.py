"""How every fault scenario runs and what it asserts: the load before, during and after the
fault, then the figures (events lost 0, effects doubled 0, the ladder's invariant, every process
alive and ready within ``RECOVERY_BOUND_S`` of the heal), printed on a ``FAULTS |`` line that
docs/operations.md's tables were filled from.

Durations are parameters: ``FAULTS_CUT_S`` (a cut; the issue's 30 s, 10 s by default so that
``make test-faults`` stays short) and ``FAULTS_LOSSY_S`` (the lossy network; the issue's minute,
15 s by default).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import eventlet
from faults_load import Load
from faults_platform import FaultPlatform, Report

CUT_S = float(os.environ.get("FAULTS_CUT_S", "10"))
LOSSY_S = float(os.environ.get("FAULTS_LOSSY_S", "15"))
#: every process alive and ready this long after the heal at the latest
RECOVERY_BOUND_S = 30.0
#: the load runs this long before the fault and after the heal
CALM_S = 2.0


def run(
    name: str,
    platform: FaultPlatform,
    load: Load,
    fault: Callable[[], None],
    heal: Callable[[], None],
    duration_s: float,
) -> Report:
    """Load, fault for ``duration_s``, heal, load again; then every figure, read from outside."""
    report = Report(name, load=load.description)
    with load:
        eventlet.sleep(CALM_S)
        fault()
        eventlet.sleep(duration_s)
        heal()
        healed_at = time.monotonic()
        platform.wait_ready(RECOVERY_BOUND_S)
        served = dict(platform.checks.served)
        # every identity replica serves logins again (its RPC consumer is back)
        wait_until(
            lambda: all(platform.checks.served[n] > served.get(n, 0) for n in served),
            RECOVERY_BOUND_S,
        )
        report.recovery_s = time.monotonic() - healed_at
        eventlet.sleep(CALM_S)
    wait_until(lambda: load.effects()["identifier_missing"] == 0, 60)
    report.events_lost, report.republished = platform.events_lost()
    effects = load.effects()
    report.effects_doubled = effects["codes_doubled"] + effects["identifier_doubled"]
    # the same message sent again after its acknowledgement was lost (same Message-ID, same SMS
    # Idempotency-Key: the gateway drops it, mail readers group it): resent, not doubled
    report.notes["resent_same_id"] = platform.mails_doubled()
    report.notes["identifier_missing"] = effects["identifier_missing"]
    report.wrong_password_checks = len(platform.checks.wrong_requests)
    report.notes["wrong_verifications"] = platform.checks.wrong
    report.acknowledged = load.acknowledged
    report.refused = load.refused
    report.notes["answers"] = dict(load.seen)
    print(report.line())
    return report


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {condition}")
        eventlet.sleep(0.2)


def assert_nothing_lost_nor_doubled(report: Report) -> None:
    assert report.events_lost == 0, report.line()
    assert report.effects_doubled == 0, report.line()
    assert report.notes["identifier_missing"] == 0, report.line()
    assert report.invariant_intact, report.line()
    assert report.recovery_s <= RECOVERY_BOUND_S, report.line()
    assert report.acknowledged["complete"] > 0 and report.acknowledged["login"] > 0, report.line()
    # the readers, who know their password, were never answered anything but « connecté »
    readers = {k for k in report.notes["answers"] if k.startswith("login:")}
    assert readers == {"login: ok"}, report.line()
