"""Readiness tells the truth when nothing publishes, without turning every replica unready."""

from __future__ import annotations

from typing import Any

from shared.runtime import metrics
from shared.runtime.health import HealthChecks
from shared.runtime.relay import leader_lock_for
from shared.testing import application_of, relay_of, wait_for
from shared.tests.example_services import ExampleService

PARCEL = {"label": "colis de test", "weight_g": 250}


def gauge(name: str, service: str = "example") -> float:
    value = metrics.REGISTRY.get_sample_value(name, {"service": service})
    assert value is not None, name
    return value


def readiness_when(checks: HealthChecks, condition: Any, timeout: float = 15) -> dict[str, Any]:
    """The first readiness answer that meets ``condition``."""
    answers: list[dict[str, Any]] = []

    def met() -> bool:
        answers.append(checks.readiness())
        return bool(condition(answers[-1]))

    wait_for(met, timeout=timeout)
    return answers[-1]


def test_a_leader_that_does_not_publish_shows_in_the_age_of_the_oldest_event(
    services, rpc, service_config
):
    # Another "replica" holds the relay's lock and publishes nothing.
    container = services.start(ExampleService, RELAY_ENABLED="false")
    stuck_leader = leader_lock_for(application_of(container))
    assert stuck_leader.try_acquire()
    services.stop(container)
    replica = services.start(ExampleService)
    try:
        checks = HealthChecks(replica)
        rpc.example.register(PARCEL)
        wait_for(lambda: relay_of(replica).leader_present())

        readiness = readiness_when(checks, lambda r: r["oldest_unpublished_age_s"] >= 1.0)

        assert readiness["ready"] is True  # not held back by another replica's relay
        assert readiness["relay_leader_present"] is True
        assert gauge("caf_relay_oldest_unpublished_age_seconds") >= 1.0
        assert gauge("caf_relay_leader_present") == 1
    finally:
        stuck_leader.release()
    # The lock is free again: this replica leads, publishes, and the age falls to 0.
    wait_for(lambda: checks.readiness()["oldest_unpublished_age_s"] == 0.0)


def test_when_no_replica_can_lead_readiness_says_so_and_stays_ready(services, rpc):
    replica = services.start(ExampleService)
    relay = relay_of(replica)
    wait_for(relay.leader_present)
    # PostgreSQL refuses the relay's own connections (the store's pool still answers).
    relay.lock.release()
    relay.lock.database_url = "postgresql://postgres@127.0.0.1:1/refused"
    checks = HealthChecks(replica)
    # the relay may publish until it notices its lock is gone: the event comes after that
    readiness_when(checks, lambda r: r["relay_leader_present"] is False)
    rpc.example.register(PARCEL)

    readiness = readiness_when(checks, lambda r: r["oldest_unpublished_age_s"] > 0)

    assert readiness["ready"] is True and readiness["checks"]["relay"] is True
    assert readiness["relay_leader_present"] is False
    assert gauge("caf_relay_leader_present") == 0


def test_with_everything_published_the_age_is_zero(services, rpc):
    replica = services.start(ExampleService)
    rpc.example.register(PARCEL)
    relay_of(replica).wait_until_caught_up()
    readiness = HealthChecks(replica).readiness()
    assert (readiness["relay_leader_present"], readiness["oldest_unpublished_age_s"]) == (True, 0.0)
