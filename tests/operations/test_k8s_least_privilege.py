"""Least privilege on the cluster (docs/security.md, "Least privilege"): the audit tool's pods
and the retention CronJobs are given the stores' keys only, never a service-only secret (the
session-signing key, the providers' and channels' credentials), and `kubectl exec` is granted
on the pod named audit-console only, by one Role."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from kustomize_lite import load_documents, render

from shared import service_registry

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
Document = dict[str, Any]


def service_only_variables() -> set[str]:
    names = set()
    for service in service_registry.SERVICES:
        settings_class = service_registry.load(service.settings_class)
        fields = {f.name: f for f in dataclasses.fields(settings_class)}
        names |= {fields[name].metadata["env"] for name in settings_class.service_only_secrets}
    return names


def example_secret_keys() -> dict[str, set[str]]:
    """The keys of each Secret the pods may read whole (secrets.example.yaml)."""
    return {
        doc["metadata"]["name"]: set(doc.get("stringData", {}))
        for doc in load_documents(K8S / "secrets.example.yaml")
    }


def readable_secret_keys(pod: Document) -> set[str]:
    whole = example_secret_keys()
    keys = set()
    for container in pod.get("initContainers", []) + pod["containers"]:
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                keys |= whole[source["secretRef"]["name"]]
        for variable in container.get("env", []):
            reference = variable.get("valueFrom", {}).get("secretKeyRef")
            if reference:
                keys.add(reference["key"])
    for volume in pod.get("volumes", []):
        if "secret" in volume:
            items = volume["secret"].get("items")
            assert items, f"volume {volume['name']}: a whole Secret mounted"
            keys |= {item["key"] for item in items}
    return keys


def tool_pods() -> dict[str, Document]:
    pods = {}
    for doc in render(K8S / "overlays" / "prod") + render(K8S / "jobs"):
        if doc["kind"] == "CronJob":
            pods[doc["metadata"]["name"]] = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        elif doc["kind"] == "Job":
            pods[doc["metadata"]["name"]] = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "Pod":
            pods[doc["metadata"]["name"]] = doc["spec"]
    return pods


def test_the_service_only_secrets_are_those_the_issue_names() -> None:
    assert service_only_variables() == {
        "SESSION_SIGNING_JWK",
        "FRANCECONNECT_CLIENT_SECRET",
        "NOTIFICATION_SEAL_PRIVATE_JWK",
        "SMTP_PASSWORD",
        "SMS_GATEWAY_TOKEN",
    }


@pytest.mark.parametrize(
    "name",
    [
        "audit",
        "audit-console",
        "erasure",
        "retention-identity",
        "retention-lockout",
        "retention-notification",
    ],
)
def test_the_tools_pods_read_no_service_only_secret(name: str) -> None:
    keys = readable_secret_keys(tool_pods()[name])
    assert "PERSONAL_DATA_MASTER_KEY" in keys and "PSEUDONYM_KEY" in keys
    assert not keys & service_only_variables(), keys & service_only_variables()


def test_exec_is_granted_on_the_audit_console_only() -> None:
    documents = render(K8S / "overlays" / "prod") + render(K8S / "jobs")
    grants = [
        (doc["metadata"]["name"], rule)
        for doc in documents
        if doc["kind"] in ("Role", "ClusterRole")
        for rule in doc.get("rules", [])
        if {"pods/exec", "pods/*", "*"} & set(rule.get("resources", []))
    ]
    assert [name for name, _ in grants] == ["audit-console-exec"]
    ((_, rule),) = grants
    assert rule["resourceNames"] == ["audit-console"]
    assert set(rule["verbs"]) <= {"create", "get"}
    consoles = [
        d for d in documents if d["kind"] == "Pod" and d["metadata"]["name"] == "audit-console"
    ]
    assert len(consoles) == 1  # the fixed name the Role names
    (binding,) = [
        d
        for d in documents
        if d["kind"] == "RoleBinding" and d["roleRef"]["name"] == "audit-console-exec"
    ]
    assert [subject["kind"] for subject in binding["subjects"]] == ["Group"]
