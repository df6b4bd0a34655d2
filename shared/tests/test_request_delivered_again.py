"""A state-changing request delivered again does not act twice (request_outcomes.py).

The requests are published and consumed here as nameko's RPC does (exchange ``nameko-rpc``,
``reply_to`` and ``correlation_id``): the same request can then be delivered twice, and a
first delivery left unacknowledged comes back flagged ``redelivered`` by RabbitMQ.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

from shared.runtime.request_outcomes import Marker, Request, RequestOutcome
from shared.testing import application_of, wait_for
from shared.testing.logs import logged
from shared.tests.example_services import ExampleService

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)
PARCEL = {"label": "colis de test", "weight_g": 250}


class RawRpc:
    """Publishes requests with a chosen correlation id; collects the replies."""

    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri)
        self.channel = self.connection.channel()
        self.reply_key = "reply-" + uuid.uuid4().hex
        self.replies = Queue(
            self.reply_key,
            exchange=RPC_EXCHANGE,
            routing_key=self.reply_key,
            exclusive=True,
            auto_delete=True,
        )(self.channel)
        self.replies.declare()

    def send(self, method: str, request_id: str, *args: Any) -> None:
        Producer(self.channel).publish(
            {"args": list(args), "kwargs": {}},
            exchange=RPC_EXCHANGE,
            routing_key=f"example.{method}",
            reply_to=self.reply_key,
            correlation_id=request_id,
            serializer="json",
            declare=[RPC_EXCHANGE],
        )

    def reply(self) -> dict[str, Any]:
        message = wait_for(lambda: self.replies.get(no_ack=True, accept=["json"]), timeout=20)
        return dict(message.payload)

    def close(self) -> None:
        self.connection.release()


def parcels(container: Any) -> int:
    return int(application_of(container).parcels_recorded())


def test_a_request_delivered_twice_acts_once(services, service_config):
    example = services.start(ExampleService)
    raw = RawRpc(service_config["AMQP_URI"])
    try:
        raw.send("register", "request-1", PARCEL)
        assert raw.reply()["error"] is None

        raw.send("register", "request-1", PARCEL)  # the same request again
        again = raw.reply()

        assert again["error"]["exc_type"] == "InvalidInput"
        assert "request_already_processed" in again["error"]["value"]
        assert parcels(example) == 1
    finally:
        raw.close()


def test_a_redelivered_request_that_acted_is_answered_without_running(services, service_config):
    example = services.start(ExampleService)
    raw = RawRpc(service_config["AMQP_URI"])
    try:
        raw.send("register", "request-2", PARCEL)
        assert raw.reply()["error"] is None
        services.stop(example)
        # A consumer takes the same request and dies before acknowledging it.
        raw.send("register", "request-2", PARCEL)
        with Connection(service_config["AMQP_URI"]) as dying:
            queue = Queue("rpc-example", exchange=RPC_EXCHANGE)(dying.channel())
            taken = wait_for(lambda: queue.get(no_ack=False), timeout=10)
            assert taken.delivery_info["redelivered"] is False

        with logged("INFO", "shared.runtime.rpc_entrypoint") as logs:
            example = services.start(ExampleService)  # RabbitMQ delivers it again, flagged
            again = raw.reply()

        assert [line["message"] for line in logs()] == [
            "example.register: request delivered again, answered without acting twice"
        ]  # the method did not run again
        assert "request_already_processed" in again["error"]["value"]
        assert parcels(example) == 1
    finally:
        raw.close()


def test_a_marker_stored_as_an_event_before_issue_28_is_still_honoured(services, service_config):
    example = services.start(ExampleService)
    # a store written before issue #28: the request's marker is an event of its own
    application_of(example).save(
        RequestOutcome(service="example", action="register", request_id="request-old", answer=None)
    )
    services.stop(example)
    raw = RawRpc(service_config["AMQP_URI"])
    try:
        raw.send("register", "request-old", PARCEL)
        with Connection(service_config["AMQP_URI"]) as dying:
            queue = Queue("rpc-example", exchange=RPC_EXCHANGE)(dying.channel())
            wait_for(lambda: queue.get(no_ack=False), timeout=10)

        example = services.start(ExampleService)  # delivered again, flagged
        again = raw.reply()

        assert "request_already_processed" in again["error"]["value"]
        assert parcels(example) == 0
    finally:
        raw.close()


def test_a_marker_is_a_row_beside_the_log_written_with_the_request_s_events(
    services, service_config
):
    example = services.start(ExampleService)
    raw = RawRpc(service_config["AMQP_URI"])
    try:
        raw.send("register", "request-3", PARCEL)
        assert raw.reply()["error"] is None
    finally:
        raw.close()
    app = application_of(example)

    marker = app.recorded_outcome(Request("request-3", True), "register")

    assert marker == Marker("register", None)
    assert app.process_recorder.max_notification_id() == 1  # the parcel only, no marker event
    assert app.recorded_outcome(Request("request-4", True), "register") is None


def test_the_retention_job_deletes_markers_past_their_time(services, service_config):
    example = services.start(ExampleService)
    raw = RawRpc(service_config["AMQP_URI"])
    try:
        raw.send("register", "request-5", PARCEL)
        assert raw.reply()["error"] is None
    finally:
        raw.close()
    app = application_of(example)
    now = app.clock.now()

    assert app.expire_request_markers(now - timedelta(days=7)) == 0  # recorded just now
    assert app.expire_request_markers(now + timedelta(seconds=1)) == 1

    assert app.recorded_outcome(Request("request-5", True), "register") is None
