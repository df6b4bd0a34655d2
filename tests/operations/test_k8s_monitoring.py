"""Monitoring: every service and the gateway are scraped, every alert and panel reads metrics our
code exports or a named exporter publishes, every rule is scoped to its namespace and has its
runbook in docs/operations.md, and the dashboard shows what operators watch."""

from __future__ import annotations

import json
import re

import pytest
from test_k8s_manifests import K8S, OVERLAYS, of_kind, rendered

import console.metrics  # noqa: F401  (registers the agents' console's metrics)
import gateway.metrics  # noqa: F401  (registers the gateway's metrics)
from shared import service_registry
from shared.monitoring import alert_rules
from shared.runtime import metrics

ROOT = K8S.parents[1]
DASHBOARD = K8S / "components" / "monitoring" / "grafana" / "connexion-a-la-personne.json"
#: series Prometheus makes itself for every target
SYNTHETIC = {"up"}
#: what the exporters we rely on publish (docs/operations.md, "Metrics of the data tier"),
#: by the names the alerts and the dashboard read
EXPORTERS: dict[str, set[str]] = {
    "CloudNativePG (each instance's exporter, port 9187)": {
        "cnpg_collector_last_available_backup_timestamp",
        "cnpg_collector_last_failed_backup_timestamp",
        "cnpg_pg_stat_archiver_last_archived_time",
        "cnpg_pg_stat_archiver_last_failed_time",
        "cnpg_pg_stat_archiver_seconds_since_last_archival",
        "cnpg_pg_replication_lag",
        "cnpg_pg_replication_in_recovery",
    },
    "RabbitMQ (rabbitmq_prometheus, port 15692)": {
        "rabbitmq_alarms_memory_used_watermark",
        "rabbitmq_alarms_free_disk_space_watermark",
    },
    "kube-state-metrics": {
        "kube_job_status_failed",
        "kube_cronjob_status_last_successful_time",
    },
    "kubelet (volume stats)": {
        "kubelet_volume_stats_available_bytes",
        "kubelet_volume_stats_capacity_bytes",
    },
}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "rate", "irate", "increase", "delta", "absent",
    "histogram_quantile", "clamp_min", "clamp_max", "by", "without", "on", "ignoring",
    "group_left", "group_right", "and", "or", "unless", "offset", "bool", "topk", "bottomk",
    "time", "vector", "scalar", "abs", "max_over_time", "min_over_time", "avg_over_time",
    "predict_linear",
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


def rules(overlay: str = "prod") -> list[dict]:
    return [
        rule
        for document in of_kind(rendered(overlay), "PrometheusRule").values()
        for group in document["spec"]["groups"]
        for rule in group["rules"]
    ]


def alerts(overlay: str = "prod") -> list[dict]:
    return [rule for rule in rules(overlay) if "alert" in rule]


def recorded(overlay: str = "prod") -> set[str]:
    return {rule["record"] for rule in rules(overlay) if "record" in rule}


def published() -> set[str]:
    """Every series our code exports, a named exporter publishes or Prometheus makes."""
    return exported_series() | set().union(*EXPORTERS.values()) | SYNTHETIC


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
    assert set(watched) == {*service_registry.names(), "gateway", "backchannel", "console"}


def test_the_alerts_that_matter_are_there() -> None:
    expressions = " ".join(rule["expr"] for rule in alerts())
    for series in (
        "caf_relay_oldest_unpublished_age_seconds",  # events not published
        "caf_relay_leader_present",
        "caf_relay_lag_events",  # relay lag
        "caf_dead_letters_messages",
        'status=~"failed|given_up"',
        "caf_freezes_total",
        'kind="rpc",outcome="error"',
        "caf_ready",
    ):
        assert series in expressions, series


def test_every_rule_reads_series_our_code_or_a_named_exporter_publishes() -> None:
    known = published() | recorded()
    for rule in rules():
        unknown = series_named(rule["expr"]) - known
        name = rule.get("alert", rule.get("record"))
        assert not unknown, f"{name} reads {unknown}: no code of ours nor named exporter has it"


def test_every_alert_has_a_severity_and_its_runbook_section() -> None:
    runbooks = (ROOT / "docs" / "operations.md").read_text()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", runbooks, re.MULTILINE)
    }
    for rule in alerts():
        assert rule["labels"]["severity"] in ("critical", "warning")
        url = rule["annotations"]["runbook_url"]
        assert url.startswith(alert_rules.RUNBOOKS + "/operations.md#"), url
        anchor = url.rpartition("#")[2]
        assert anchor in anchors, f"{rule['alert']}: no section #{anchor} in docs/operations.md"
        assert "runbook" not in rule["annotations"], "runbook_url only"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rule_reads_only_its_own_namespace_and_keeps_it(overlay: str) -> None:
    """Each selector names the overlay's namespace and each aggregation keeps the label: dev
    and prod never merge, and one namespace's rule never fires for another's pods."""
    namespace = f'namespace="caf-{overlay}"'
    for rule in rules(overlay):
        expression = re.sub(
            r'"[^"]*"', lambda m: m.group(0).replace("{", "(").replace("}", ")"), rule["expr"]
        )
        for name in series_named(rule["expr"]):
            for selector in re.finditer(rf"\b{re.escape(name)}\b(\{{[^}}]*\}})?", expression):
                assert selector.group(1) and namespace in selector.group(1), (rule, name)
        for grouping in re.findall(r"\bby\s*\(([^)]*)\)", rule["expr"]):
            assert "namespace" in grouping, (rule.get("alert") or rule.get("record"), grouping)
        assert not re.search(r"\b(sum|max|min|avg|count)\s*\(", rule["expr"]), rule["expr"]


