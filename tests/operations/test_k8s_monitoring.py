"""Monitoring: every service and the gateway are scraped, every alert reads metrics the services
export and has its runbook in docs/operations.md, and the dashboard shows what operators watch."""

from __future__ import annotations

import json
import re

import pytest
from test_k8s_manifests import K8S, OVERLAYS, of_kind, rendered

from shared import service_registry
from shared.runtime import metrics

ROOT = K8S.parents[1]
DASHBOARD = K8S / "base" / "grafana" / "connexion-a-la-personne.json"
#: series Prometheus makes itself for every target
SYNTHETIC = {"up"}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "rate", "irate", "increase", "delta", "absent",
    "histogram_quantile", "clamp_min", "clamp_max", "by", "without", "on", "ignoring",
    "group_left", "group_right", "and", "or", "unless", "offset", "bool", "topk", "bottomk",
    "time", "vector", "scalar", "abs", "max_over_time", "min_over_time", "avg_over_time",
}  # fmt: skip


def exported_series() -> set[str]:
    """Every series name the services' registry can export (counters end in _total, ...)."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("_count", "_sum", "_created"),
    }
    names = set()
    for family in metrics.REGISTRY.collect():
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return names


def series_named(expression: str) -> set[str]:
    """The series an expression reads: what is left once labels, ranges, grouping clauses,
    strings, numbers and PromQL's own words are taken out."""
    text = re.sub(r'"[^"]*"', "", expression)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text))
    return words - PROMQL_WORDS


def selects(selector: dict, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions In/NotIn/Exists) picks a pod."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        if operator == "Exists" and key not in labels:
            return False
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "NotIn" and labels.get(key) in expression["values"]:
            return False
    return True


def alerts(overlay: str = "prod") -> list[dict]:
    return [
        rule
        for document in of_kind(rendered(overlay), "PrometheusRule").values()
        for group in document["spec"]["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_the_expression_reader_finds_the_series_and_only_them() -> None:
    expression = (
        'sum by (service) (rate(caf_x_total{kind="rpc",outcome="error"}[5m]))'
        " / on (service) max(caf_y) > 0.2 unless up == 0"
    )
    assert series_named(expression) == {"caf_x_total", "caf_y", "up"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_and_the_gateway_are_scraped_on_their_http_port(overlay: str) -> None:
    documents = rendered(overlay)
    monitors = of_kind(documents, "PodMonitor")
    scraped = {*service_registry.names(), "gateway"}
    assert scraped <= set(monitors)
    deployments = of_kind(documents, "Deployment")
    for name in scraped:
        (endpoint,) = monitors[name]["spec"]["podMetricsEndpoints"]
        assert (endpoint["port"], endpoint["path"]) == ("http", "/metrics")
        selector = monitors[name]["spec"]["selector"]["matchLabels"]
        if name not in deployments:
            assert name == "gateway"  # its Deployment comes with the gateway itself
            continue
        pod = deployments[name]["spec"]["template"]
        assert selector.items() <= pod["metadata"]["labels"].items()
        ports = {p["name"]: p["containerPort"] for p in pod["spec"]["containers"][0]["ports"]}
        assert ports["http"] == 8080


def test_the_databases_and_every_target_down_are_watched() -> None:
    documents = rendered("prod")
    selector = of_kind(documents, "PodMonitor")["databases"]["spec"]["selector"]
    # database instances only: CloudNativePG's pooler pods are labelled podRole "pooler"
    assert selector["matchLabels"] == {"cnpg.io/podRole": "instance"}
    assert selector["matchExpressions"] == [{"key": "cnpg.io/cluster", "operator": "Exists"}]
    instance = {"cnpg.io/cluster": "identity-db", "cnpg.io/podRole": "instance"}
    pooler = {"cnpg.io/cluster": "identity-db", "cnpg.io/podRole": "pooler",
              "cnpg.io/poolerName": "identity-db-pooler-rw"}  # fmt: skip
    assert selects(selector, instance) and not selects(selector, pooler)
    (down,) = [rule for rule in alerts() if rule["alert"] == "CafTargetDown"]
    watched = re.search(r"\((.*)\)", down["expr"]).group(1).split("|")
    assert set(watched) == {*service_registry.names(), "gateway"}


def test_the_alerts_that_matter_are_there() -> None:
    expressions = " ".join(rule["expr"] for rule in alerts())
    for series in (
        "caf_relay_oldest_unpublished_age_seconds",  # events not published
        "caf_relay_leader_present",
        "caf_relay_lag_events",  # relay lag
        "caf_dead_letters_messages",
        'caf_deliveries_total{status=~"failed',
        "caf_freezes_total",
        'kind="rpc",outcome="error"',
        "caf_ready",
    ):
        assert series in expressions, series


def test_every_alert_reads_exported_metrics_and_has_a_runbook() -> None:
    exported = exported_series()
    runbooks = (ROOT / "docs" / "operations.md").read_text()
    for rule in alerts():
        unknown = series_named(rule["expr"]) - exported - SYNTHETIC
        assert not unknown, f"{rule['alert']} reads {unknown}, which no service exports"
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["runbook"] == f"docs/operations.md#{rule['alert'].lower()}"
        assert f"\n### {rule['alert']}\n" in runbooks, f"no runbook for {rule['alert']}"


def test_the_process_metrics_alerts_read_are_exported() -> None:
    assert {"process_open_fds", "process_max_fds", "process_resident_memory_bytes"} <= (
        exported_series()
    )


def test_the_dashboard_shows_logins_freezes_deliveries_relay_lag_and_rpc_latency() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    titles = " | ".join(panel["title"] for panel in dashboard["panels"]).lower()
    for topic in ("logins by outcome", "freezes", "deliveries", "relay lag", "rpc latency"):
        assert topic in titles, topic
    exported = exported_series()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            assert not series_named(target["expr"]) - exported, (panel["title"], target["expr"])
    shipped = of_kind(rendered("prod"), "ConfigMap")["grafana-dashboard-connexion"]
    assert shipped["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(shipped["data"][DASHBOARD.name]) == dashboard


def test_an_alert_on_a_metric_nobody_exports_is_caught() -> None:
    assert series_named("rate(caf_logins_totl[5m]) > 1") - exported_series() == {"caf_logins_totl"}


def test_monitoring_reaches_the_metrics_port_of_every_service() -> None:
    policies = of_kind(rendered("prod"), "NetworkPolicy")
    for name in service_registry.names():
        (ingress,) = policies[name]["spec"]["ingress"]
        namespaces = [peer["namespaceSelector"]["matchLabels"] for peer in ingress["from"]]
        assert {"kubernetes.io/metadata.name": "monitoring"} in namespaces
