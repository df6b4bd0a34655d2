"""Backups on the supported path: CloudNativePG's Barman Cloud plugin (the in-tree object store
is deprecated since 1.26), a nightly backup and a retention window per store, and a restore into
a new cluster that renders and validates like the rest."""

from __future__ import annotations

import jsonschema
import pytest
from kustomize_lite import render
from test_k8s_manifests import K8S, of_kind, rendered, validate

from shared import service_registry

PLUGIN = "barman-cloud.cloudnative-pg.io"


def test_every_store_archives_through_the_plugin_into_its_own_object_store() -> None:
    documents = rendered("prod")
    stores = of_kind(documents, "ObjectStore")
    for name in service_registry.names():
        database = of_kind(documents, "Cluster")[f"{name}-db"]["spec"]
        assert "backup" not in database  # no in-tree barmanObjectStore left
        (plugin,) = database["plugins"]
        assert plugin["name"] == PLUGIN and plugin["isWALArchiver"] is True
        store = stores[plugin["parameters"]["barmanObjectName"]]["spec"]
        assert store["configuration"]["destinationPath"].endswith(f"/{name}")
        assert store["retentionPolicy"] == "30d"


def test_every_store_has_a_nightly_backup_by_the_plugin() -> None:
    backups = of_kind(rendered("prod"), "ScheduledBackup").values()
    by_cluster = {backup["spec"]["cluster"]["name"]: backup["spec"] for backup in backups}
    assert set(by_cluster) == {f"{name}-db" for name in service_registry.names()}
    for spec in by_cluster.values():
        assert spec["method"] == "plugin"
        assert spec["pluginConfiguration"] == {"name": PLUGIN}
        assert spec["schedule"].split()[:3] == ["0", "0", "2"]  # 02:00:00


def test_the_in_tree_object_store_no_longer_validates() -> None:
    database = of_kind(rendered("prod"), "Cluster")["identity-db"]
    database["spec"]["backup"] = {"barmanObjectStore": {"destinationPath": "s3://b/identity"}}
    with pytest.raises(jsonschema.ValidationError):
        validate(database)


def test_the_restore_renders_a_new_cluster_at_a_point_in_time_from_the_store_backups() -> None:
    documents = render(K8S / "restore")
    for document in documents:
        validate(document)
    (restored,) = of_kind(documents, "Cluster").values()
    prod = of_kind(rendered("prod"), "Cluster")
    assert restored["metadata"]["name"] not in prod  # beside the damaged cluster, never over it
    recovery = restored["spec"]["bootstrap"]["recovery"]
    assert recovery["recoveryTarget"]["targetTime"]
    (source,) = [c for c in restored["spec"]["externalClusters"] if c["name"] == recovery["source"]]
    original = source["plugin"]["parameters"]["serverName"]
    assert original in prod
    (archiver,) = prod[original]["spec"]["plugins"]
    assert (
        source["plugin"]["parameters"]["barmanObjectName"]
        == (archiver["parameters"]["barmanObjectName"])
    )
    # it archives too, under its own name: the original archive is never written over
    (plugin,) = restored["spec"]["plugins"]
    assert plugin["isWALArchiver"] is True
    assert plugin["parameters"]["serverName"] == restored["metadata"]["name"]
