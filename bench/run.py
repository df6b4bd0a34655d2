"""``python -m bench.run --mode smoke|quick|full``: every figure against its baseline, measured
in the same run; a table on stdout, the details in ``bench/results/latest.json``.
"""

from __future__ import annotations

import shared.runtime.bootstrap

# isort: split

import argparse
import logging
import time
from pathlib import Path

from . import environment, report
from .append import measure_appends
from .capacity import measure_capacity
from .enumeration import measure_enumeration
from .environment import BenchEnvironment
from .figures import Figure
from .floor import measure_floor
from .http_login import measure_http_logins
from .login import LoginStack, measure_logins, measure_logins_pinned, raw_verifies_per_second
from .modes import MODES
from .peer import against_peer, measure_peer
from .propagation import measure_propagation
from .rejections import measure_rejections
from .replay import measure_replay
from .skeleton_services import GATE_SERVICE, SKELETON_SERVICE
from .tick_services import TICK_SERVICE

DEFAULT_OUTPUT = environment.ROOT / "bench" / "results" / "latest.json"

GROUPS = (
    "login",
    "peer",
    "rejections",
    "enumeration",
    "append",
    "capacity",
    "propagation",
    "replay",
)


def run_all(mode_name: str, groups: tuple[str, ...] = GROUPS) -> list[Figure]:
    """Measures the figures of ``groups`` in one environment, in this order."""
    mode = MODES[mode_name]
    figures: list[Figure] = []
    with BenchEnvironment(in_process=mode.in_process) as env:
        if any(group in groups for group in ("login", "peer", "rejections", "enumeration")):
            figures.extend(_login_and_rejections(env, mode_name, groups))
        if "append" in groups:
            _step("appends")
            tick_service = env.launch(TICK_SERVICE)
            env.wait_ready("bench", "ping")
            figures.extend(measure_appends(env, MODES[mode_name]))
            env.halt(tick_service)
        if "capacity" in groups:
            _step("capacity of one store: 1 to 32 writers")
            figures.append(measure_capacity(env, mode))
        if "propagation" in groups:
            _step("propagation")
            figures.append(measure_propagation(env, mode))
        if "replay" in groups:
            _step(f"replay of {mode.replay_events:,} events")
            figures.append(measure_replay(env, mode))
    return figures


def _login_and_rejections(
    env: BenchEnvironment, mode_name: str, groups: tuple[str, ...]
) -> list[Figure]:
    mode = MODES[mode_name]
    figures = []
    _step("login stack: seeding accounts, starting lockout and identity")
    tick_service = env.launch(TICK_SERVICE)  # its ping is the trivial RPC baseline
    skeleton = env.launch(SKELETON_SERVICE)  # with the gate: the floors' skeleton login
    gate = env.launch(GATE_SERVICE)
    stack = LoginStack(env, mode)
    env.wait_ready("bench", "ping")
    env.wait_ready("bench_gate", "reserve")
    env.wait_ready("bench_skeleton", "refusal")
    ours = None
    if "login" in groups:
        _step("logins, 1 identity worker")
        ours = measure_logins(stack, workers=1)
        figures.append(ours)
        _step("login floor: a login's RPCs and commits without hashing")
        figures.append(measure_floor(env, mode, skeleton, gate))
        _step("logins, identity pinned to one core")
        figures.append(measure_logins_pinned(stack))
    if "peer" in groups:
        _step("the peer: Django + django-axes under gunicorn (venv, seeding, worker settings)")
        peer = measure_peer(
            mode, len(stack.accounts), lambda: raw_verifies_per_second(mode, threads=2)
        )
        figures.append(peer)
        if ours is not None:
            figures.append(
                against_peer(ours, peer, "pass_line_rpc", "pass line: our RPC login vs the peer")
            )
        if not mode.in_process:  # the gateway is a process of its own, services too
            _step("logins over HTTP through the gateway")
            http = measure_http_logins(stack)
            figures.append(http)
            figures.append(
                against_peer(http, peer, "pass_line_http", "pass line: our HTTP login vs the peer")
            )
    if "rejections" in groups:
        _step("rejections without hashing")
        figures.extend(measure_rejections(env, mode))
    if "enumeration" in groups:
        _step("enumeration by timing: unknown vs known identifiers, interleaved")
        figures.append(measure_enumeration(env, mode))
    if "login" in groups:
        _step("logins, 2 identity workers")
        stack.add_identity_worker()
        figures.append(measure_logins(stack, workers=2))
    for handle in [tick_service, skeleton, gate, stack.lockout, *stack.identities]:
        env.halt(handle)
    return figures


def _step(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--only", default=",".join(GROUPS), help=f"comma-separated, among {', '.join(GROUPS)}"
    )
    args = parser.parse_args(argv)
    groups = tuple(group for group in GROUPS if group in args.only.split(","))
    shared.runtime.bootstrap.check()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("amqp").setLevel(logging.ERROR)  # polling a service not yet started
    started = time.time()
    figures = run_all(args.mode, groups)
    report.write(args.output, report.document(args.mode, figures, started))
    print()
    print(report.table(figures))
    breakdown = report.cpu_breakdown(figures)
    if breakdown:
        print("\n" + breakdown)
    print(f"\n{args.mode} mode, {time.time() - started:.0f} s; details in {args.output}")


if __name__ == "__main__":
    main()
