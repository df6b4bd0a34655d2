"""Consuming integration events: parse with the shared schema, never drop a failing message.

``@integration_event_handler("identity", "AccountCreated")`` on a service method declares a
durable queue ``evt-identity-AccountCreated--<service>.<method>`` bound to ``identity.events``
and calls the method with an :class:`shared.events.Envelope`. nameko's own handler acks and
drops a message whose handler raises; this one instead:

- republishes it to ``<queue>.redelivery.<n>`` (a queue whose TTL is the n-th delay of
  ``CONSUMER_RETRY_DELAYS_S``; on expiry RabbitMQ routes it back to ``<queue>``), then acks;
- after the last delay, moves it to ``<queue>.dead-letter`` (visible; replay with
  ``python -m shared.runtime.dead_letters replay``);
- a message that breaks the contract (unknown type, invalid payload) goes straight to dead
  letters: retrying cannot mend it.

Retries and dead letters travel through the consuming service's own direct exchange
``<service>.redeliveries`` (routing key: the queue's name), never through the default exchange,
which the broker's permissions close to every user (docs/security.md).

Handlers make their effect exactly-once with ``app.process(envelope, handler)``.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu import Connection, Exchange, Producer, Queue
from marshmallow import ValidationError
from nameko.events import BROADCAST, SERVICE_POOL, EventHandler

from shared import events

from . import broker_tls, correlation, metrics

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-caf-attempt"
ERROR_HEADER = "x-caf-error"
DEAD_LETTER_SUFFIX = ".dead-letter"
REDELIVERY_EXCHANGE_TEMPLATE = "{}.redeliveries"

#: The queue type of every queue we declare: "classic" here; "quorum" on a cluster (prod).
QUEUE_TYPE_CONFIG_KEY = "QUEUE_TYPE"


def retry_delays(config: dict[str, Any]) -> tuple[float, ...]:
    raw = config.get("CONSUMER_RETRY_DELAYS_S", "1,5,30")
    if isinstance(raw, str):
        return tuple(float(part) for part in raw.split(",") if part.strip())
    return tuple(float(part) for part in raw)


class IntegrationEventHandler(EventHandler):
    def __init__(self, source_service: str, event_type: str, **kwargs: Any):
        super().__init__(
            source_service,
            event_type,
            handler_type=SERVICE_POOL,
            reliable_delivery=True,
            requeue_on_error=False,
            **kwargs,
        )

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        self.amqp_uri = config["AMQP_URI"]
        self.ssl = broker_tls.from_config(config)
        self.delays = retry_delays(config)
        queue_args = _queue_arguments(config)
        if queue_args:
            self.queue.queue_arguments = queue_args
        name = self.queue.name
        self.redeliveries = redelivery_exchange(self.container.service_name)
        self.dead_letter_queue = Queue(
            name + DEAD_LETTER_SUFFIX,
            exchange=self.redeliveries,
            routing_key=name + DEAD_LETTER_SUFFIX,
            durable=True,
            queue_arguments=queue_args or None,
        )
        self.retry_queues = [
            Queue(
                f"{name}.redelivery.{index}",
                exchange=self.redeliveries,
                routing_key=f"{name}.redelivery.{index}",
                durable=True,
                queue_arguments={
                    **queue_args,
                    "x-message-ttl": int(delay * 1000),
                    "x-dead-letter-exchange": self.redeliveries.name,
                    "x-dead-letter-routing-key": name,
                },
            )
            for index, delay in enumerate(self.delays, start=1)
        ]
        with Connection(self.amqp_uri, ssl=self.ssl) as connection:
            channel = connection.default_channel
            for queue in [self.dead_letter_queue, *self.retry_queues]:
                queue.bind(channel).declare()
            # An expired retry comes back to the consumer's queue through the same exchange.
            self.queue.bind(channel).declare()
            channel.queue_bind(queue=name, exchange=self.redeliveries.name, routing_key=name)

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            envelope = events.parse(body)
        except (ValidationError, events.UnknownEvent) as exc:
            log.error("contract violation on %s: %s", self.queue.name, type(exc).__name__)
            self._dead_letter(message, f"contract:{type(exc).__name__}")
            self._count("contract")
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(envelope, message)

    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        if exc_info is not None:
            attempt = int(message.headers.get(ATTEMPT_HEADER, 0)) + 1
            error = f"{exc_info[0].__name__}"
            if attempt <= len(self.delays):
                log.warning(
                    "handler %s failed (%s), retry %d in %ss",
                    self.method_name,
                    error,
                    attempt,
                    self.delays[attempt - 1],
                )
                self._republish(message, self.retry_queues[attempt - 1].name, attempt, error)
                self._count("retried")
            else:
                log.error("handler %s failed (%s), dead-lettered", self.method_name, error)
                self._dead_letter(message, error)
                self._count("dead_lettered")
        else:
            self._count("ok")
        self.queue_consumer.ack_message(message)

    def _count(self, result: str) -> None:
        metrics.EVENTS_HANDLED.labels(
            service=self.container.service_name, queue=self.queue.name, result=result
        ).inc()

    def _dead_letter(self, message: Any, error: str) -> None:
        attempt = int(message.headers.get(ATTEMPT_HEADER, 0))
        self._republish(message, self.dead_letter_queue.name, attempt, error)

    def _republish(self, message: Any, routing_key: str, attempt: int, error: str) -> None:
        headers = dict(message.headers)
        headers[ATTEMPT_HEADER] = attempt
        headers[ERROR_HEADER] = error
        headers["x-caf-queue"] = self.queue.name
        with Connection(
            self.amqp_uri, transport_options={"confirm_publish": True}, ssl=self.ssl
        ) as conn:
            Producer(conn.default_channel).publish(
                message.body,
                exchange=self.redeliveries.name,
                routing_key=routing_key,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
                retry=True,
            )


def redelivery_exchange(service_name: str) -> Exchange:
    """The direct exchange through which ``service_name``'s retries and dead letters travel."""
    return Exchange(REDELIVERY_EXCHANGE_TEMPLATE.format(service_name), type="direct", durable=True)


