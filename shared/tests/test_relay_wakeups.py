"""On PostgreSQL the relay is woken by the store's NOTIFY: an event committed by another
process is published at once, not at the relay's next poll."""

from __future__ import annotations

import threading
import time

from shared.runtime.relay import OutboxRelay
from shared.testing import application_of, wait_for
from shared.tests.example_services import ExampleConsumerService, ExampleService


def test_a_commit_by_another_process_wakes_the_relay(services, rpc, service_config):
    # given a service that does not relay, and a relay of the same store in another
    # application (what a second replica is), which would poll only every minute
    producer = services.start(ExampleService, RELAY_ENABLED="false")
    services.start(ExampleConsumerService)
    app = application_of(producer)
    other_replica = type(app)(app.settings)
    relay = OutboxRelay(other_replica, service_config["AMQP_URI"], poll_interval_s=60.0)
    relay.LISTENING_POLL_S = 60.0
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: relay.is_leader and relay._listening, timeout=10)
        time.sleep(0.2)  # its first wait has begun

        # when the producer records an event
        rpc.example.register({"label": "colis", "weight_g": 100})

        # then the relay publishes it within seconds, long before its next poll
        wait_for(lambda: len(rpc.example_consumer.receipts()) == 1, timeout=5)
        assert relay.published == 1
    finally:
        relay.stop()
        thread.join(timeout=5)
        other_replica.close()
