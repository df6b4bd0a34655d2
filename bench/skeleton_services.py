"""The login floor's services: a login's messaging and commits without its work (bench/floor.py).

``bench_skeleton`` stands for identity and ``bench_gate`` for lockout, with no hash, no read and
no domain rule. Each runs in a process of its own, so the CPU of each is counted apart.

- ``login``: the login as built since issue #28. The skeleton calls ``bench_gate.reserve`` over
  RPC (one event recorded there, like ``reserve_attempt``), records its login carrying the
  reservation (its relay publishes ``BenchSkeletonLoggedIn``, as identity publishes
  ``LoginSucceeded``) and the gate settles the reservation from that event (one event and its
  tracking record, exactly once, as lockout settles from ``LoginSucceeded``).
- ``login_gate_in_process``: the gate's application runs inside the skeleton's process, on the
  gate's own store (its schema), as a library would: the reservation costs no round trip. The
  gate *service* still settles from the login event. SPEC §2 forbids this today (no service
  writes another's store); it is measured to price the option.
- ``login_no_gate``: no lockout at all, one event recorded and published
  (``BenchSkeletonRecorded``, consumed by no one): the least any login here pays.
- ``refusal``: a login refused before hashing (the rejection floor): a call to the gate that
  records nothing, then one event recorded here and published (``BenchSkeletonRecorded``: the
  rejection floor models no consumer).

:data:`HANDED_TO_GATE` and :data:`SETTLED_BY_GATE` count, in each process, the login events
the gate must consume and those it has: the floor waits for the second to reach the first
before closing a CPU window, so that the settlements a window caused are counted in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventlet.semaphore import Semaphore
from eventsourcing.domain import Aggregate, event
from marshmallow import fields
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from shared import events
from shared.events.envelope import IntegrationEvent
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.rpc import TimedRpcProxy
from shared.runtime.settings import ServiceSettings

from .tick_services import BenchTickedPayloadV1, Tick, TickApplication

#: what ``BenchEnvironment.launch`` takes to run each service in a process of its own
SKELETON_SERVICE = f"{__name__}:SkeletonService"
GATE_SERVICE = f"{__name__}:GateService"

#: login events recorded by this process's skeleton that the gate consumes
HANDED_TO_GATE = [0]
#: login events this process's gate has consumed (each once)
SETTLED_BY_GATE = [0]


class BenchSkeletonLoggedInPayloadV1(BenchTickedPayloadV1):
    #: the gate's reservation this login settles
    reservation_id = fields.String(required=True)


@events.register
class BenchSkeletonLoggedInV1(IntegrationEvent):
    event_type_name = "BenchSkeletonLoggedIn"
    version = 1
    producer_name = "bench_skeleton"
    payload = fields.Nested(BenchSkeletonLoggedInPayloadV1, required=True)


@events.register
class BenchSkeletonRecordedV1(IntegrationEvent):
    """A login with no gate, or a refusal: published, and no queue is bound to it."""

    event_type_name = "BenchSkeletonRecorded"
    version = 1
    producer_name = "bench_skeleton"
    payload = fields.Nested(BenchTickedPayloadV1, required=True)


class SkeletonLogin(Aggregate):
    @event("LoggedIn")
    def __init__(self, reservation_id: str | None, gated: bool):
        self.reservation_id = reservation_id
        self.gated = gated


class Settlement(Aggregate):
    @event("Settled")
    def __init__(self, reservation_id: str):
        self.reservation_id = reservation_id


class GateApplication(ServiceApplication):
    """Stands for lockout: a reservation and a settlement each record one event."""

    name = "bench_gate"

    def reserve(self) -> str:
        """``app.reserve()`` -> the reservation's id: one event, one transaction."""
        reservation = Tick(amount=0)
        self.save(reservation)
        return str(reservation.id)

    def settle_from_login(self, envelope: events.Envelope) -> list[Settlement]:
        """The settlement of the reservation a login event carries."""
        return [Settlement(reservation_id=envelope.payload["reservation_id"])]