def test_each_overlays_rules_are_generated_from_the_template() -> None:
    generated = alert_rules.overlays()
    assert {path.parents[1].name for path in generated} == set(OVERLAYS)
    for path, namespace in generated.items():
        assert path.read_text() == alert_rules.render(namespace), f"{path}: run `make alerts`"


def test_queue_depths_are_the_deepest_replicas_never_a_sum_over_replicas() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [rule["expr"] for rule in rules()] + [
        target["expr"] for panel in dashboard["panels"] for target in panel["targets"]
    ]
    for expression in expressions:
        for gauge in ("caf_queue_depth_messages", "caf_dead_letters_messages"):
            if gauge in expression:
                assert re.search(rf"\bmax by \([^)]*\) \({gauge}\b", expression), expression


def test_the_portal_has_a_multi_window_burn_rate_alert_on_each_sli() -> None:
    by_name = {rule["alert"]: rule for rule in alerts()}
    for sli in ("errors", "slow"):
        name = {"errors": "CafPortalErrorBudgetBurn", "slow": "CafPortalLatencyBudgetBurn"}[sli]
        expression = by_name[name]["expr"]
        assert by_name[name]["labels"]["severity"] == "critical"
        for long, short, factor in (("1h", "5m", "14.4"), ("6h", "30m", "6")):
            assert re.search(
                rf"caf_http_request_{sli}:ratio_rate{long}\{{[^}}]*\}} > \({factor} \* [0-9.]+\)"
                rf"\s+and namespace:caf_http_request_{sli}:ratio_rate{short}\{{",
                expression,
            ), (name, long, short)
        assert f"namespace:caf_http_request_{sli}:ratio_rate{long}" in recorded()
    assert {"CafPortalErrorBudgetBurnSlow", "CafPortalLatencyBudgetBurnSlow"} <= set(by_name)


def test_the_data_tier_pages() -> None:
    expressions = {rule["alert"]: rule["expr"] for rule in alerts()}
    for alert, series in {
        "CafBackupTooOld": "cnpg_collector_last_available_backup_timestamp",
        "CafWalArchivingFailing": "cnpg_pg_stat_archiver_last_failed_time",
        "CafReplicationLag": "cnpg_pg_replication_lag",
        "CafVolumeFilling": "kubelet_volume_stats_available_bytes",
        "CafBrokerMemoryAlarm": "rabbitmq_alarms_memory_used_watermark",
        "CafBrokerDiskAlarm": "rabbitmq_alarms_free_disk_space_watermark",
        "CafJobFailed": "kube_job_status_failed",
        "CafCronJobNotSucceeding": "kube_cronjob_status_last_successful_time",
    }.items():
        assert series in expressions[alert], alert


def test_the_docs_name_every_exporter_metric_we_rely_on() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    for exporter, names in EXPORTERS.items():
        for name in names:
            assert f"`{name}`" in operations, (exporter, name)


def test_the_gateway_metrics_are_exported_and_documented() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    for name in (
        "caf_http_requests_total",
        "caf_http_request_duration_seconds",
        "caf_gateway_rpc_duration_seconds",
    ):
        assert name in {family.name for family in metrics.REGISTRY.collect()} | {
            f"{family.name}_total" for family in metrics.REGISTRY.collect()
        }
        assert f"`{name}`" in operations, name


def test_the_console_metrics_are_exported_and_documented() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    exported = exported_series()
    for name in (
        "caf_console_http_requests_total",
        "caf_console_signins_total",
        "caf_console_rpc_duration_seconds_count",
        "caf_console_provider_sessions_ended_total",
    ):
        assert name in exported, name
        assert f"`{name.removesuffix('_count')}`" in operations, name


def test_the_process_metrics_alerts_read_are_exported() -> None:
    assert {"process_open_fds", "process_max_fds", "process_resident_memory_bytes"} <= (
        exported_series()
    )


def test_the_dashboard_shows_logins_freezes_deliveries_relay_lag_and_rpc_latency() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    titles = " | ".join(panel["title"] for panel in dashboard["panels"]).lower()
    for topic in (
        "logins by outcome",
        "freezes",
        "deliveries",
        "relay lag",
        "rpc latency",
        "portal requests",
        "portal latency",
        "portal service level",
        "backups",
    ):
        assert topic in titles, topic
    known = published() | recorded()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            assert not series_named(target["expr"]) - known, (panel["title"], target["expr"])
            assert 'namespace="$namespace"' in target["expr"], panel["title"]
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
