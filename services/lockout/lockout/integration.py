"""Domain events -> integration events (what the outbox relay publishes on lockout.events).

At most one integration event per domain event. The freeze alert itself is the notification
service's: AccountFrozen only carries the identifier's pseudonym.
"""

from __future__ import annotations

from typing import Any

from shared.runtime.integration_events import IntegrationEvents, Translated

from .domain import FailedLoginLadder, SourceActivity

TRANSLATIONS = IntegrationEvents()


def integration_event(domain_event: Any) -> Translated:
    """The (event type, payload) a stored lockout event publishes, if any."""
    return TRANSLATIONS.translate(domain_event)


@TRANSLATIONS.on(FailedLoginLadder.Frozen)  # type: ignore[attr-defined]
def _frozen(e: Any) -> Translated:
    return "AccountFrozen", {
        "identifier_key": e.identifier_key,
        "failures": e.failures,
        "frozen_until": e.until.isoformat(),
        "duration_s": e.duration_s,
    }


@TRANSLATIONS.on(FailedLoginLadder.AttemptSucceeded)  # type: ignore[attr-defined]
def _succeeded(e: Any) -> Translated:
    return _unfrozen(e, "login", None) if e.lifted_freeze else None


@TRANSLATIONS.on(FailedLoginLadder.Reset)  # type: ignore[attr-defined]
def _reset(e: Any) -> Translated:
    # A NIR assignment starts a ladder clean silently: nobody was told of that freeze.
    if not e.lifted_freeze or e.cause == "nir_assigned":
        return None
    return _unfrozen(e, e.cause, e.operator, getattr(e, "agency", None), getattr(e, "reason", None))


@TRANSLATIONS.on(SourceActivity.Throttled)  # type: ignore[attr-defined]
def _throttled(e: Any) -> Translated:
    return "SourceThrottled", {
        "source_key": e.source_key,
        "until": e.until.isoformat(),
        "distinct_identifiers": e.distinct_identifiers,
    }


def _unfrozen(
    e: Any,
    lifted_by: str,
    operator: str | None,
    agency: str | None = None,
    reason: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """``agency`` and ``reason`` (a code of AGENT_REASONS): an agent's lift, which identity
    shows in « Mon historique » (issue #35)."""
    payload: dict[str, Any] = {
        "identifier_key": e.identifier_key,
        "lifted_by": lifted_by,
        "operator": operator,
    }
    if agency is not None:  # absent before issue #35, and from lifts by no agent
        payload.update(agency=agency, reason=reason)
    return "AccountUnfrozen", payload
