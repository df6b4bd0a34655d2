"""The gateway's /metrics (docs/operations.md, "Metrics"): its requests by route family and
status class, their latency, and the RPC calls it makes by service, method and outcome; never a
raw path; not readable through the ingress. The answering identity is a stand-in that answers,
fails or is too slow; the broker is real."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import eventlet
import pytest
from nameko.rpc import rpc
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "operations"))

from api_harness import Api, gateway_settings

from connexion_client import ConnexionClient
from gateway.app import create_app


class StandInIdentity:
    """``check_password``: answers, fails with a bug, or answers too late."""

    name = "identity"

    @rpc
    def check_password(self, password: str) -> Any:
        if password == "Lentement2024":
            eventlet.sleep(2)
        elif password == "Panne2024":
            raise RuntimeError("a bug")
        return {"valid": True, "rules": []}


@pytest.fixture
def api(services: Any, service_config: dict[str, Any], tmp_path: Path) -> Api:
    services.start(StandInIdentity)
    client = ConnexionClient(service_config["AMQP_URI"], caller="portal", timeout=1.0)
    return Api(create_app(gateway_settings(tmp_path, service_config["AMQP_URI"]), client=client))


def samples(api: Api) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = api.http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


def delta(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def test_requests_are_counted_by_route_family_and_status_class(api: Api) -> None:
    before = samples(api)

    api.http.get("/health/live")
    api.http.get("/mon-compte/une-page-qui-n-existe-pas-12345")
    api.call("POST", "/passwords/check", {"password": "Bonjour2024Caf"})

    after = samples(api)
    counted = "caf_http_requests_total"
    assert delta(before, after, counted, family="health", method="GET", status_class="2xx") == 1
    assert delta(before, after, counted, family="unmatched", method="GET", status_class="4xx") == 1
    assert delta(before, after, counted, family="api", method="POST", status_class="2xx") >= 1
    latency = "caf_http_request_duration_seconds_count"
    assert delta(before, after, latency, family="health", status_class="2xx") == 1
    assert delta(before, after, latency, family="unmatched", status_class="4xx") == 1
    paths = [labels for (_, labels) in after if any("12345" in v for _, v in labels)]
    assert not paths, "a raw path reached a label"


def test_rpc_calls_are_counted_by_service_method_and_outcome(api: Api) -> None:
    before = samples(api)

    assert api.call("POST", "/passwords/check", {"password": "Bonjour2024Caf"}).status_code == 200
    assert api.call("POST", "/passwords/check", {"password": "Panne2024"}).status_code == 500
    assert api.call("POST", "/passwords/check", {"password": "Lentement2024"}).status_code == 503

    after = samples(api)
    calls = "caf_gateway_rpc_duration_seconds_count"
    labels = {"service": "identity", "method": "check_password"}
    assert delta(before, after, calls, **labels, outcome="ok") == 1
    assert delta(before, after, calls, **labels, outcome="error") == 1
    assert delta(before, after, calls, **labels, outcome="timeout") == 1
    assert delta(before, after, "caf_http_requests_total", family="api", method="POST",
                 status_class="5xx") == 2  # fmt: skip


def test_the_counters_are_not_served_through_the_ingress(api: Api) -> None:
    forwarded = api.http.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})

    assert forwarded.status_code == 404
    assert b"caf_http_requests_total" not in forwarded.data
