"""Domain events -> integration events (what the outbox relay publishes for support).

``DeliverySent`` when a channel took a message, ``DeliveryGivenUp`` when it never will. Both
name the account, kind, channel and attempts, never the address or the content.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Repository

from .domain import Delivery


def integration_event(
    repository: Repository[Any], domain_event: Any
) -> tuple[str, dict[str, Any]] | None:
    if not isinstance(domain_event, Delivery.Sent | Delivery.GivenUp):
        return None
    # The delivery as it was at this event (the relay may run long after it).
    delivery: Delivery = repository.get(
        domain_event.originator_id, version=domain_event.originator_version
    )
    payload: dict[str, Any] = {
        "delivery_id": str(delivery.id),
        "account_id": str(delivery.account_id) if delivery.account_id else None,
        "kind": delivery.kind,
        "channel": delivery.channel,
        "attempts": delivery.attempts,
    }
    if isinstance(domain_event, Delivery.Sent):
        return "DeliverySent", payload
    return "DeliveryGivenUp", {**payload, "error_code": domain_event.error_code}
