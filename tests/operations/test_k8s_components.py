"""deploy/k8s: what needs an operator beyond CloudNativePG and RabbitMQ's comes as a kustomize
component an overlay lists: monitoring (prometheus-operator) and backups (CloudNativePG's Barman
Cloud plugin). A cluster without one leaves its line out; both variants render, validate, and
leave nothing that needs the missing operator."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from kustomize_lite import load_documents, render
from test_k8s_manifests import K8S, OVERLAYS, of_kind, validate

MONITORING_KINDS = {"PodMonitor", "PrometheusRule", "ServiceMonitor"}
BACKUP_KINDS = {"ObjectStore", "ScheduledBackup"}


def without(overlay: str, dropped: set[str], tmp_path: Path) -> Path:
    """The overlay's kustomization with the ``dropped`` components left out, in ``tmp_path``
    (every path relative to there: kustomize refuses absolute ones), as an operator would edit
    it for their cluster."""
    source = K8S / "overlays" / overlay
    folder = tmp_path / f"{overlay}-without-{'-'.join(sorted(dropped))}"
    folder.mkdir()

    def there(entry: str) -> str:
        return os.path.relpath((source / entry).resolve(), folder)

    (kustomization,) = load_documents(source / "kustomization.yaml")
    kustomization["resources"] = [there(r) for r in kustomization["resources"]]
    kustomization["components"] = [
        there(c) for c in kustomization.get("components", []) if c not in dropped
    ]
    for patch in kustomization.get("patches", []):
        patch["path"] = there(patch["path"])
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    return folder


def kinds(documents: list[dict[str, Any]]) -> set[str]:
    return {doc["kind"] for doc in documents}


def test_the_overlays_list_their_components() -> None:
    for overlay, expected in (("dev", ["monitoring"]), ("prod", ["monitoring", "backups"])):
        (kustomization,) = load_documents(K8S / "overlays" / overlay / "kustomization.yaml")
        assert kustomization["components"] == expected


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_with_every_component_monitoring_and_backups_are_there(overlay: str) -> None:
    documents = render(K8S / "overlays" / overlay)
    assert {"PodMonitor", "PrometheusRule"} <= kinds(documents)
    assert "grafana-dashboard-connexion" in of_kind(documents, "ConfigMap")
    if overlay == "prod":
        assert kinds(documents) >= BACKUP_KINDS
        assert all("plugins" in c["spec"] for c in of_kind(documents, "Cluster").values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_cluster_without_prometheus_operator_leaves_monitoring_out(
    overlay: str, tmp_path: Path
) -> None:
    documents = render(without(overlay, {"monitoring"}, tmp_path))
    assert not kinds(documents) & MONITORING_KINDS
    assert "grafana-dashboard-connexion" not in of_kind(documents, "ConfigMap")
    assert {"Deployment", "Cluster", "Pooler", "RabbitmqCluster"} <= kinds(documents)
    for document in documents:
        validate(document)


def test_a_cluster_without_the_barman_plugin_leaves_backups_out(tmp_path: Path) -> None:
    documents = render(without("prod", {"backups"}, tmp_path))
    assert not kinds(documents) & BACKUP_KINDS
    for cluster in of_kind(documents, "Cluster").values():
        assert "plugins" not in cluster["spec"]  # no archiver the cluster could not run
        assert cluster["spec"]["instances"] == 3  # production's shape otherwise
    assert "PrometheusRule" in kinds(documents)
    for document in documents:
        validate(document)


def test_a_cluster_with_neither_renders_the_platform_alone(tmp_path: Path) -> None:
    documents = render(without("prod", {"monitoring", "backups"}, tmp_path))
    assert not kinds(documents) & (MONITORING_KINDS | BACKUP_KINDS)
    assert set(of_kind(documents, "Deployment")) == {
        "identity", "lockout", "notification", "delegation", "gateway", "console", "backchannel"
    }  # fmt: skip


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
def test_kustomize_renders_the_variants_alike(tmp_path: Path) -> None:
    folder = without("prod", {"backups"}, tmp_path)
    output = subprocess.run(
        ["kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    theirs = {(d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(output) if d}
    assert theirs == {(d["kind"], d["metadata"]["name"]) for d in render(folder)}
