"""Dead letters: list them, replay them into their queue once the cause is mended.

    python -m shared.runtime.dead_letters list   [service ...]
    python -m shared.runtime.dead_letters replay [service ...]

A dead letter keeps its original body and headers, plus ``x-caf-error`` (the exception type)
and ``x-caf-queue`` (where it came from). Replaying republishes it to that queue with its attempt
count reset, with publisher confirms, and only then removes it from the dead-letter queue.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any

from amqp.exceptions import NotFound
from kombu import Connection, Producer, Queue

from . import broker_tls
from .consumer import ATTEMPT_HEADER, DEAD_LETTER_SUFFIX, IntegrationEventHandler


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    error: str
    attempts: int
    event_type: str | None


def consumer_queues(service_class: type) -> list[str]:
    """The queue names of a service's integration event handlers."""
    names = []
    for attr in dir(service_class):
        method = getattr(service_class, attr)
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, IntegrationEventHandler):
                names.append(
                    f"evt-{entrypoint.source_service}-{entrypoint.event_type}"
                    f"--{service_class.name}.{attr}"  # type: ignore[attr-defined]
                )
    return names


def _ssl(amqp_uri: str) -> dict[str, Any] | None:
    """amqps://: verified against AMQP_CA_FILE (shared/runtime/broker_tls.py)."""
    return broker_tls.ssl_options(amqp_uri, os.environ.get("AMQP_CA_FILE"))


def peek(amqp_uri: str, queue: str) -> list[DeadLetter]:
    """The dead letters of ``queue`` (left in place); none when its dead-letter queue does not
    exist yet (the consumer never ran on this broker)."""
    found = []
    with Connection(amqp_uri, ssl=_ssl(amqp_uri)) as connection:
        channel = connection.channel()
        dead = Queue(queue + DEAD_LETTER_SUFFIX, durable=True).bind(channel)
        try:
            dead.queue_declare(passive=True)
        except NotFound:
            return []  # the broker closed the channel
        try:
            while (message := dead.get(no_ack=False)) is not None:
                body: Any = message.decode()
                found.append(
                    DeadLetter(
                        queue=queue,
                        error=str(message.headers.get("x-caf-error", "")),
                        attempts=int(message.headers.get(ATTEMPT_HEADER, 0)),
                        event_type=body.get("event_type") if isinstance(body, dict) else None,
                    )
                )
        finally:
            channel.close()  # unacked messages go back to the queue
    return found


def replay(amqp_uri: str, queue: str) -> int:
    """Moves every dead letter of ``queue`` back into it; returns how many."""
    moved = 0
    with Connection(
        amqp_uri, transport_options={"confirm_publish": True}, ssl=_ssl(amqp_uri)
    ) as connection:
        channel = connection.channel()
        dead = Queue(queue + DEAD_LETTER_SUFFIX, durable=True).bind(channel)
        try:
            dead.queue_declare(passive=True)
        except NotFound:
            return 0
        producer = Producer(connection.default_channel)
        while (message := dead.get(no_ack=False)) is not None:
            headers = {k: v for k, v in message.headers.items() if not k.startswith("x-caf-")}
            producer.publish(
                message.body,
                exchange="",
                routing_key=queue,
                headers={**headers, ATTEMPT_HEADER: 0},
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
            )
            message.ack()
            moved += 1
        channel.close()
    return moved


def main(argv: list[str] | None = None) -> None:
    from shared import service_registry

    from .runner import resolve

    parser = argparse.ArgumentParser(description="List or replay dead-lettered events.")
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("services", nargs="*", default=service_registry.names())
    args = parser.parse_args(argv)
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    queues = [queue for name in args.services for queue in consumer_queues(resolve(name))]
    found = 0
    for queue in queues:
        if args.action == "list":
            for letter in peek(amqp_uri, queue):
                print(f"{queue}\t{letter.event_type}\t{letter.error}\t{letter.attempts}")
                found += 1
        else:
            moved = replay(amqp_uri, queue)
            if moved:
                print(f"{queue}\treplayed {moved}")
            found += moved
    if not found:
        print(f"none: no dead letter in the {len(queues)} queues of {', '.join(args.services)}")


if __name__ == "__main__":
    main()
