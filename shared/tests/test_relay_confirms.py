"""The relay records a batch as published only once the broker has confirmed all of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from shared.runtime.confirms import UnconfirmedPublish
from shared.runtime.eventstore import RELAY_TRACKING_NAME
from shared.runtime.relay import OutboxRelay
from shared.testing import application_of, wait_for
from shared.tests.example_services import ExampleConsumerService, ExampleService


@pytest.fixture
def refusing_queue(amqp_vhost) -> Iterator[Queue]:
    """A full queue bound to every ``example`` event: the broker nacks whatever reaches it."""
    with Connection(amqp_vhost.uri) as connection:
        queue = Queue(
            "refuses-everything",
            exchange=get_event_exchange("example", {}),
            routing_key="#",
            queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"},
            channel=connection.default_channel,
        )
        queue.declare()
        yield queue


def test_a_refused_batch_is_not_recorded_and_is_published_again(
    services, rpc, service_config, refusing_queue
):
    producer = services.start(ExampleService, RELAY_ENABLED="false")
    for n in range(3):
        rpc.example.register({"label": f"colis {n}", "weight_g": 100})
    app = application_of(producer)
    relay = OutboxRelay(app, service_config["AMQP_URI"])

    with pytest.raises(UnconfirmedPublish):
        relay.publish_pending()

    assert app.process_recorder.max_tracking_id(RELAY_TRACKING_NAME) is None
    assert relay.published == 0

    refusing_queue.delete()
    services.start(ExampleConsumerService)  # its queue exists from now on: it sees the retry
    assert relay.publish_pending() == 3
    assert app.process_recorder.max_tracking_id(RELAY_TRACKING_NAME) == relay.position
    wait_for(lambda: len(rpc.example_consumer.receipts()) == 3)
