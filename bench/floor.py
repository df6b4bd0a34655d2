"""The login floor: what a login's messaging and commits cost on this machine, with no hashing
and no domain code, and so the highest login/argon2 ratio any login built on them can reach.

``bench_skeleton.login`` (bench/tick_services.py) is called like ``identity.login`` (8 clients in
a closed loop): it calls ``bench_gate.reserve`` and ``bench_gate.report`` over RPC, each recording
one event, then records one event that its relay publishes. That is a login's three RPC round
trips and three commits, without the account lookup, the hash, the ladder rules or the session.

The CPU of every process (both services, the client, PostgreSQL, RabbitMQ) per skeleton login is
the floor. With every core busy, a login costing ``argon2 + floor`` of CPU reaches at most
``argon2 / (argon2 + floor)`` of raw argon2's rate, where ``argon2`` is the CPU of one raw verify
measured in the same repeat (2 threads): that ceiling is the figure's ratio. The ceiling of the
service process alone (``bench_skeleton``, standing for identity on a core of its own) is in the
details.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .cpu import CpuMeter
from .environment import BenchEnvironment
from .figures import Figure, median
from .load import throughput
from .login import LOGIN_TARGET, raw_verifies_per_second
from .modes import Mode


def measure_floor(env: BenchEnvironment, mode: Mode, service: Any, gate: Any) -> Figure:
    """``service`` and ``gate``: the handles of the running SkeletonService and GateService."""
    calls = [_skeleton_login(env.client()) for _ in range(mode.concurrency)]
    groups = {
        name: [handle.pid]
        for name, handle in (("bench_skeleton", service), ("bench_gate", gate))
        if hasattr(handle, "pid")  # subprocesses; in process (smoke) only the totals count
    }
    meter = CpuMeter(groups)
    cores = len(os.sched_getaffinity(0))
    rates, argon2_ms = [], []
    for _ in range(mode.repeats):
        argon2_ms.append(1000 * cores / raw_verifies_per_second(mode, threads=2))
        rates.append(throughput(calls, mode.window_s, meter=meter))
    floors = [run["total"] for run in meter.runs] or [float("nan")] * len(rates)
    ceilings = [a / (a + f) for a, f in zip(argon2_ms, floors, strict=True)]
    cpu = meter.medians()
    verify_ms, floor_ms = median(argon2_ms), median(floors)
    details: dict[str, Any] = {
        "skeleton_logins_per_s_runs": rates,
        "floor_ms_runs": floors,
        "argon2_ms_runs": argon2_ms,
        "cpu_ms_per_login": cpu,
        "argon2_cpu_ms_per_verify": verify_ms,
        "ratio_ceiling_from_cpu": median(ceilings),
        "ceiling_basis": "a login costing only this floor and its hash",
        "concurrency": mode.concurrency,
    }
    if cpu.get("bench_skeleton"):
        details["service_ceiling"] = verify_ms / (verify_ms + cpu["bench_skeleton"])
    return Figure(
        key="login_floor",
        title="login floor: 3 RPCs + 3 commits, no hash",
        unit="ms CPU",
        value=floor_ms,
        baseline_title="CPU of one raw argon2id verify",
        baseline=verify_ms,
        ratio=median(ceilings),
        target=f"ceiling ≥ {LOGIN_TARGET}",
        met=median(ceilings) >= LOGIN_TARGET,
        higher_is_better=False,
        details=details,
    )


def _skeleton_login(client: Any) -> Callable[[], Any]:
    return lambda: client.bench_skeleton.login()
