"""No enumeration by timing (SPEC §16): wrong-password logins of unknown identifiers against
known accounts, measured from outside, interleaved call by call.

Three series, one call of each per turn:
- ``unknown``: a fresh provisional identifier that has no account (first failure);
- ``known``: a fresh known account each call (its first failure), so history plays no part;
- ``long_history``: one account whose history already holds ``LONG_HISTORY`` failed logins
  (a success every other failure keeps its ladder open; those calls are not timed).

The figure is the largest gap between ``unknown`` and ``known`` at the median and at p90;
``long_history`` stays in the details (what the gap was when a known account's history grew).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from identity.application import IdentityApplication
from identity.settings import IdentitySettings

from .accounts import PASSWORD, seed_accounts
from .environment import BenchEnvironment
from .figures import Figure, median, percentile
from .modes import Mode

WRONG_PASSWORD = "Mauvais2024Mdp"
LONG_HISTORY = 400
MAX_GAP_MS = 2.0
FIRST_KNOWN = 93_000_000
FIRST_UNKNOWN = 94_000_000


def calls_per_series(mode: Mode) -> int:
    """At least 500 interleaved calls per series in full mode."""
    return {"smoke": 10, "quick": 150}.get(mode.name, 500)


def seed_long_history(config: dict[str, Any], identifier: str, failures: int) -> None:
    """Gives the account of ``identifier`` ``failures`` failed logins in its history."""
    from shared.identifiers import parse_identifier

    app = IdentityApplication(IdentitySettings.from_mapping(config, "identity"))
    account = app.store.account_for(parse_identifier(identifier))
    assert account is not None
    for _ in range(failures):
        account.record_failed_login(
            at=app.clock.now(),
            method="password",
            reason="invalid_credentials",
            source=app.store.personal(account.id, {"ip": "198.51.100.7", "user_agent": "bench"}),
            source_key=None,
        )
    app.save(account)
    app.close()


def measure_enumeration(env: BenchEnvironment, mode: Mode) -> Figure:
    count = calls_per_series(mode)
    config = {**env.config, **mode.argon2}
    known = seed_accounts(config, count + 1, first=FIRST_KNOWN)
    long_history = known.pop()
    seed_long_history(config, long_history, LONG_HISTORY)
    client = env.client()
    base = FIRST_UNKNOWN + uuid.uuid4().int % 5_000_000  # fresh unknowns on every run (8 digits)
    series: dict[str, list[float]] = {"unknown": [], "known": [], "long_history": []}

    def timed(name: str, identifier: str) -> None:
        start = time.perf_counter()
        answer = client.identity.login(identifier, WRONG_PASSWORD)
        series[name].append((time.perf_counter() - start) * 1000)
        if answer["outcome"] != "invalid_credentials":
            raise RuntimeError(f"{name}: outcome {answer['outcome']}")

    client.identity.login(known[0], PASSWORD)  # warm up (untimed)
    for turn in range(count):
        timed("unknown", f"P{base + turn:08d}")
        timed("known", known[turn])
        timed("long_history", long_history)
        if turn % 2 == 1:
            client.identity.login(long_history, PASSWORD)  # keeps its ladder open
    stats = {
        name: {"p50_ms": median(values), "p90_ms": percentile(values, 90), "calls": len(values)}
        for name, values in series.items()
    }
    gap = max(abs(stats["unknown"][key] - stats["known"][key]) for key in ("p50_ms", "p90_ms"))
    return Figure(
        key="enumeration_timing",
        title="wrong password: unknown vs known identifier, largest gap (p50, p90)",
        unit="ms",
        value=gap,
        baseline_title="known account, p50",
        baseline=stats["known"]["p50_ms"],
        ratio=gap / stats["known"]["p50_ms"] if stats["known"]["p50_ms"] else 0.0,
        target=f"gap ≤ {MAX_GAP_MS:g} ms",
        met=gap <= MAX_GAP_MS,
        higher_is_better=False,
        details={**stats, "interleaved_calls": 3 * count, "long_history_events": LONG_HISTORY},
    )