def _queue_arguments(config: dict[str, Any]) -> dict[str, Any]:
    queue_type = config.get(QUEUE_TYPE_CONFIG_KEY) or "classic"
    return {"x-queue-type": queue_type} if queue_type != "classic" else {}


integration_event_handler = IntegrationEventHandler.decorator


def correlation_from(worker_ctx: Any) -> str | None:
    value = worker_ctx.context_data.get(correlation.CONTEXT_KEY)
    return str(value) if value else None


class BroadcastEventHandler(EventHandler):
    """Every replica of the service gets every event (``@broadcast_event_handler("lockout",
    "AccountFrozen")``), for what each replica keeps in memory (identity's freeze cache).

    Its queue, ``evt-<source>-<type>--<service>.<method>-<uuid>``, is the replica's own:
    exclusive, gone with its connection (a classic queue whatever ``QUEUE_TYPE``: a quorum queue
    cannot be exclusive). What arrives while the replica is disconnected is not kept, so what
    such a handler feeds must be bounded in time by itself (the freeze cache's ``max_age``).
    No retries and no dead letters: a handler that raises is logged, the message dropped.
    """

    def __init__(self, source_service: str, event_type: str, **kwargs: Any):
        super().__init__(
            source_service,
            event_type,
            handler_type=BROADCAST,
            reliable_delivery=False,
            requeue_on_error=False,
            **kwargs,
        )

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            envelope = events.parse(body)
        except (ValidationError, events.UnknownEvent) as exc:
            log.error("contract violation on %s: %s", self.queue.name, type(exc).__name__)
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(envelope, message)

    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        if exc_info is not None:
            log.error("handler %s failed (%s): dropped", self.method_name, exc_info[0].__name__)
        self.queue_consumer.ack_message(message)


broadcast_event_handler = BroadcastEventHandler.decorator
