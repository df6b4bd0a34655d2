"""The gateway's Prometheus metrics: its HTTP requests by route family and the RPC calls it makes.

Served on ``GET /metrics`` (the Prometheus text format, with the process's own metrics of
:mod:`shared.runtime.metrics`), for the gateway's PodMonitor. A request that came through a
proxy (``X-Forwarded-For`` or ``Forwarded`` set, as the ingress controller always does) gets
404: the scraper reaches the pod directly, the public does not read the counters.

Labels never hold a path, an identifier or a query: a request is counted under its *route
family* (the blueprint that answered it: ``connexion``, ``account``, ``api``…; ``static`` for
files, ``unmatched`` when no route matched) and its status class (``2xx`` … ``5xx``); an RPC
call under its service, method and outcome (:func:`rpc_outcome`).

>>> install(app)                                                      # doctest: +SKIP
>>> with timed_rpc("identity", "login"): ...                          # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from connexion_client import CallRefused, InvalidInput, ServiceTimeout, ServiceUnavailable
from shared.runtime.metrics import REGISTRY

#: the latency SLI's threshold (docs/operations.md, "The portal's service level") is a bucket
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "caf_http_requests_total",
    "HTTP requests answered by the gateway, by route family, method and status class",
    ["family", "method", "status_class"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "caf_http_request_duration_seconds",
    "Time from the request's arrival to its answer, by route family and status class",
    ["family", "status_class"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
RPC_CALLS = Histogram(
    "caf_gateway_rpc_duration_seconds",
    "RPC calls the gateway makes to the services, by service, method and outcome"
    " (ok, refused, timeout, unavailable, forbidden, error)",
    ["service", "method", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

_PROXY_HEADERS = ("X-Forwarded-For", "Forwarded")
#: any other method (HTTP allows any token) is counted as "other": labels stay bounded
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def install(app: Flask) -> None:
    """Times every request of ``app`` and adds ``GET /metrics``."""
    app.before_request(_start)
    app.after_request(_count)
    app.add_url_rule("/metrics", "metrics", _exposition, methods=["GET"])


def route_family() -> str:
    """The family of the current request: its blueprint, ``static``, ``metrics`` or
    ``unmatched`` (never the raw path, whose values are unbounded)."""
    if request.url_rule is None:
        return "unmatched"
    if request.blueprint:
        return request.blueprint
    return request.endpoint or "unmatched"


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def rpc_outcome(error: BaseException | None) -> str:
    """``ok``; ``refused`` (the service refused the input: the person's, not a fault);
    ``timeout``; ``unavailable`` (broker or service); ``forbidden`` (the broker refused the
    caller); ``error`` (anything else)."""
    if error is None:
        return "ok"
    for kind, outcome in (
        (InvalidInput, "refused"),
        (ServiceTimeout, "timeout"),
        (ServiceUnavailable, "unavailable"),
        (CallRefused, "forbidden"),
    ):
        if isinstance(error, kind):
            return outcome
    return "error"


@contextmanager
def timed_rpc(service: str, method: str) -> Iterator[None]:
    """Counts one RPC call of the gateway under its outcome (the error still propagates)."""
    started = time.perf_counter()
    error: BaseException | None = None
    try:
        yield
    except Exception as exc:
        error = exc
        raise
    finally:
        RPC_CALLS.labels(service, method, rpc_outcome(error)).observe(time.perf_counter() - started)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is None:  # a request refused before our before_request ran
        return response
    family, status = route_family(), status_class(response.status_code)
    method = request.method if request.method in _METHODS else "other"
    HTTP_REQUESTS.labels(family, method, status).inc()
    HTTP_DURATION.labels(family, status).observe(time.perf_counter() - started)
    return response


def _exposition() -> Any:
    if any(header in request.headers for header in _PROXY_HEADERS):
        abort(404)
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
