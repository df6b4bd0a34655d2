"""Minimal services on the real platform, for the append and propagation figures (the login
floor's are in bench/skeleton_services.py).

``bench`` records ticks (one event per command) and publishes ``BenchTicked`` through its outbox
relay; ``bench_consumer`` records a receipt per tick, exactly once (``app.process``). When both
run in the bench's own process, :data:`COMMITTED` and :data:`EFFECTS` hold when each tick was
committed and when its receipt was, on the same clock.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event
from marshmallow import fields
from nameko.rpc import rpc

from shared import events
from shared.events.envelope import IntegrationEvent, Payload
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext
from shared.runtime.eventstore import ServiceApplication

#: what ``BenchEnvironment.launch`` takes to run the service in a process of its own
TICK_SERVICE = f"{__name__}:TickService"

#: tick id -> time.perf_counter() when its save returned (filled by the propagation driver)
COMMITTED: dict[str, float] = {}
#: tick id -> time.perf_counter() when the consumer's receipt was committed
EFFECTS: dict[str, float] = {}


class BenchTickedPayloadV1(Payload):
    tick_id = fields.UUID(required=True)
    amount = fields.Integer(required=True)


@events.register
class BenchTickedV1(IntegrationEvent):
    event_type_name = "BenchTicked"
    version = 1
    producer_name = "bench"
    payload = fields.Nested(BenchTickedPayloadV1, required=True)


class Tick(Aggregate):
    @event("Ticked")
    def __init__(self, amount: int):
        self.amount = amount


class TickReceipt(Aggregate):
    @event("Received")
    def __init__(self, tick_id: uuid.UUID):
        self.tick_id = tick_id


class TickApplication(ServiceApplication):
    name = "bench"

    def tick(self, amount: int = 1) -> str:
        """``app.tick(3)`` -> the new tick's id: one event, one transaction."""
        tick = Tick(amount=amount)
        self.save(tick)
        return str(tick.id)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        if isinstance(domain_event, Tick.Ticked):  # type: ignore[attr-defined]
            return "BenchTicked", {
                "tick_id": str(domain_event.originator_id),
                "amount": domain_event.amount,
            }
        return None


class ReceiptApplication(ServiceApplication):
    name = "bench_consumer"

    def receive(self, envelope: events.Envelope) -> list[TickReceipt]:
        return [TickReceipt(tick_id=envelope.payload["tick_id"])]


class TickService:
    name = "bench"
    correlation = CorrelationContext()
    app: TickApplication = ApplicationDependency(TickApplication)

    @rpc
    def tick(self, amount: int) -> str:
        """``tick(1)`` -> tick id (the append figure's service command)."""
        if not isinstance(amount, int):
            raise TypeError("amount must be an integer")
        return self.app.tick(amount)

    @rpc
    def ping(self) -> str:
        """``ping()`` -> ``"pong"``: the trivial RPC round trip baselines compare to."""
        return "pong"


class ReceiptService:
    name = "bench_consumer"
    correlation = CorrelationContext()
    app: ReceiptApplication = ApplicationDependency(ReceiptApplication)

    @integration_event_handler("bench", "BenchTicked")
    def on_ticked(self, envelope: events.Envelope) -> None:
        self.app.process(envelope, self.app.receive)
        EFFECTS.setdefault(str(envelope.payload["tick_id"]), time.perf_counter())
