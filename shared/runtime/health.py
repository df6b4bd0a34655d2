"""Readiness of one service container, and the state gauges scraped with ``/metrics``.

Ready means: the broker accepts a connection, the store answers, and the outbox relay is caught
up or catching up (a relay whose lag stays above zero without moving between two checks is
stuck: the pod stops receiving traffic until it moves again). A replica that does not lead the
relay is ready as far as the relay goes.

Whether anything publishes at all is *told*, not made a condition of readiness: when no replica
can lead (the store refuses the relay's connections), every replica would turn unready at once
and stall rollouts for a fault none of them can mend. The answer carries
``relay_leader_present`` and ``oldest_unpublished_age_s`` instead, every replica exports them as
gauges, and an alert watches them (deploy/k8s/components/monitoring/alerts.template.yaml).

>>> checks = HealthChecks(container)          # doctest: +SKIP
>>> checks.readiness()["ready"]               # doctest: +SKIP
True
"""

from __future__ import annotations

import logging
from typing import Any

from kombu import Connection

from . import broker_tls, metrics
from .consumer import DEAD_LETTER_SUFFIX, IntegrationEventHandler
from .dependencies import ApplicationDependency
from .relay import OutboxRelay

log = logging.getLogger(__name__)

BROKER_TIMEOUT_S = 3


class HealthChecks:
    def __init__(self, container: Any):
        self.container = container
        self.service = container.service_name
        self.amqp_uri = container.config["AMQP_URI"]
        self.ssl = broker_tls.from_config(container.config)
        self._last_relay: tuple[int | None, int] | None = None

    # --- what the container holds ---------------------------------------------------------

    def _application_dependency(self) -> ApplicationDependency | None:
        return next(
            (d for d in self.container.dependencies if isinstance(d, ApplicationDependency)),
            None,
        )

    def _relay(self) -> OutboxRelay | None:
        dependency = self._application_dependency()
        return dependency.relay if dependency is not None else None

    def consumer_queues(self) -> list[str]:
        handlers = [e for e in self.container.entrypoints if isinstance(e, IntegrationEventHandler)]
        return sorted({handler.queue.name for handler in handlers})

    # --- checks ----------------------------------------------------------------------------

    def readiness(self) -> dict[str, Any]:
        """Each check's result (``True`` or the reason it failed) and the overall answer."""
        checks = {"broker": self._broker(), "store": self._store(), "relay": self._relay_moving()}
        ready = all(value is True for value in checks.values())
        metrics.READY.labels(service=self.service).set(1 if ready else 0)
        return {"service": self.service, "ready": ready, "checks": checks, **self.publishing()}

    def publishing(self) -> dict[str, Any]:
        """``relay_leader_present`` and ``oldest_unpublished_age_s`` (None: unknown, or no
        relay in this process), also set as gauges."""
        relay = self._relay()
        if relay is None:
            return {"relay_leader_present": None, "oldest_unpublished_age_s": None}
        present = relay.leader_present()
        metrics.RELAY_LEADER_PRESENT.labels(service=self.service).set(1 if present else 0)
        try:
            age = round(relay.oldest_unpublished_age_s(), 3)
        except Exception:
            log.warning("oldest unpublished event of %s unknown", self.service, exc_info=True)
            return {"relay_leader_present": present, "oldest_unpublished_age_s": None}
        metrics.RELAY_OLDEST_UNPUBLISHED_AGE.labels(service=self.service).set(age)
        return {"relay_leader_present": present, "oldest_unpublished_age_s": age}

    def _broker(self) -> bool | str:
        try:
            with Connection(
                self.amqp_uri, connect_timeout=BROKER_TIMEOUT_S, ssl=self.ssl
            ) as connection:
                connection.ensure_connection(max_retries=1)
            return True
        except Exception as exc:
            return f"unreachable ({type(exc).__name__})"

    def _store(self) -> bool | str:
        dependency = self._application_dependency()
        if dependency is None or dependency.application is None:
            return True  # nothing to reach
        try:
            dependency.application.process_recorder.max_notification_id()
            return True
        except Exception as exc:
            return f"unreachable ({type(exc).__name__})"

    def _relay_moving(self) -> bool | str:
        relay = self._relay()
        if relay is None or not relay.is_leader:
            self._last_relay = None
            return True
        try:
            lag = relay.lag()
        except Exception as exc:
            return f"lag unknown ({type(exc).__name__})"
        previous, self._last_relay = self._last_relay, (relay.position, lag)
        if lag > 0 and previous is not None and previous[1] > 0 and previous[0] == relay.position:
            return f"stuck {lag} behind"
        return True

    # --- gauges ----------------------------------------------------------------------------

    def refresh_gauges(self) -> None:
        """Sets relay lag and publishing, queue depths and dead-letter counts of this service."""
        self.publishing()
        relay = self._relay()
        try:
            lag = relay.lag() if relay is not None and relay.is_leader else 0
            metrics.RELAY_LAG.labels(service=self.service).set(lag)
        except Exception:
            log.warning("relay lag of %s unknown", self.service, exc_info=True)
        queues = self.consumer_queues()
        if not queues:
            return
        try:
            with Connection(
                self.amqp_uri, connect_timeout=BROKER_TIMEOUT_S, ssl=self.ssl
            ) as connection:
                for queue in queues:
                    depth = _message_count(connection, queue)
                    if depth is not None:
                        metrics.QUEUE_DEPTH.labels(service=self.service, queue=queue).set(depth)
                    dead = _message_count(connection, queue + DEAD_LETTER_SUFFIX)
                    if dead is not None:
                        metrics.DEAD_LETTERS.labels(service=self.service, queue=queue).set(dead)
        except Exception:
            log.warning("queue depths of %s unknown", self.service, exc_info=True)


def _message_count(connection: Connection, queue: str) -> int | None:
    """A passive declare reads the depth without creating the queue; None if it is missing."""
    channel = connection.channel()
    try:
        return int(channel.queue_declare(queue=queue, passive=True).message_count)
    except Exception:  # a missing queue closes the channel: the next one opens its own
        return None
    finally:
        try:
            channel.close()
        except Exception:
            log.debug("channel already closed", exc_info=True)
