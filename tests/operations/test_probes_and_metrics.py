"""A running service answers its probes and exposes its metrics on HTTP_PORT."""

from __future__ import annotations

import json
from typing import Any

from http_probe import free_port, get
from lockout.service import LockoutService

from shared.runtime import metrics
from shared.runtime.health import HealthChecks


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_probes_and_metrics_of_a_running_service(services: Any, rpc: Any) -> None:
    port = free_port()
    services.start(LockoutService, HTTP_PORT=str(port), DATABASE_POOL_SIZE="2")
    before = sample(
        "caf_entrypoint_duration_seconds_count",
        service="lockout",
        method="new_captcha",
        kind="rpc",
        outcome="ok",
    )

    assert get(port, "/health/live")[0] == 200
    status, body = get(port, "/health/ready")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"broker": True, "store": True, "relay": True}

    rpc.lockout.new_captcha()
    status, text = get(port, "/metrics")
    assert status == 200
    after = sample(
        "caf_entrypoint_duration_seconds_count",
        service="lockout",
        method="new_captcha",
        kind="rpc",
        outcome="ok",
    )
    assert after == before + 1
    # lockout consumes PasswordChanged and NirAssigned: their queues are measured
    queue = "evt-identity-PasswordChanged--lockout.on_password_changed"
    assert f'caf_queue_depth_messages{{queue="{queue}",service="lockout"}} 0.0' in text, text
    assert f'caf_dead_letters_messages{{queue="{queue}",service="lockout"}} 0.0' in text
    assert 'caf_relay_lag_events{service="lockout"}' in text
    # the process itself: memory, CPU and open files (what the dashboard and alerts read)
    for name in ("process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"):
        assert f"\n{name} " in text, name
    assert get(port, "/nowhere")[0] == 404


def test_readiness_names_the_check_that_fails(services: Any) -> None:
    container = services.start(LockoutService, DATABASE_POOL_SIZE="2")
    checks = HealthChecks(container)
    assert checks.readiness()["ready"] is True
    checks.amqp_uri = "amqp://guest:guest@127.0.0.1:1/"  # nothing listens there

    readiness = checks.readiness()

    assert readiness["ready"] is False
    assert readiness["checks"]["broker"].startswith("unreachable")
    assert readiness["checks"]["store"] is True
    assert sample("caf_ready", service="lockout") == 0


def test_each_service_of_a_process_has_its_own_port(services: Any) -> None:
    """make run: LOCKOUT_HTTP_PORT and IDENTITY_HTTP_PORT in one environment, no clash."""
    from identity.service import IdentityService

    lockout_port, identity_port = free_port(), free_port()
    ports = {"LOCKOUT_HTTP_PORT": str(lockout_port), "IDENTITY_HTTP_PORT": str(identity_port)}
    services.start(LockoutService, DATABASE_POOL_SIZE="2", **ports)
    services.start(IdentityService, DATABASE_POOL_SIZE="2", **ports)

    assert json.loads(get(lockout_port, "/health/live")[1]) == {"service": "lockout"}
    assert json.loads(get(identity_port, "/health/live")[1]) == {"service": "identity"}
