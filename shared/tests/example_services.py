"""A small producer and a small consumer, used to test the platform itself.

``example`` records parcels (a label that is personal data) and publishes ``ParcelRegistered``;
``example_consumer`` counts receipts, exactly once per event, and can be told to fail.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event
from marshmallow import Schema, fields, validate

from shared import events
from shared.events.envelope import IntegrationEvent, Payload
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.personal_data import PersonalData
from shared.runtime.rpc import load_or_reject
from shared.runtime.rpc_entrypoint import rpc


class ParcelRegisteredPayloadV1(Payload):
    parcel_id = fields.UUID(required=True)
    weight_g = fields.Integer(required=True)


@events.register
class ParcelRegisteredV1(IntegrationEvent):
    event_type_name = "ParcelRegistered"
    version = 1
    producer_name = "example"
    payload = fields.Nested(ParcelRegisteredPayloadV1, required=True)


class Parcel(Aggregate):
    @event("Registered")
    def __init__(self, label: PersonalData, weight_g: int):
        self.label = label
        self.weight_g = weight_g


class Receipt(Aggregate):
    @event("Received")
    def __init__(self, parcel_id: uuid.UUID, weight_g: int):
        self.parcel_id = parcel_id
        self.weight_g = weight_g


class ExampleApplication(ServiceApplication):
    name = "example"

    def register_parcel(self, label: str, weight_g: int) -> uuid.UUID:
        parcel_id = uuid.uuid4()
        parcel = Parcel(label=PersonalData(parcel_id, label), weight_g=weight_g)
        self.save(parcel)
        return parcel.id

    def parcels_recorded(self) -> int:
        """Parcels in the log (beside them: the requests' markers, request_outcomes.py)."""
        notifications = self.recorder.select_notifications(start=1, limit=100_000)
        return sum(n.topic.endswith("Parcel.Registered") for n in notifications)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        if isinstance(domain_event, Parcel.Registered):  # type: ignore[attr-defined]
            return "ParcelRegistered", {
                "parcel_id": str(domain_event.originator_id),
                "weight_g": domain_event.weight_g,  # type: ignore[attr-defined]
            }
        return None


class ReceiptsApplication(ServiceApplication):
    name = "example_consumer"

    def receive(self, envelope: events.Envelope) -> list[Receipt]:
        return [
            Receipt(parcel_id=envelope.payload["parcel_id"], weight_g=envelope.payload["weight_g"])
        ]

    def receipts(self) -> list[dict[str, Any]]:
        found = []
        for notification in self.recorder.select_notifications(start=1, limit=10_000):
            domain_event = self.mapper.to_domain_event(notification)
            if isinstance(domain_event, Receipt.Received):  # type: ignore[attr-defined]
                found.append({"parcel_id": str(domain_event.parcel_id)})  # type: ignore[attr-defined]
        return found


class ParcelForm(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=50))
    weight_g = fields.Integer(required=True, validate=validate.Range(min=1, max=30_000))


class ExampleService:
    name = "example"
    correlation = CorrelationContext()
    app: ExampleApplication = ApplicationDependency(ExampleApplication)  # type: ignore[assignment]

    @rpc
    def register(self, form: dict[str, Any]) -> dict[str, str]:
        data = load_or_reject(ParcelForm(), form)
        return {"parcel_id": str(self.app.register_parcel(data["label"], data["weight_g"]))}

    @rpc
    def parcel_count(self) -> int:
        # counted, not max id: a transaction killed mid-way leaves a gap in the sequence
        return self.app.parcels_recorded()


#: failures still to inject, by test: {"times": n} (the consumer raises n times then succeeds)
FAILURES: dict[str, int] = {"times": 0}


class ExampleConsumerService:
    name = "example_consumer"
    correlation = CorrelationContext()
    app: ReceiptsApplication = ApplicationDependency(ReceiptsApplication)  # type: ignore[assignment]

    @integration_event_handler("example", "ParcelRegistered")
    def on_parcel_registered(self, envelope: events.Envelope) -> None:
        if FAILURES["times"] > 0:
            FAILURES["times"] -= 1
            raise RuntimeError("injected failure")
        self.app.process(envelope, self.app.receive)

    @rpc
    def receipts(self) -> list[dict[str, Any]]:
        return self.app.receipts()
