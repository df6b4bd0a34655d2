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


def test_a_misspelt_archiver_field_fails_cloudnative_pgs_schema() -> None:
    """The in-tree object store is still in CloudNativePG's CRD (deprecated, not removed): that
    no Cluster uses it is checked above; the CRD checks the plugin's fields."""
    database = of_kind(rendered("prod"), "Cluster")["identity-db"]
    database["spec"]["plugins"][0]["isWalArchiver"] = True
    with pytest.raises(jsonschema.ValidationError, match="isWalArchiver"):
        validate(database)


def test_the_restore_renders_a_new_cluster_at_a_point_in_time_from_the_store_backups() -> None:
    documents = render(K8S / "restore" / "identity")
    for document in documents:
        validate(document)
    prod = of_kind(rendered("prod"), "Cluster")
    (restored,) = [c for name, c in of_kind(documents, "Cluster").items() if name not in prod]
    assert set(prod) <= set(of_kind(documents, "Cluster"))  # beside the damaged one, not over it
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
