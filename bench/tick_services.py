"""Minimal services on the real platform, for the append, propagation and login-floor figures.

``bench`` records ticks (one event per command) and publishes ``BenchTicked`` through its outbox
relay; ``bench_consumer`` records a receipt per tick, exactly once (``app.process``). When both
run in the bench's own process, :data:`COMMITTED` and :data:`EFFECTS` hold when each tick was
committed and when its receipt was, on the same clock.

``bench_skeleton.login`` has a login's messaging and commits without its work: like identity
calling lockout's ``reserve_attempt`` then ``report_attempt`` (each recorded by ``bench_gate``)
and recording the login, which its relay publishes (``BenchSkeletonLoggedIn``, as identity
publishes ``LoginSucceeded``), but with no hash, no read and no domain rule. What it costs is the
floor any login on this platform pays (bench/floor.py). ``bench_skeleton.refusal`` is the same
for a login refused before hashing: one call to ``bench_gate`` (nothing recorded there) and one
event recorded. Each runs in a process of its own, so the CPU of each is counted apart.
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
from shared.runtime.rpc import TimedRpcProxy

#: what ``BenchEnvironment.launch`` takes to run each service in a process of its own
TICK_SERVICE = f"{__name__}:TickService"
SKELETON_SERVICE = f"{__name__}:SkeletonService"
GATE_SERVICE = f"{__name__}:GateService"

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


@events.register
class BenchSkeletonLoggedInV1(IntegrationEvent):
    event_type_name = "BenchSkeletonLoggedIn"
    version = 1
    producer_name = "bench_skeleton"
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


class GateApplication(ServiceApplication):
    """Stands for lockout in the skeleton login: each call records one event."""

    name = "bench_gate"

    def mark(self) -> str:
        tick = Tick(amount=0)
        self.save(tick)
        return str(tick.id)


class GateService:
    name = "bench_gate"
    correlation = CorrelationContext()
    app: GateApplication = ApplicationDependency(GateApplication)

    @rpc
    def reserve(self) -> dict[str, str]:
        """``reserve()`` -> ``{"reservation_id": …}``: one event recorded, like a reservation."""
        return {"reservation_id": self.app.mark()}

    @rpc
    def report(self, reservation_id: str, succeeded: bool) -> dict[str, str]:
        """``report(id, True)`` -> ``{"settled": id}``: one event recorded, like a report."""
        self.app.mark()
        return {"settled": reservation_id, "succeeded": str(succeeded)}

    @rpc
    def refuse(self) -> dict[str, str]:
        """``refuse()`` -> ``{"decision": "frozen"}``: nothing recorded, like a refusal."""
        return {"decision": "frozen"}


class SkeletonApplication(TickApplication):
    """Stands for identity in the skeleton login: one event per login, published."""

    name = "bench_skeleton"

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        translated = super().integration_event(domain_event)
        return ("BenchSkeletonLoggedIn", translated[1]) if translated else None


class SkeletonService:
    name = "bench_skeleton"
    correlation = CorrelationContext()
    app: SkeletonApplication = ApplicationDependency(SkeletonApplication)
    gate: Any = TimedRpcProxy("bench_gate")

    @rpc
    def login(self) -> str:
        """``login()`` -> event id: two calls to ``bench_gate`` (each recorded), then one event
        recorded here and published, as a login does, without hashing."""
        reservation = self.gate.reserve()
        self.gate.report(reservation["reservation_id"], True)
        return self.app.tick(1)

    @rpc
    def refusal(self) -> str:
        """``refusal()`` -> event id: one call to ``bench_gate`` that records nothing, then one
        event recorded here, as a login refused before hashing does."""
        self.gate.refuse()
        return self.app.tick(1)


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
