"""The console's Prometheus metrics, on ``GET /metrics`` for its PodMonitor (refused through a
proxy, as the portal's). Labels never hold an identifier: routes by endpoint, calls by method.

- ``caf_console_http_requests_total{endpoint, status_class}``
- ``caf_console_signins_total{outcome}``: ``ok``, ``acr`` (no multi-factor), ``no_role``,
  ``error``
- ``caf_console_rpc_duration_seconds{service, method, outcome}``: ``ok``, ``refused`` (the
  service refused the input), ``unauthorized`` (its agents' gate refused), ``timeout``,
  ``unavailable``, ``forbidden``, ``error``
- ``caf_console_provider_sessions_ended_total``: sessions ended by the provider (logout there)
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from connexion_client import CallRefused, InvalidInput, ServiceTimeout, ServiceUnavailable
from shared.runtime.metrics import REGISTRY

HTTP_REQUESTS = Counter(
    "caf_console_http_requests_total",
    "HTTP requests answered by the agents' console, by endpoint and status class",
    ["endpoint", "status_class"],
    registry=REGISTRY,
)
SIGNINS = Counter(
    "caf_console_signins_total",
    "Agents' sign-ins at the console, by outcome (ok, acr, no_role, error)",
    ["outcome"],
    registry=REGISTRY,
)
RPC_CALLS = Histogram(
    "caf_console_rpc_duration_seconds",
    "Back-office calls of the console, by service, method and outcome",
    ["service", "method", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
PROVIDER_SESSIONS_ENDED = Counter(
    "caf_console_provider_sessions_ended_total",
    "Console sessions ended because the agent's session at the provider had ended",
    registry=REGISTRY,
)


def rpc_outcome(error: BaseException) -> str:
    if isinstance(error, InvalidInput):
        return "unauthorized" if error.code == "agent_unauthorized" else "refused"
    for kind, outcome in (
        (ServiceTimeout, "timeout"),
        (ServiceUnavailable, "unavailable"),
        (CallRefused, "forbidden"),
    ):
        if isinstance(error, kind):
            return outcome
    return "error"


def install(app: Flask) -> None:
    @app.after_request
    def count(response: Response) -> Response:
        endpoint = request.endpoint or "unmatched"
        HTTP_REQUESTS.labels(endpoint, f"{response.status_code // 100}xx").inc()
        return response

    @app.get("/metrics")
    def exposition() -> Any:
        if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
            abort(404)
        return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
