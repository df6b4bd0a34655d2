"""The event pipeline end to end: store -> relay -> RabbitMQ -> consumer, exactly-once effects."""

from __future__ import annotations

import pytest

from shared.runtime.dead_letters import consumer_queues, peek, replay
from shared.runtime.rpc import InvalidInput
from shared.testing import application_of, both_stores, wait_for
from shared.tests import example_services
from shared.tests.example_services import ExampleConsumerService, ExampleService

QUEUE = consumer_queues(ExampleConsumerService)[0]


def parcel_payload(parcel_id: str = "6d0ab0a6-5ad5-4c3e-9f5c-0c1cbcf0b0a1") -> dict:
    return {"parcel_id": parcel_id, "weight_g": 250}


@pytest.fixture(autouse=True)
def no_injected_failures():
    example_services.FAILURES["times"] = 0
    yield
    example_services.FAILURES["times"] = 0


@both_stores
def test_a_recorded_event_is_published_and_consumed_once(services, rpc):
    services.start(ExampleConsumerService)
    services.start(ExampleService)

    ids = [
        rpc.example.register({"label": f"colis {n}", "weight_g": 100 + n})["parcel_id"]
        for n in range(3)
    ]

    wait_for(lambda: len(rpc.example_consumer.receipts()) == 3)
    receipts = rpc.example_consumer.receipts()
    assert sorted(r["parcel_id"] for r in receipts) == sorted(ids)


@both_stores
def test_invalid_payload_gets_field_errors_in_french_and_stores_nothing(services, rpc):
    services.start(ExampleService)

    with pytest.raises(InvalidInput) as error:
        rpc.example.register({"label": "", "weight_g": "lourd", "colour": "red"})

    assert error.value.code == "invalid_input"
    assert set(error.value.fields) == {"label", "weight_g", "colour"}
    assert error.value.fields["weight_g"] == ["Nombre entier attendu."]
    assert error.value.fields["colour"] == ["Champ inconnu."]
    assert rpc.example.parcel_count() == 0


def test_the_same_event_delivered_twice_has_one_effect(services, rpc, publish_event):
    services.start(ExampleConsumerService)

    publish_event("ParcelRegistered", parcel_payload(), producer="example", position=7)
    publish_event("ParcelRegistered", parcel_payload(), producer="example", position=7)
    publish_event("ParcelRegistered", parcel_payload(), producer="example", position=8)

    wait_for(lambda: len(rpc.example_consumer.receipts()) == 2)
    app = application_of(services.containers[0])
    wait_for(lambda: app.vault is not None and _queue_is_drained(services, QUEUE))
    assert len(rpc.example_consumer.receipts()) == 2


def test_a_republished_log_has_no_second_effect(services, rpc):
    """The relay crashed after publishing but before recording its position: it publishes the
    same events again on restart; consumers must not act twice."""
    services.start(ExampleConsumerService)
    producer = services.start(ExampleService)
    for n in range(4):
        rpc.example.register({"label": f"colis {n}", "weight_g": 100})
    wait_for(lambda: len(rpc.example_consumer.receipts()) == 4)

    app = application_of(producer)
    app.sql.execute(f"DELETE FROM {app.sql.tracking_table} WHERE application_name = '__relay__'")
    services.restart(producer)

    wait_for(lambda: _queue_is_drained(services, QUEUE, min_delivered=8))
    assert len(rpc.example_consumer.receipts()) == 4


def test_a_raising_handler_is_retried_with_backoff_then_succeeds(services, rpc, publish_event):
    services.start(ExampleConsumerService)
    example_services.FAILURES["times"] = 2

    publish_event("ParcelRegistered", parcel_payload(), producer="example", position=1)

    wait_for(lambda: len(rpc.example_consumer.receipts()) == 1)
    assert example_services.FAILURES["times"] == 0


def test_a_handler_that_keeps_failing_is_dead_lettered_then_replayed(
    services, rpc, publish_event, amqp_vhost
):
    services.start(ExampleConsumerService)
    example_services.FAILURES["times"] = 1_000

    publish_event("ParcelRegistered", parcel_payload(), producer="example", position=1)

    letters = wait_for(lambda: peek(amqp_vhost.uri, QUEUE))
    assert [(d.event_type, d.error, d.attempts) for d in letters] == [
        ("ParcelRegistered", "RuntimeError", 2)
    ]
    assert rpc.example_consumer.receipts() == []

    example_services.FAILURES["times"] = 0  # the cause is mended
    assert replay(amqp_vhost.uri, QUEUE) == 1
    wait_for(lambda: len(rpc.example_consumer.receipts()) == 1)
    assert peek(amqp_vhost.uri, QUEUE) == []


def test_a_message_that_breaks_the_contract_goes_to_dead_letters(services, amqp_vhost):
    services.start(ExampleConsumerService)
    from kombu import Connection, Producer
    from nameko.standalone.events import get_event_exchange

    with Connection(amqp_vhost.uri) as connection:
        exchange = get_event_exchange("example", {})
        Producer(connection.default_channel).publish(
            {"event_type": "ParcelRegistered", "schema_version": 1, "payload": {}},
            exchange=exchange,
            routing_key="ParcelRegistered",
            serializer="json",
        )

    letters = wait_for(lambda: peek(amqp_vhost.uri, QUEUE))
    assert letters[0].error == "contract:ValidationError"


@both_stores
def test_personal_data_is_encrypted_at_rest_and_erasable(services, rpc):
    producer = services.start(ExampleService)
    parcel_id = rpc.example.register({"label": "Jeanne DUPONT", "weight_g": 100})["parcel_id"]
    app = application_of(producer)

    raw = app.sql.execute(f"SELECT state FROM {app.sql.events_table}")
    assert raw and all(b"DUPONT" not in bytes(row[0]) for row in raw)
    import uuid

    parcel = app.repository.get(uuid.UUID(parcel_id))
    assert parcel.label.value == "Jeanne DUPONT"

    app.vault.erase(parcel.label.subject_id)

    erased = app.repository.get(uuid.UUID(parcel_id))
    assert erased.label.erased and erased.label.value is None
    assert erased.weight_g == 100  # the history still replays


def test_the_correlation_id_of_the_request_travels_with_the_event(services, rpc, amqp_vhost):
    services.start(ExampleConsumerService)
    services.start(ExampleService)
    rpc.example.register({"label": "colis", "weight_g": 100})
    wait_for(lambda: rpc.example_consumer.receipts())

    consumer_app = application_of(services.containers[0])
    notification = consumer_app.recorder.select_notifications(start=1, limit=1)[0]
    stored = consumer_app.mapper.to_domain_event(notification)
    assert vars(stored)["_correlation_id"] == rpc._worker_ctx.context_data["correlation_id"]


def _queue_is_drained(services, queue: str, min_delivered: int = 0) -> bool:
    from shared.testing.infrastructure import Vhost

    vhost = Vhost.__new__(Vhost)
    vhost.name = services.config["AMQP_URI"].rsplit("/", 1)[1]
    vhost.auth = ("guest", "guest")
    info = vhost.queue(queue)
    if not info:
        return False
    stats = info.get("message_stats", {})
    delivered = stats.get("ack", 0)
    return info.get("messages", 1) == 0 and delivered >= min_delivered