class SkeletonApplication(TickApplication):
    """Stands for identity: one event per login or refusal, published."""

    name = "bench_skeleton"

    def log_in(self, reservation_id: str | None, gated: bool = True) -> str:
        """``app.log_in("…")`` -> the login's id: one event, one transaction."""
        login = SkeletonLogin(reservation_id=reservation_id, gated=gated)
        self.save(login)
        return str(login.id)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        if isinstance(domain_event, SkeletonLogin.LoggedIn):  # type: ignore[attr-defined]
            payload = {"tick_id": str(domain_event.originator_id), "amount": 1}
            if not domain_event.gated:
                return "BenchSkeletonRecorded", payload
            reservation = {"reservation_id": domain_event.reservation_id}
            return "BenchSkeletonLoggedIn", {**payload, **reservation}
        translated = super().integration_event(domain_event)  # a refusal's tick
        return ("BenchSkeletonRecorded", translated[1]) if translated else None


class GateLibrary(DependencyProvider):
    """The gate's application in the caller's process, on the gate's store (its own schema),
    as a library would run it. Built on first use, once the gate service has made its tables
    (two processes creating the same tables at once may collide); no relay: the gate's events
    publish nothing, and its service's relay reads that store already."""

    def setup(self) -> None:
        config = dict(self.container.config)
        self.settings = ServiceSettings.from_mapping(config, GateApplication.name)
        self.application: GateApplication | None = None
        self._building = Semaphore()

    def stop(self) -> None:
        if self.application is not None:
            self.application.close()

    def get_dependency(self, worker_ctx: Any) -> Callable[[], GateApplication]:
        return self._application

    def _application(self) -> GateApplication:
        with self._building:
            if self.application is None:
                self.application = GateApplication(self.settings)
        return self.application


class GateService:
    name = "bench_gate"
    correlation = CorrelationContext()
    app: GateApplication = ApplicationDependency(GateApplication)

    @rpc
    def reserve(self) -> dict[str, str]:
        """``reserve()`` -> ``{"reservation_id": …}``: one event recorded, like a reservation."""
        return {"reservation_id": self.app.reserve()}

    @rpc
    def refuse(self) -> dict[str, str]:
        """``refuse()`` -> ``{"decision": "frozen"}``: nothing recorded, like a refusal."""
        return {"decision": "frozen"}

    @rpc
    def settled(self) -> int:
        """``settled()`` -> how many login events this process has settled."""
        return SETTLED_BY_GATE[0]

    # As lockout settles a check (issue #28): settling twice is refused by the tracking
    # record's unique key, so the record is not looked up first.
    @integration_event_handler("bench_skeleton", "BenchSkeletonLoggedIn")
    def on_logged_in(self, envelope: events.Envelope) -> None:
        if self.app.process(envelope, self.app.settle_from_login, idempotent=True):
            SETTLED_BY_GATE[0] += 1


class SkeletonService:
    name = "bench_skeleton"
    correlation = CorrelationContext()
    app: SkeletonApplication = ApplicationDependency(SkeletonApplication)
    gate: Any = TimedRpcProxy("bench_gate")
    gate_in_process: Callable[[], GateApplication] = GateLibrary()

    @rpc
    def login(self) -> str:
        """``login()`` -> login id: a reservation over RPC, then the login recorded and
        published; the gate settles from it."""
        return self._logged_in(self.gate.reserve()["reservation_id"])

    @rpc
    def login_gate_in_process(self) -> str:
        """``login_gate_in_process()`` -> login id: the reservation recorded by the gate's
        application in this process, then as :meth:`login`."""
        return self._logged_in(self.gate_in_process().reserve())

    @rpc
    def login_no_gate(self) -> str:
        """``login_no_gate()`` -> login id: one event recorded and published, nothing else."""
        return self.app.log_in(reservation_id=None, gated=False)

    @rpc
    def refusal(self) -> str:
        """``refusal()`` -> event id: one call to ``bench_gate`` that records nothing, then one
        event recorded here, as a login refused before hashing does."""
        self.gate.refuse()
        return self.app.tick(1)

    @rpc
    def handed_to_gate(self) -> int:
        """``handed_to_gate()`` -> how many recorded events of this process the gate consumes."""
        return HANDED_TO_GATE[0]

    def _logged_in(self, reservation_id: str) -> str:
        login_id = self.app.log_in(reservation_id)
        HANDED_TO_GATE[0] += 1
        return login_id
