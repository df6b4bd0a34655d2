"""What a service's relay really publishes, seen from a queue of the test's own."""

from __future__ import annotations

import uuid
from typing import Any

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from shared.testing import wait_for


class EventTap:
    """A queue bound to ``<producer>.events``: every integration event that service publishes
    from now on (whole messages: ``event_type``, ``position``, ``payload``)."""

    def __init__(self, amqp_uri: str, producer: str) -> None:
        self.connection = Connection(amqp_uri)
        self.queue = Queue(
            "journeys-tap-" + uuid.uuid4().hex,
            exchange=get_event_exchange(producer, {}),
            routing_key="#",
            exclusive=True,
            auto_delete=True,
        )(self.connection.channel())
        self.queue.declare()
        self.seen: list[dict[str, Any]] = []

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        while (message := self.queue.get(no_ack=True, accept=["json"])) is not None:
            self.seen.append(message.payload)
        return [m for m in self.seen if m["event_type"] == event_type]

    def wait(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """The messages of that type, once at least ``count`` were published."""

        def enough() -> list[dict[str, Any]]:
            found = self.of_type(event_type)
            return found if len(found) >= count else []

        return wait_for(enough)

    def close(self) -> None:
        self.connection.release()
