"""How long and how much each mode measures. ``smoke`` only proves the bench runs end to end."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    repeats: int  # every figure and its baseline are measured this many times, interleaved
    window_s: float  # length of one throughput measurement
    concurrency: int  # clients in flight for throughputs
    samples: int  # sequential calls per latency measurement
    propagation_s: float  # length of one steady-rate propagation measurement
    replay_events: int  # events stored before the replay figure
    argon2: dict[str, str]  # argon2id parameters of identity and of the raw baseline
    in_process: bool = False  # services as containers of the bench process (smoke only)


OWASP_ARGON2 = {"ARGON2_MEMORY_KIB": "19456", "ARGON2_TIME_COST": "2", "ARGON2_PARALLELISM": "1"}

MODES = {
    "smoke": Mode(
        name="smoke",
        repeats=1,
        window_s=0.3,
        concurrency=2,
        samples=5,
        propagation_s=0.3,
        replay_events=2_000,
        argon2={"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1", "ARGON2_PARALLELISM": "1"},
        in_process=True,
    ),
    "quick": Mode(
        name="quick",
        repeats=3,
        window_s=1.25,
        concurrency=8,
        samples=50,
        propagation_s=2.0,
        replay_events=50_000,
        argon2=OWASP_ARGON2,
    ),
    "full": Mode(
        name="full",
        repeats=5,
        window_s=10.0,
        concurrency=8,
        samples=400,
        propagation_s=15.0,
        replay_events=1_000_000,
        argon2=OWASP_ARGON2,
    ),
}
