"""Rejections without hashing: latency of a frozen and of a captcha-missing login over RPC,
against a trivial RPC round trip (``bench.ping``) measured in the same repeats.

The identifiers are walked up the real ladder first (wrong passwords, captchas answered from the
3rd failure), so the measured calls take lockout's real ``frozen`` / ``captcha_required`` path.

The rejection floor is measured alongside: ``bench_skeleton.refusal`` makes a refusal's two RPC
round trips and its one commit with no work at all (bench/tick_services.py), so its p99 is the
lowest any refusal built on them can have here.
"""

from __future__ import annotations

from typing import Any

from .bench_lockout import CAPTCHA_ANSWER
from .environment import BenchEnvironment
from .figures import Figure, latency_figure, percentile
from .load import latencies_ms
from .modes import Mode

MAX_P99_MS = 10.0
WRONG_PASSWORD = "Mauvais2024Mdp"
FROZEN = "P92000001"
CAPTCHA_MISSING = "P92000002"


def walk_up_the_ladder(client: Any, identifier: str, outcome: str) -> None:
    """Fails logins for ``identifier`` until a login without captcha answers ``outcome``."""
    for _ in range(12):
        if client.identity.login(identifier, WRONG_PASSWORD)["outcome"] == outcome:
            return
        if outcome == "captcha_required":
            continue  # failures without captcha until it is asked for
        captcha = {"captcha_id": client.lockout.new_captcha()["captcha_id"],
                   "answer": CAPTCHA_ANSWER}  # fmt: skip
        client.identity.login(identifier, WRONG_PASSWORD, captcha=captcha)
    raise RuntimeError(f"{identifier} never reached {outcome}")


def measure_rejections(env: BenchEnvironment, mode: Mode) -> list[Figure]:
    client = env.client()
    walk_up_the_ladder(client, FROZEN, "frozen")
    walk_up_the_ladder(client, CAPTCHA_MISSING, "captcha_required")
    runs: dict[str, list[list[float]]] = {
        "frozen": [], "captcha_required": [], "ping": [], "floor": []
    }  # fmt: skip
    for _ in range(mode.repeats):
        runs["ping"].append(latencies_ms(client.bench.ping, mode.samples))
        runs["floor"].append(latencies_ms(client.bench_skeleton.refusal, mode.samples))
        for outcome, identifier in (("frozen", FROZEN), ("captcha_required", CAPTCHA_MISSING)):

            def rejected(identifier: str = identifier, outcome: str = outcome) -> None:
                answer = client.identity.login(identifier, WRONG_PASSWORD)
                if answer["outcome"] != outcome:
                    raise RuntimeError(f"expected {outcome}, got {answer['outcome']}")

            runs[outcome].append(latencies_ms(rejected, mode.samples))
    titles = {
        "frozen": "frozen login over RPC (no hash)",
        "captcha_required": "captcha_required login over RPC (no hash)",
        "floor": "rejection floor: 2 RPCs + 1 commit",
    }
    ping = runs["ping"]
    return [
        latency_figure(
            f"rejection_{name}",
            title,
            [percentile(run, 50) for run in runs[name]],
            [percentile(run, 99) for run in runs[name]],
            "trivial RPC round trip",
            [percentile(run, 50) for run in ping],
            [percentile(run, 99) for run in ping],
            MAX_P99_MS,
            samples_per_run=mode.samples,
        )
        for name, title in titles.items()
    ]
