"""Custom resources are checked against the operators' real CRD schemas (operator_schemas.py),
read from ../shared/crds, with Kubernetes' extensions read as an API server reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import operator_schemas
import pytest
from kustomize_lite import render
from test_k8s_manifests import K8S, OVERLAYS, of_kind, rendered, validate

EXPECTED_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Pooler"),
    ("monitoring.coreos.com/v1", "PodMonitor"),
    ("monitoring.coreos.com/v1", "PrometheusRule"),
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("rabbitmq.com/v1beta1", "User"),
    ("rabbitmq.com/v1beta1", "Permission"),
    ("rabbitmq.com/v1beta1", "TopicPermission"),
    ("rabbitmq.com/v1beta1", "Exchange"),
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_custom_resource_matches_its_operators_crd(overlay: str) -> None:
    customs = [doc for doc in rendered(overlay) if operator_schemas.is_custom(doc)]
    assert {(doc["apiVersion"], doc["kind"]) for doc in customs} >= EXPECTED_KINDS
    for document in customs:
        operator_schemas.validate(document)


def test_prod_backups_match_the_cnpg_and_barman_plugin_crds() -> None:
    documents = rendered("prod")
    kinds = {(doc["apiVersion"], doc["kind"]) for doc in documents}
    assert {
        ("postgresql.cnpg.io/v1", "ScheduledBackup"),
        ("barmancloud.cnpg.io/v1", "ObjectStore"),
    } <= kinds


def test_the_restore_overlays_match_the_crds() -> None:
    for folder in sorted((K8S / "restore").iterdir()):
        if (folder / "kustomization.yaml").exists():
            for document in render(folder):
                validate(document)


def test_a_misspelt_field_of_a_custom_resource_fails_naming_it() -> None:
    pooler = of_kind(rendered("prod"), "Pooler")["identity-db-pooler-rw"]
    pooler["spec"]["pgbouncer"]["poolmode"] = "transaction"
    with pytest.raises(jsonschema.ValidationError, match="poolmode"):
        operator_schemas.validate(pooler)
    monitor = of_kind(rendered("prod"), "PodMonitor")["identity"]
    monitor["spec"]["podMetricsEndpoints"][0]["interval"] = 30
    with pytest.raises(jsonschema.ValidationError, match="interval"):
        operator_schemas.validate(monitor)


def test_a_kind_no_crd_defines_is_refused() -> None:
    with pytest.raises(LookupError, match="Widget"):
        operator_schemas.validate({"apiVersion": "postgresql.cnpg.io/v1", "kind": "Widget"})


def test_int_or_string_nullable_and_preserved_fields_are_read_as_kubernetes_does() -> None:
    schema = operator_schemas.strict({
        "type": "object",
        "properties": {
            "maxUnavailable": {"x-kubernetes-int-or-string": True, "anyOf": [
                {"type": "integer"}, {"type": "string"}]},
            "note": {"type": "string", "nullable": True},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            "template": {"type": "object", "x-kubernetes-embedded-resource": True,
                         "properties": {"spec": {"type": "object"}}},
        },
    })  # fmt: skip
    good: dict[str, Any] = {
        "maxUnavailable": "25%",
        "note": None,
        "free": {"anything": 1},
        "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": {}},
    }
    jsonschema.validate(good, schema)
    jsonschema.validate({**good, "maxUnavailable": 1}, schema)
    for bad in ({"maxUnavailable": 1.5}, {"unknown": 1}, {"note": 3}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, **bad}, schema)


def test_without_the_crds_the_check_fails_saying_where_it_looked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(operator_schemas.ENVIRONMENT_VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(operator_schemas.CrdsMissing, match=r"nowhere.*CAF_CRDS_DIR"):
        operator_schemas.crds_folder()


def test_the_crds_are_read_from_beside_the_checkout_not_copied_in() -> None:
    folder = operator_schemas.crds_folder().resolve()
    assert not folder.is_relative_to(operator_schemas.ROOT)
    copies = [
        path
        for top in ("deploy", "tests", "shared")
        for path in (operator_schemas.ROOT / top).rglob("*.yaml")
        if "CustomResourceDefinition" in path.read_text(errors="ignore")[:2000]
    ]
    assert not copies
