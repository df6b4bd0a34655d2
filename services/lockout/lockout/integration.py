"""Domain events -> integration events (what the outbox relay publishes on lockout.events).

At most one integration event per domain event. The freeze alert itself is the notification
service's: AccountFrozen only carries the identifier's pseudonym.
"""

from __future__ import annotations

from typing import Any

from .domain import FailedLoginLadder, SourceActivity


def integration_event(domain_event: Any) -> tuple[str, dict[str, Any]] | None:
    """The (event type, payload) a stored lockout event publishes, if any."""
    if isinstance(domain_event, FailedLoginLadder.Frozen):  # type: ignore[attr-defined]
        return "AccountFrozen", {
            "identifier_key": domain_event.identifier_key,
            "failures": domain_event.failures,
            "frozen_until": domain_event.until.isoformat(),
            "duration_s": domain_event.duration_s,
        }
    if isinstance(domain_event, FailedLoginLadder.AttemptSucceeded):  # type: ignore[attr-defined]
        return _unfrozen(domain_event, "login", None) if domain_event.lifted_freeze else None
    if isinstance(domain_event, FailedLoginLadder.Reset):  # type: ignore[attr-defined]
        # A NIR assignment starts a ladder clean silently: nobody was told of that freeze.
        if not domain_event.lifted_freeze or domain_event.cause == "nir_assigned":
            return None
        return _unfrozen(domain_event, domain_event.cause, domain_event.operator)
    if isinstance(domain_event, SourceActivity.Throttled):  # type: ignore[attr-defined]
        return "SourceThrottled", {
            "source_key": domain_event.source_key,
            "until": domain_event.until.isoformat(),
            "distinct_identifiers": domain_event.distinct_identifiers,
        }
    return None


def _unfrozen(
    domain_event: Any, lifted_by: str, operator: str | None
) -> tuple[str, dict[str, Any]]:
    payload = {
        "identifier_key": domain_event.identifier_key,
        "lifted_by": lifted_by,
        "operator": operator,
    }
    return "AccountUnfrozen", payload
