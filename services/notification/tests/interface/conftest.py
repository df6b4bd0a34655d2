"""The notification service in a real container, on the test's broker and PostgreSQL, with its
channels pointed at the local SMTP server, SMS gateway and a temporary print spool."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange
from nameko.testing.services import entrypoint_hook
from notification.service import NotificationService

from shared.runtime.clock import FrozenClock
from shared.runtime.sealing import Sealer
from shared.testing import application_of

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class RunningNotification:
    """The started container, its application and clock, and a hand on the sending loop."""

    def __init__(self, services: Any, overrides: dict[str, Any]) -> None:
        self.services = services
        self.overrides = overrides
        self.clock = overrides["CLOCK"]
        self.container = services.start(NotificationService, **overrides)

    @property
    def app(self) -> Any:
        return application_of(self.container)

    def tick(self) -> int:
        """One run of the sending loop (what the timer does every interval)."""
        with entrypoint_hook(self.container, "send_due_deliveries") as send_due:
            return int(send_due())

    def restart(self, **overrides: Any) -> None:
        self.container = self.services.restart(self.container, **overrides)


@pytest.fixture
def notification(services, notification_config) -> RunningNotification:
    return RunningNotification(services, notification_config)


@pytest.fixture
def start_notification(services, notification_config) -> Callable[..., RunningNotification]:
    """``start_notification(CONSUMER_RETRY_DELAYS_S="1,1")``: the service with more overrides
    (for a test that does not use ``notification``)."""
    return lambda **extra: RunningNotification(services, {**notification_config, **extra})


@pytest.fixture
def notification_config(service_config, smtp_server, sms_gateway, tmp_path) -> dict[str, Any]:
    """The overrides the ``notification`` fixture starts with (a test may start its own)."""
    return {
        "CLOCK": FrozenClock(START),
        "DATABASE_POOL_SIZE": "2",  # lean: the machine's PostgreSQL is shared
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT_S": "5",
        "SMS_GATEWAY_URL": sms_gateway.url,
        "SMS_GATEWAY_TOKEN": "gw-token",
        "SMS_TIMEOUT_S": "5",
        "LETTER_SPOOL_DIR": str(tmp_path / "spool"),
        "DELIVERY_SEND_INTERVAL_S": "3600",  # the tests drive the loop themselves
        "DELIVERY_MAX_ATTEMPTS": "3",
        "DELIVERY_RETRY_FIRST_DELAY_S": "60",
    }


@pytest.fixture
def seal(service_config) -> Callable[[dict[str, Any]], str]:
    """Seals a payload to the notification service, as producers do."""
    return Sealer(json.loads(service_config["NOTIFICATION_SEAL_PUBLIC_JWK"])).seal


@pytest.fixture
def published_by_notification(service_config) -> Iterator[Callable[[str], Any]]:
    """``listen("DeliveryGivenUp")`` -> a queue collecting what notification's relay publishes."""
    connection = Connection(service_config["AMQP_URI"])
    queues: list[Any] = []

    def listen(event_type: str) -> Any:
        exchange = get_event_exchange("notification", {})
        queue = Queue(
            f"test-{event_type}-{uuid.uuid4().hex[:8]}",
            exchange=exchange,
            routing_key=event_type,
            auto_delete=True,
        )
        simple = connection.SimpleQueue(queue)
        queues.append(simple)
        return simple

    yield listen
    for simple in queues:
        simple.close()
    connection.release()
