"""The login floor: what a login's messaging and commits cost on this machine, with no hashing
and no domain code, and so the highest login/argon2 ratio any login built on them can reach.

``bench_skeleton.login`` (bench/skeleton_services.py) is called like ``identity.login`` (8
clients in a closed loop). It models the login as built since issue #28: a reservation over RPC
(``bench_gate`` records it, as lockout's ``reserve_attempt`` does), the login recorded and
published by the skeleton's relay, and the gate settling the reservation from that event (one
event and its tracking record). Two RPC round trips and three commits, without the account
lookup, the hash, the ladder rules or the session.

Two variants price architecture options, measured in the same repeats:

- ``gate_in_process``: lockout's gate inside identity's process (a library writing the gate's
  store, which SPEC §2 forbids today): one round trip, the same three commits;
- ``no_gate``: no lockout at all, one round trip and one commit: the least any login pays here.

The CPU of every process (both services, the client, PostgreSQL, RabbitMQ) per skeleton login,
until the gate has consumed every login event of the window, is the floor. With every core busy,
a login costing ``argon2 + floor`` of CPU reaches at most ``argon2 / (argon2 + floor)`` of raw
argon2's rate, where ``argon2`` is the CPU of one raw verify measured in the same repeat (2
threads): that ceiling is the figure's ratio (for ``login``); each variant's is in the details.
The ceiling of the service process alone (``bench_skeleton``, standing for identity on a core of
its own) is there too.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import eventlet

from .cpu import CpuMeter
from .environment import BenchEnvironment
from .figures import Figure, median
from .load import throughput
from .login import LOGIN_TARGET, raw_verifies_per_second
from .modes import Mode

SETTLING_TIMEOUT_S = 60.0


class Variant(NamedTuple):
    method: str  # of bench_skeleton
    title: str


VARIANTS = {
    "login": Variant("login", "2 RPCs + 3 commits"),
    "gate_in_process": Variant(
        "login_gate_in_process", "lockout's gate inside identity's process: 1 RPC + 3 commits"
    ),
    "no_gate": Variant("login_no_gate", "no lockout: 1 RPC + 1 commit"),
}


def measure_floor(env: BenchEnvironment, mode: Mode, service: Any, gate: Any) -> Figure:
    """``service`` and ``gate``: the handles of the running SkeletonService and GateService."""
    clients = [env.client() for _ in range(mode.concurrency)]
    groups = {
        name: [handle.pid]
        for name, handle in (("bench_skeleton", service), ("bench_gate", gate))
        if hasattr(handle, "pid")  # subprocesses; in process (smoke) only the totals count
    }
    meters = {name: CpuMeter(groups) for name in VARIANTS}
    rates: dict[str, list[float]] = {name: [] for name in VARIANTS}
    settled = gate_caught_up(env.client())
    cores = len(os.sched_getaffinity(0))
    argon2_ms = []
    for _ in range(mode.repeats):
        argon2_ms.append(1000 * cores / raw_verifies_per_second(mode, threads=2))
        for name, variant in VARIANTS.items():
            calls = [_skeleton_call(client, variant.method) for client in clients]
            rates[name].append(throughput(calls, mode.window_s, meters[name], settled))
    floors = {name: _floors(meter, len(argon2_ms)) for name, meter in meters.items()}
    ceilings = {name: _ceilings(argon2_ms, runs) for name, runs in floors.items()}
    cpu = {name: meter.medians() for name, meter in meters.items()}
    verify_ms = median(argon2_ms)
    details: dict[str, Any] = {
        "skeleton_logins_per_s_runs": rates["login"],
        "floor_ms_runs": floors["login"],
        "argon2_ms_runs": argon2_ms,
        "cpu_ms_per_login": cpu["login"],
        "argon2_cpu_ms_per_verify": verify_ms,
        "ratio_ceiling_from_cpu": median(ceilings["login"]),
        "ceiling_basis": "a login costing only this floor and its hash",
        "concurrency": mode.concurrency,
        "variants": {name: variant.title for name, variant in VARIANTS.items()},
        "ceiling_by_variant": {name: median(runs) for name, runs in ceilings.items()},
        "cpu_ms_by_variant": {name: median(runs) for name, runs in floors.items()},
        "cpu_ms_per_login_by_variant": cpu,
        "floor_ms_runs_by_variant": floors,
        "logins_per_s_runs_by_variant": rates,
    }
    service_ceilings = {
        name: verify_ms / (verify_ms + by_process["bench_skeleton"])
        for name, by_process in cpu.items()
        if by_process.get("bench_skeleton")
    }
    if service_ceilings:
        details["service_ceiling"] = service_ceilings["login"]
        details["service_ceiling_by_variant"] = service_ceilings
    return Figure(
        key="login_floor",
        title=f"login floor: {VARIANTS['login'].title}, no hash",
        unit="ms CPU",
        value=median(floors["login"]),
        baseline_title="CPU of one raw argon2id verify",
        baseline=verify_ms,
        ratio=median(ceilings["login"]),
        target=f"ceiling ≥ {LOGIN_TARGET}",
        met=median(ceilings["login"]) >= LOGIN_TARGET,
        higher_is_better=False,
        details=details,
    )


def gate_caught_up(client: Any) -> Callable[[], None]:
    """Waits until the gate has consumed every login event the skeleton handed it (the
    settlements happen after the login answered: their CPU belongs to the window)."""

    def wait() -> None:
        handed = client.bench_skeleton.handed_to_gate()
        deadline = time.monotonic() + SETTLING_TIMEOUT_S
        while client.bench_gate.settled() < handed:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gate settled fewer than {handed} logins in time")
            eventlet.sleep(0.01)

    return wait


def _floors(meter: CpuMeter, repeats: int) -> list[float]:
    """CPU ms per login of each window, all processes (NaN where /proc cannot be read)."""
    return [run["total"] for run in meter.runs] or [float("nan")] * repeats


def _ceilings(argon2_ms: list[float], floors: list[float]) -> list[float]:
    return [a / (a + f) for a, f in zip(argon2_ms, floors, strict=True)]


def _skeleton_call(client: Any, method: str) -> Callable[[], Any]:
    return lambda: getattr(client.bench_skeleton, method)()
