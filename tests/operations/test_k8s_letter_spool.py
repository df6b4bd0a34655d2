"""deploy/k8s: the letter spool is reached by everything that must delete from it: the retention
CronJob of notification (the retention table's row letter_spool) and the erasure Job mount the
same ReadWriteMany claim as the service, at the folder LETTER_SPOOL_DIR lies in."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest
from kustomize_lite import render
from test_k8s_manifests import K8S, OVERLAYS, of_kind, rendered

CLAIM = "notification-letters"


def spool_mount(pod: dict[str, Any]) -> str:
    """Where the pod mounts the spool's claim (its single container)."""
    (volume,) = [
        v["name"]
        for v in pod["volumes"]
        if v.get("persistentVolumeClaim", {}).get("claimName") == CLAIM
    ]
    (container,) = pod["containers"]
    (mount,) = [m["mountPath"] for m in container["volumeMounts"] if m["name"] == volume]
    return str(mount)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_service_its_retention_job_and_the_erasure_job_share_the_spool(overlay: str) -> None:
    documents = rendered(overlay)
    spool_dir = PurePosixPath(of_kind(documents, "ConfigMap")["notification-config"]["data"][
        "LETTER_SPOOL_DIR"
    ])  # fmt: skip
    claim = of_kind(documents, "PersistentVolumeClaim")[CLAIM]["spec"]
    assert claim["accessModes"] == ["ReadWriteMany"]
    service = of_kind(documents, "Deployment")["notification"]["spec"]["template"]["spec"]
    cronjob = of_kind(documents, "CronJob")["retention-notification"]["spec"]
    retention = cronjob["jobTemplate"]["spec"]["template"]["spec"]
    erasure = of_kind(render(K8S / "jobs"), "Job")["erasure"]["spec"]["template"]["spec"]
    for pod in (service, retention, erasure):
        assert spool_dir.is_relative_to(spool_mount(pod))
