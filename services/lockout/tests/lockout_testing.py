"""Helpers of the lockout tests (a module of its own: conftest.py is not importable by name
when several services' tests run together)."""

from __future__ import annotations

import uuid
from typing import Any

from kombu import Connection, Queue
from lockout.service import LockoutService
from nameko.standalone.events import get_event_exchange

from shared.identifiers import parse_identifier
from shared.runtime.clock import FrozenClock
from shared.runtime.pseudonyms import Pseudonymizer
from shared.testing import application_of, wait_for

#: The answer every captcha has in tests (injected, never sent over RPC).
CAPTCHA_ANSWER = "K7PZQ"


class EventTap:
    """Collects what the lockout relay publishes (a queue bound to ``lockout.events``)."""

    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri)
        self.channel = self.connection.channel()
        exchange = get_event_exchange("lockout", {})
        self.queue = Queue(
            "tap-" + uuid.uuid4().hex,
            exchange=exchange,
            routing_key="#",
            exclusive=True,
            auto_delete=True,
        )(self.channel)
        self.queue.declare()
        self.seen: list[dict[str, Any]] = []

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        while (message := self.queue.get(no_ack=True, accept=["json"])) is not None:
            self.seen.append(message.payload)
        return [m["payload"] for m in self.seen if m["event_type"] == event_type]

    def wait(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """The first ``count`` events of that type, once that many were published."""
        wait_for(lambda: len(self.of_type(event_type)) >= count)
        return self.of_type(event_type)[:count]

    def close(self) -> None:
        self.connection.release()


class Lockout:
    """The lockout service under test: started containers share the test's clock and answer."""

    def __init__(self, services: Any, clock: FrozenClock, keys: Pseudonymizer):
        self.services = services
        self.clock = clock
        self.keys = keys
        self.containers: list[Any] = []

    def start(self, **config: Any) -> Any:
        container = self.services.start(LockoutService, CLOCK=self.clock, **config)
        application_of(container).captcha_answers = lambda: CAPTCHA_ANSWER
        self.containers.append(container)
        return container

    def restart(self, container: Any) -> Any:
        restarted = self.services.restart(container)
        application_of(restarted).captcha_answers = lambda: CAPTCHA_ANSWER
        self.containers[self.containers.index(container)] = restarted
        return restarted

    def key_of(self, identifier: str) -> str:
        """identifier_key as identity computes it (contracts.md)."""
        return self.keys.of("identifier", parse_identifier(identifier).value)
