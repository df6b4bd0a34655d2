"""THE INVARIANT: no more password checks for an identifier than the ladder allows, under any
concurrency and any number of replicas (spec §6).

Two lockout containers on one store; 50 green threads each do what identity does for a wrong
password: reserve -> (a "check": the password verification identity would now perform) ->
report failure. Every thread carries a valid captcha, so only the ladder itself limits them.
"""

from __future__ import annotations

import uuid
from typing import Any

import eventlet
from eventlet.event import Event
from lockout_testing import CAPTCHA_ANSWER, Lockout
from nameko.standalone.rpc import ClusterRpcProxy

from shared.runtime.clock import FrozenClock
from shared.testing import both_stores

NIR = "2 84 12 2A 123 456"
STORM = 50

#: The same interface tests on the embedded store and on PostgreSQL.
pytestmark = both_stores


def storm(config: dict[str, Any], key: str) -> list[str]:
    """Fires STORM simultaneous wrong logins; returns every decision lockout took."""
    decisions: list[str] = []
    ready: list[int] = []
    go = Event()

    def wrong_login() -> None:
        context = {"correlation_id": "storm-" + uuid.uuid4().hex}
        with ClusterRpcProxy(config, timeout=60, context_data=context) as rpc:
            captcha = rpc.lockout.new_captcha()
            ready.append(1)
            if len(ready) == STORM:
                go.send()
            go.wait()  # everybody asks at once
            answer = rpc.lockout.reserve_attempt(
                key, captcha_id=captcha["captcha_id"], captcha_answer=CAPTCHA_ANSWER
            )
            decisions.append(answer["decision"])
            if answer["decision"] == "check":
                rpc.lockout.report_attempt(answer["reservation_id"], False)

    pool = eventlet.GreenPool(STORM)
    for _ in range(STORM):
        pool.spawn(wrong_login)
    pool.waitall()
    assert len(decisions) == STORM
    return decisions


def test_fifty_simultaneous_wrong_logins_check_only_what_the_ladder_allows(
    lockout: Lockout, service_config: dict[str, Any], rpc: Any, clock: FrozenClock
) -> None:
    lockout.start()
    lockout.start()  # a second replica on the same store
    key = lockout.key_of(NIR)

    first = storm(service_config, key)
    assert first.count("check") == 5  # at most 5 before the first freeze
    assert set(first) == {"check", "frozen"}
    status = rpc.lockout.status(NIR)
    assert (status["state"], status["failures"], status["retry_after_s"]) == ("frozen", 5, 600)

    clock.advance(minutes=10)
    second = storm(service_config, key)
    assert second.count("check") == 1  # at most 1 per later freeze
    assert rpc.lockout.status(NIR)["retry_after_s"] == 1200
