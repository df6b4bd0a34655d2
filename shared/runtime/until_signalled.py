"""Runs nameko services until SIGTERM or SIGINT, then stops them gracefully: the calls in flight
are answered, a second signal does not stop them twice. Every service process
(``shared.runtime.runner``) and the gateway's back-channel logout sender run this way."""

from __future__ import annotations

import logging
import signal
from typing import Any

import eventlet
from nameko.runners import ServiceRunner

log = logging.getLogger(__name__)


def run_until_signalled(config: dict[str, Any], service_classes: list[type], started: str) -> None:
    """Starts ``service_classes``, logs ``started``, and returns once a signal has stopped them."""
    runner = ServiceRunner(config)
    for cls in service_classes:
        runner.add_service(cls)

    stopping: list[bool] = []

    def shutdown(signum: int, frame: Any) -> None:
        if not stopping:  # a second signal must not stop the containers twice
            stopping.append(True)
            log.info("stopping (signal %s)", signum)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    log.info("%s", started)
    runner.wait()
