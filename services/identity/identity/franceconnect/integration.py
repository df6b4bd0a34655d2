"""FranceConnect's domain events -> integration events (what the outbox relay publishes)."""

from __future__ import annotations

from typing import Any

MODULE = "identity.franceconnect.records"


def integration_event(domain_event: Any) -> tuple[str, dict[str, Any]] | None:
    """``FranceConnectLink.Linked`` -> ``("FranceConnectLinked", {"account_id": …})``; the
    other FranceConnect records publish nothing (the login itself is LoginSucceeded)."""
    event_class = type(domain_event)
    if event_class.__module__ != MODULE or event_class.__qualname__ != "FranceConnectLink.Linked":
        return None
    return "FranceConnectLinked", {"account_id": str(domain_event.account_id)}
