"""Health probes and Prometheus metrics over HTTP, and the timing of every entrypoint.

Add one to each service class::

    class LockoutService:
        observability = Observability()

It serves, on ``HTTP_PORT`` (``LOCKOUT_HTTP_PORT`` for one service of a shared process; 0: off):

- ``GET /health/live``: 200 while the process's event loop answers (the probe itself is served
  by a green thread of that loop, so a blocked loop fails it);
- ``GET /health/ready``: 200 when broker, store and outbox relay are fine, else 503 with the
  failing check (see :mod:`shared.runtime.health`);
- ``GET /metrics``: the Prometheus text format (:mod:`shared.runtime.metrics`).

Every worker's duration goes into ``caf_entrypoint_duration_seconds`` and is logged at DEBUG
with the worker's correlation id (method name and outcome only, never arguments).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import eventlet
import eventlet.wsgi
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import metrics
from .health import HealthChecks
from .rpc import InvalidInput

log = logging.getLogger(__name__)

#: Pods are reached on their own address; in a shared process each service has its own port.
LISTEN_HOST = "0.0.0.0"  # noqa: S104

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Observability(DependencyProvider):
    """Times every entrypoint and serves /health/live, /health/ready and /metrics."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.port = 0
        self.checks: HealthChecks | None = None
        self._server: eventlet.greenthread.GreenThread | None = None
        self._socket: Any = None

    def setup(self) -> None:
        self.port = http_port(self.container.config, self.container.service_name)
        self.checks = HealthChecks(self.container)

    def start(self) -> None:
        if not self.port:
            return
        self._socket = eventlet.listen((LISTEN_HOST, self.port))
        self._server = self.container.spawn_managed_thread(self._serve, identifier="http-probes")
        log.info("%s serves health and metrics on port %d", self.container.service_name, self.port)

    def _serve(self) -> None:
        eventlet.wsgi.server(self._socket, self.wsgi, log_output=False, debug=False)

    def stop(self) -> None:
        # nameko stops dependencies once every worker has finished: the probes answered
        # during the drain; now the port is freed for the next container of this process.
        self._close()

    def kill(self) -> None:
        self.stop()

    def _close(self) -> None:
        if self._server is not None:
            self._server.kill()
            self._server = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    # --- timing --------------------------------------------------------------------------

    def worker_setup(self, worker_ctx: Any) -> None:
        self.started[id(worker_ctx)] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        began = self.started.pop(id(worker_ctx), None)
        if began is None:
            return
        elapsed = time.perf_counter() - began
        entrypoint = worker_ctx.entrypoint
        outcome = _outcome(exc_info)
        metrics.ENTRYPOINT_DURATION.labels(
            service=self.container.service_name,
            method=entrypoint.method_name,
            kind=_kind(entrypoint),
            outcome=outcome,
        ).observe(elapsed)
        log.debug(
            "%s.%s %s in %.1f ms",
            self.container.service_name,
            entrypoint.method_name,
            outcome,
            elapsed * 1000,
        )

    # --- HTTP ----------------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The probe and metrics application (also callable directly in tests)."""
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _reply(start_response, "405 Method Not Allowed", {"error": "GET only"})
        if path == "/health/live":
            return _reply(start_response, "200 OK", {"service": self.container.service_name})
        if path == "/health/ready":
            assert self.checks is not None
            readiness = self.checks.readiness()
            status = "200 OK" if readiness["ready"] else "503 Service Unavailable"
            return _reply(start_response, status, readiness)
        if path == "/metrics":
            assert self.checks is not None
            self.checks.refresh_gauges()
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest(metrics.REGISTRY)]
        return _reply(start_response, "404 Not Found", {"error": "unknown path"})


def http_port(config: dict[str, Any], service: str) -> int:
    """``<SERVICE>_HTTP_PORT``, else ``HTTP_PORT``, else 0 (as the settings read it)."""
    raw = config.get(f"{service.upper()}_HTTP_PORT") or config.get("HTTP_PORT") or 0
    return int(raw)


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]


def _outcome(exc_info: Any) -> str:
    if exc_info is None:
        return "ok"
    if isinstance(exc_info[1], InvalidInput):
        return "invalid_input"
    return "error"


def _kind(entrypoint: Any) -> str:
    if isinstance(entrypoint, Rpc):
        return "rpc"
    if isinstance(entrypoint, EventHandler):
        return "event"
    if isinstance(entrypoint, Timer):
        return "timer"
    return type(entrypoint).__name__.lower()
