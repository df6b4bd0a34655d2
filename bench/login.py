"""Login figures: end-to-end logins per second over RPC against raw argon2 verifies per second.

A login is the whole path: gateway RPC -> identity -> lockout ``reserve_attempt`` (recorded) ->
argon2id verify -> lockout ``report_attempt`` (recorded) -> the login recorded on the account ->
session token signed; the outbox relays publish the events meanwhile. The baseline runs
argon2-cffi alone with the same parameters, two threads (the two cores identity's thread pool
uses too), in a process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import kombu

from . import affinity, profile
from .accounts import PASSWORD, seed_accounts
from .cpu import CpuMeter
from .environment import ROOT, BenchEnvironment
from .figures import Figure, median, throughput_figure
from .load import throughput
from .modes import Mode

LOGIN_TARGET = 0.8
LOCKOUT = "bench.bench_lockout:BenchLockoutService"


def raw_verifies_per_second(mode: Mode, threads: int, cpus: set[int] | None = None) -> float:
    command = [
        sys.executable, "-m", "bench.raw_argon2", "--threads", str(threads),
        "--seconds", str(mode.window_s),
        "--memory-kib", mode.argon2["ARGON2_MEMORY_KIB"],
        "--time-cost", mode.argon2["ARGON2_TIME_COST"],
        "--parallelism", mode.argon2["ARGON2_PARALLELISM"],
    ]  # fmt: skip
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    return float(done.stdout.strip())


class LoginStack:
    """lockout and identity as subprocesses, accounts seeded, one RPC client per caller."""

    def __init__(self, env: BenchEnvironment, mode: Mode):
        self.env = env
        self.mode = mode
        self.identities: list[Any] = []
        self.accounts = seed_accounts({**env.config, **mode.argon2}, mode.concurrency * 4)
        self.lockout = env.launch(LOCKOUT)
        self.add_identity_worker()
        env.wait_ready("lockout", "new_captcha")

    def add_identity_worker(self) -> None:
        self.identities.append(self.env.launch("identity", **self.mode.argon2))
        self.env.wait_ready("identity", "check_password", "x")
        deadline = time.monotonic() + 60
        with kombu.Connection(self.env.config["AMQP_URI"]) as connection:
            channel = connection.default_channel
            # a passive declare counts the consumers now (the management API lags seconds)
            while channel.queue_declare("rpc-identity", passive=True).consumer_count < len(
                self.identities
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError("the new identity worker does not consume its RPC queue")
                time.sleep(0.1)

    def process_groups(self) -> dict[str, list[int]]:
        """The service processes by name, for the CPU accounting (none when in process)."""
        pids = {
            "identity": [h.pid for h in self.identities if hasattr(h, "pid")],
            "lockout": [self.lockout.pid] if hasattr(self.lockout, "pid") else [],
        }
        return {name: found for name, found in pids.items() if found}

    def login_calls(self) -> list[Callable[[], Any]]:
        per_client = len(self.accounts) // self.mode.concurrency
        calls = []
        for index in range(self.mode.concurrency):
            own = self.accounts[index * per_client : (index + 1) * per_client]
            calls.append(_login_loop(self.env.client(), own))
        return calls


def _login_loop(client: Any, identifiers: list[str]) -> Callable[[], Any]:
    turn = [0]

    def login() -> None:
        identifier = identifiers[turn[0] % len(identifiers)]
        turn[0] += 1
        result = client.identity.login(identifier, PASSWORD)
        if result["outcome"] != "ok":  # the bench measures successful logins only
            raise RuntimeError(f"login outcome {result['outcome']}")

    return login


def measure_logins(stack: LoginStack, workers: int) -> Figure:
    """Logins/s with ``workers`` identity processes vs raw verifies/s, interleaved repeats."""
    calls = stack.login_calls()
    meter = CpuMeter(stack.process_groups())
    logins, raw_all_cores = [], []
    with profile.profiled(f"rpc-{workers}-worker", stack.process_groups()):
        for _ in range(stack.mode.repeats):
            raw_all_cores.append(raw_verifies_per_second(stack.mode, threads=2))
            logins.append(throughput(calls, stack.mode.window_s, meter=meter))
    cpu = meter.medians()
    return throughput_figure(
        f"login_{workers}_worker{'s' if workers > 1 else ''}",
        f"logins over RPC, {workers} identity worker{'s' if workers > 1 else ''}",
        logins,
        "raw argon2id verifies, 2 threads",
        raw_all_cores,
        LOGIN_TARGET,
        concurrency=stack.mode.concurrency,
        argon2=stack.mode.argon2,
        cpu_ms_per_login=cpu,
        **cpu_budget(cpu, median(raw_all_cores)),
    )


def cpu_budget(cpu_ms_per_login: dict[str, float], raw_two_threads: float) -> dict[str, Any]:
    """What the CPU accounting says of the ratio: with both cores busy, a verify costs
    ``2000 / raw`` ms of CPU, and logins/s can reach at most ``cores / CPU per login``."""
    if not cpu_ms_per_login or not raw_two_threads:
        return {}
    cores = len(os.sched_getaffinity(0))
    argon2_ms = 1000 * cores / raw_two_threads
    return {
        "argon2_cpu_ms_per_verify": argon2_ms,
        "ratio_ceiling_from_cpu": argon2_ms / cpu_ms_per_login["total"],
        "ceiling_basis": "every core busy",
    }


def measure_logins_pinned(stack: LoginStack) -> Figure:
    """One identity worker alone on one core, against raw verifies (one thread) on that same
    core: what an identity core does, with lockout and the clients on the other cores.

    PostgreSQL and RabbitMQ are not pinned (they are the machine's): they may also run on
    identity's core, which only lowers the figure. Not pinned in process (smoke mode) or on a
    single core; the details say which.
    """
    mode = stack.mode
    pids = stack.process_groups()
    can = affinity.can_pin() and len(pids.get("identity", [])) == 1 and "lockout" in pids
    placement: dict[int, set[int]] = {}
    identity_cpus: set[int] | None = None
    if can:
        all_cores = affinity.cores()
        identity_cpus, others = {all_cores[-1]}, set(all_cores[:-1])
        placement = {pids["identity"][0]: identity_cpus, pids["lockout"][0]: others}
        placement[os.getpid()] = others
    calls = stack.login_calls()
    meter = CpuMeter(pids)
    logins, raw = [], []
    with affinity.pinned(placement):
        for _ in range(mode.repeats):
            raw.append(raw_verifies_per_second(mode, threads=1, cpus=identity_cpus))
            logins.append(throughput(calls, mode.window_s, meter=meter))
    cpu = meter.medians()
    budget: dict[str, Any] = {}
    if cpu.get("identity") and median(raw):
        argon2_ms = 1000 / median(raw)  # one thread alone on its core
        budget = {
            "argon2_cpu_ms_per_verify": argon2_ms,
            "ratio_ceiling_from_cpu": argon2_ms / cpu["identity"],
            "ceiling_basis": "identity's core busy",
        }
    return throughput_figure(
        "login_pinned",
        "logins over RPC, identity pinned to 1 core",
        logins,
        "raw argon2id verifies, 1 thread on that core",
        raw,
        LOGIN_TARGET,
        pinned=can,
        identity_cpus=sorted(identity_cpus or []),
        cpu_ms_per_login=cpu,
        **budget,
        concurrency=mode.concurrency,
        argon2=mode.argon2,
    )
