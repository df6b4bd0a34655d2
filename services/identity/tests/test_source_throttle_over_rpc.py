"""Per-source throttling (SPEC §16, issue 17 item 6): exact under concurrency across identity
replicas, a captcha and never a block, IPv6 counted per /64, partners' ranges with their own limit.

Given one source failing against many identifiers, when they all try at once, then exactly the
configured number of passwords are checked and every other attempt is asked for a captcha.
"""

from __future__ import annotations

from typing import Any

import eventlet
from eventlet.event import Event
from identity.service import IdentityService

from .conftest import FAST_ARGON2, SMALL_POOL, Journeys

WRONG = "Mauvais2024Mdp"
STORM = 60
LIMIT = 20


def victims(count: int, first: int = 1) -> list[str]:
    return [f"P{n:08d}" for n in range(first, first + count)]


def storm(clients: list[Any], identifiers: list[str], ip: str) -> list[str]:
    """Every client fails once against its own identifier, all at the same moment."""
    outcomes: list[str] = []
    ready: list[int] = []
    go = Event()

    def wrong_login(client: Any, identifier: str) -> None:
        ready.append(1)
        if len(ready) == len(identifiers):
            go.send()
        go.wait()
        answer = client.identity.login(identifier, WRONG, source={"ip": ip})
        outcomes.append(answer["outcome"])

    pool = eventlet.GreenPool(len(identifiers))
    for client, identifier in zip(clients, identifiers, strict=True):
        pool.spawn(wrong_login, client, identifier)
    pool.waitall()
    return outcomes


def test_sixty_parallel_wrong_logins_from_one_source_check_exactly_the_limit(
    journeys: Journeys, services: Any, rpc_clients: Any
) -> None:
    # Enough workers that all sixty are in flight at once (nameko's default is 10 per replica).
    journeys.start(max_workers=STORM)
    services.start(
        IdentityService, CLOCK=journeys.clock, max_workers=STORM, **FAST_ARGON2, **SMALL_POOL
    )  # a second replica

    outcomes = storm(rpc_clients(STORM, timeout=120), victims(STORM), "203.0.113.7")

    assert outcomes.count("invalid_credentials") == LIMIT  # each one a password check
    assert outcomes.count("captcha_required") == STORM - LIMIT
    # never a block: with a captcha the same source goes on
    answer = journeys.login(victims(1, STORM + 1)[0], WRONG, source={"ip": "203.0.113.7"})
    assert answer["outcome"] == "captcha_required"
    answer = journeys.login(
        victims(1, STORM + 1)[0], WRONG, captcha=journeys.captcha(), source={"ip": "203.0.113.7"}
    )
    assert answer["outcome"] == "invalid_credentials"


def test_ipv6_sources_are_counted_per_64_and_partner_ranges_have_their_own_limit(
    journeys: Journeys, services: Any
) -> None:
    journeys.start(PARTNER_SOURCE_RANGES="192.0.2.0/24")
    lockout = journeys.lockout_container
    journeys.lockout_container = services.restart(
        lockout, LOCKOUT_SOURCE_MAX_IDENTIFIERS="3", LOCKOUT_SOURCE_PARTNER_MAX_IDENTIFIERS="5"
    )

    def outcomes(ips: list[str], first: int) -> list[str]:
        identifiers = victims(len(ips), first)
        return [
            journeys.login(identifier, WRONG, source={"ip": ip})["outcome"]
            for identifier, ip in zip(identifiers, ips, strict=True)
        ]

    # four addresses of one /64: one source, throttled after 3 identifiers
    same_64 = [f"2001:db8:1:2::{n}" for n in range(1, 5)]
    assert outcomes(same_64, 100) == ["invalid_credentials"] * 3 + ["captcha_required"]
    # the next /64 is another source
    assert outcomes(["2001:db8:1:3::1"], 200) == ["invalid_credentials"]
    # a partner's desk: 5 before the captcha
    desk = ["192.0.2.10"] * 6
    assert outcomes(desk, 300) == ["invalid_credentials"] * 5 + ["captcha_required"]
