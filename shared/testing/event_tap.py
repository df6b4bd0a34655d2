"""What a service's relay really publishes, seen from a queue of the test's own.

>>> tap = EventTap(service_config["AMQP_URI"], "identity")    # doctest: +SKIP
>>> [created] = tap.wait("AccountCreated")                     # payloads
>>> [message] = tap.wait_messages("AccountCreated")            # whole messages (position, …)
"""

from __future__ import annotations

import uuid
from typing import Any

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from . import wait_for


class EventTap:
    """A queue bound to ``<producer>.events``: every integration event that service publishes
    from now on (messages: ``event_type``, ``position``, ``payload``, …)."""

    def __init__(self, amqp_uri: str, producer: str) -> None:
        self.connection = Connection(amqp_uri)
        self.queue = Queue(
            f"tap-{producer}-" + uuid.uuid4().hex,
            exchange=get_event_exchange(producer, {}),
            routing_key="#",
            exclusive=True,
            auto_delete=True,
        )(self.connection.channel())
        self.queue.declare()
        self.seen: list[dict[str, Any]] = []

    def messages(self, event_type: str) -> list[dict[str, Any]]:
        """The whole messages of that type received so far."""
        while (message := self.queue.get(no_ack=True, accept=["json"])) is not None:
            self.seen.append(message.payload)
        return [m for m in self.seen if m["event_type"] == event_type]

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        """The payloads of that type received so far."""
        return [m["payload"] for m in self.messages(event_type)]

    def wait_messages(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """Every message of that type, once at least ``count`` were published."""

        def enough() -> list[dict[str, Any]]:
            found = self.messages(event_type)
            return found if len(found) >= count else []

        return wait_for(enough)

    def wait(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """Every payload of that type, once at least ``count`` were published."""
        return [m["payload"] for m in self.wait_messages(event_type, count)]

    def close(self) -> None:
        self.connection.release()
