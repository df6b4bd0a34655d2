"""The alert rules of deploy/k8s watch metrics the services really export."""

from __future__ import annotations

import re
from pathlib import Path

from kustomize_lite import load_documents

from shared.runtime import metrics

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def exported_metric_names() -> set[str]:
    return {sample.name for family in metrics.REGISTRY.collect() for sample in family.samples} | {
        family.name for family in metrics.REGISTRY.collect()
    }


def test_the_relay_alerts_watch_the_publishing_gauges_of_every_replica():
    [rule] = load_documents(K8S / "overlays" / "prod" / "monitoring" / "alerts.yaml")
    rules = {
        r["alert"]: r["expr"]
        for group in rule["spec"]["groups"]
        for r in group["rules"]
        if "alert" in r
    }

    relay = {name: rules[name] for name in ("CafEventsNotPublished", "CafRelayLeaderMissing")}
    watched = {name for expr in relay.values() for name in re.findall(r"caf_[a-z_]+", expr)}
    assert watched == {"caf_relay_oldest_unpublished_age_seconds", "caf_relay_leader_present"}
    assert watched <= exported_metric_names()
    assert (
        "alerts.yaml"
        in (K8S / "overlays" / "prod" / "monitoring" / "kustomization.yaml").read_text()
    )
