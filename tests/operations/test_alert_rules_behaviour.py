"""The alert rules as Prometheus evaluates them: promtool (scripts/promtool.sh) checks the
rendered rules and runs them over made-up series. Production's rules page for production's
pods only, never for dev's nor another team's; queue depths are the deepest replica's view, not
a sum; the portal's burn-rate alert pages on a lasting burn and stops when it stops; the data
tier (backups, WAL archiving, broker alarms, failed Jobs) pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_k8s_manifests import K8S, of_kind, rendered

PROMTOOL_INSTALLED = K8S.parents[1] / "var" / "promtool" / "usr" / "bin" / "promtool"


def promtool() -> str:
    found = shutil.which("promtool") or (
        str(PROMTOOL_INSTALLED) if PROMTOOL_INSTALLED.exists() else None
    )
    if found is None:
        pytest.fail("promtool is missing: run `bash scripts/promtool.sh` (CI's infra-up does)")
    return found


def rule_groups(overlay: str, annotations: bool = True) -> list[dict[str, Any]]:
    (rule,) = of_kind(rendered(overlay), "PrometheusRule").values()
    groups = rule["spec"]["groups"]
    if not annotations:  # promtool compares annotations too; these tests check labels
        for group in groups:
            for item in group["rules"]:
                item.pop("annotations", None)
    return groups


def run(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *arguments], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )


def test_the_rules_of_every_overlay_are_valid_promql_and_templates(tmp_path: Path) -> None:
    for overlay in ("dev", "prod"):
        path = tmp_path / f"{overlay}.yaml"
        path.write_text(yaml.safe_dump({"groups": rule_groups(overlay)}))
        result = run(tmp_path, "check", "rules", path.name)
        assert result.returncode == 0, result.stdout + result.stderr


def series(name: str, values: str, **labels: str) -> dict[str, str]:
    text = ",".join(f'{key}="{value}"' for key, value in labels.items())
    return {"series": f"{name}{{{text}}}", "values": values}


PROD = {"namespace": "caf-prod"}
DEV = {"namespace": "caf-dev"}


def alert(name: str, at: str, *expected: dict[str, str]) -> dict[str, Any]:
    return {
        "eval_time": at,
        "alertname": name,
        "exp_alerts": [{"exp_labels": labels} for labels in expected],
    }


CASES: list[dict[str, Any]] = [
    {  # only our pods, only production's
        "interval": "1m",
        "input_series": [
            series("process_open_fds", "900x30", **PROD, job="caf-prod/gateway", pod="gateway-1"),
            series("process_max_fds", "1000x30", **PROD, job="caf-prod/gateway", pod="gateway-1"),
            series("process_open_fds", "900x30", namespace="kube-system",
                   job="kube-system/coredns", pod="coredns-1"),
            series("process_max_fds", "1000x30", namespace="kube-system",
                   job="kube-system/coredns", pod="coredns-1"),
            series("process_open_fds", "900x30", **DEV, job="caf-dev/gateway", pod="gateway-9"),
            series("process_max_fds", "1000x30", **DEV, job="caf-dev/gateway", pod="gateway-9"),
        ],
        "alert_rule_test": [
            alert("CafOpenFilesNearLimit", "15m",
                  {"severity": "warning", **PROD, "pod": "gateway-1"}),
        ],
    },
    {  # a queue's depth is the deepest replica's view: three replicas of 600 are not 1800
        "interval": "1m",
        "input_series": [
            *(series("caf_queue_depth_messages", "600x20", **PROD, service="lockout",
                     queue="lockout.events", pod=f"lockout-{i}") for i in range(3)),
            series("caf_queue_depth_messages", "1500x20", **PROD, service="notification",
                   queue="notification.events", pod="notification-1"),
            series("caf_queue_depth_messages", "5000x20", **DEV, service="lockout",
                   queue="lockout.events", pod="lockout-9"),
        ],
        "alert_rule_test": [
            alert("CafConsumerBacklog", "15m", {"severity": "warning", **PROD,
                  "service": "notification", "queue": "notification.events"}),
        ],
    },
    {  # the portal's fast burn: 10 % server errors for 70 minutes pages ...
        "interval": "1m",
        "input_series": [
            series("caf_http_requests_total", "0+90x70", **PROD, family="connexion",
                   method="POST", status_class="2xx"),
            series("caf_http_requests_total", "0+10x70", **PROD, family="connexion",
                   method="POST", status_class="5xx"),
            series("caf_http_requests_total", "0+100x70", **PROD, family="health",
                   method="GET", status_class="2xx"),  # probes do not dilute the errors
            series("caf_http_requests_total", "0+50x70", **DEV, family="connexion",
                   method="POST", status_class="5xx"),  # dev's errors are dev's
        ],
        "alert_rule_test": [
            alert("CafPortalErrorBudgetBurn", "65m", {"severity": "critical", **PROD}),
        ],
    },
    {  # ... and once it stops, the short windows (5 and 30 minutes) end the page
        "interval": "1m",
        "input_series": [
            series("caf_http_requests_total", "0+90x30 2700+100x60", **PROD, family="connexion",
                   method="POST", status_class="2xx"),
            series("caf_http_requests_total", "0+10x30 300+0x60", **PROD, family="connexion",
                   method="POST", status_class="5xx"),
        ],
        "alert_rule_test": [
            alert("CafPortalErrorBudgetBurn", "25m", {"severity": "critical", **PROD}),
            alert("CafPortalErrorBudgetBurn", "65m"),
        ],
    },
    {  # backups and WAL archiving, per store
        "interval": "5m",
        "input_series": [
            # identity-db's last base backup: at the start (never again); lockout-db's: always
            # within the last five minutes
            series("cnpg_collector_last_available_backup_timestamp", "1x400", **PROD,
                   cluster="identity-db", pod="identity-db-1"),
            series("cnpg_collector_last_available_backup_timestamp", "0+300x400", **PROD,
                   cluster="lockout-db", pod="lockout-db-1"),
            series("cnpg_collector_last_available_backup_timestamp", "0x400", **DEV,
                   cluster="identity-db", pod="identity-db-1"),  # no backups in dev
            series("cnpg_pg_stat_archiver_last_failed_time", "0x62 20000+300x30", **PROD,
                   cluster="delegation-db", pod="delegation-db-1"),
            series("cnpg_pg_stat_archiver_last_archived_time", "0+300x62 18600x30", **PROD,
                   cluster="delegation-db", pod="delegation-db-1"),
        ],
        "alert_rule_test": [
            alert("CafBackupTooOld", "28h", {"severity": "critical", **PROD,
                                             "cluster": "identity-db"}),
            alert("CafWalArchivingFailing", "4h"),  # archiving works until 5h15 ...
            alert("CafWalArchivingFailing", "6h", {"severity": "critical", **PROD,
                                                   "cluster": "delegation-db",
                                                   "pod": "delegation-db-1"}),
        ],
    },
    {  # an agent refused a look-up over the daily limit warns at once; dev's does not
        "interval": "1m",
        "input_series": [
            series("caf_agent_lookups_total", "0x5 1x10", **PROD, service="identity",
                   outcome="limit_reached", pod="identity-1"),
            series("caf_agent_lookups_total", "0+5x15", **PROD, service="identity",
                   outcome="found", pod="identity-1"),
            series("caf_agent_lookups_total", "0x5 3x10", **DEV, service="identity",
                   outcome="limit_reached", pod="identity-9"),
        ],
        "alert_rule_test": [
            alert("CafAgentLookupLimitReached", "4m"),
            alert("CafAgentLookupLimitReached", "10m", {"severity": "warning", **PROD,
                                                        "service": "identity"}),
        ],
    },
    {  # the broker's alarms, failed Jobs and a retention CronJob that stopped succeeding
        "interval": "1m",
        "input_series": [
            series("rabbitmq_alarms_memory_used_watermark", "0x5 1x20", **PROD,
                   pod="rabbitmq-server-0"),
            series("rabbitmq_alarms_free_disk_space_watermark", "0x25", **PROD,
                   pod="rabbitmq-server-0"),
            series("kube_job_status_failed", "0x5 1x20", **PROD,
                   job_name="retention-identity-29000000"),
            series("kube_job_status_failed", "1x25", namespace="other-team", job_name="backup"),
        ],
        "alert_rule_test": [
            alert("CafBrokerMemoryAlarm", "10m", {"severity": "critical", **PROD,
                                                  "pod": "rabbitmq-server-0"}),
            alert("CafBrokerDiskAlarm", "10m"),
            alert("CafJobFailed", "10m", {"severity": "warning", **PROD,
                                          "job_name": "retention-identity-29000000"}),
        ],
    },
]  # fmt: skip


def test_production_rules_page_for_the_right_things(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(
        yaml.safe_dump({"groups": rule_groups("prod", annotations=False)})
    )
    (tmp_path / "tests.yaml").write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": CASES})
    )
    result = run(tmp_path, "test", "rules", "tests.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_a_wrong_expectation_fails_the_rule_tests(tmp_path: Path) -> None:
    """The harness itself: a test expecting dev's pod to page in production fails."""
    dev_pod = {"severity": "warning", **DEV, "pod": "gateway-9"}
    wrong = [dict(CASES[0], alert_rule_test=[alert("CafOpenFilesNearLimit", "15m", dev_pod)])]
    (tmp_path / "rules.yaml").write_text(
        yaml.safe_dump({"groups": rule_groups("prod", annotations=False)})
    )
    (tmp_path / "tests.yaml").write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": wrong})
    )
    assert run(tmp_path, "test", "rules", "tests.yaml").returncode != 0
