"""deploy/k8s: each store's pool goes through a PgBouncer Pooler in transaction mode; what needs
a session of its own (relay lock, LISTEN, migrations) stays on the read-write service."""

from __future__ import annotations

from typing import Any

import pytest
from kustomize_lite import render
from test_k8s_manifests import K8S, OVERLAYS, SERVICES


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_store_pool_goes_through_a_transaction_pooler(overlay: str) -> None:
    documents = render(K8S / "overlays" / overlay)
    poolers = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Pooler"}
    deployments = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Deployment"}
    for service in SERVICES:
        pooler = poolers[f"{service}-db-pooler-rw"]["spec"]
        assert pooler["cluster"]["name"] == f"{service}-db" and pooler["type"] == "rw"
        assert pooler["pgbouncer"]["poolMode"] == "transaction"
        pod = deployments[service]["spec"]["template"]["spec"]
        for container in (*pod["initContainers"], *pod["containers"]):
            env = env_of(container)
            assert f"@{service}-db-pooler-rw:5432/{service}" in env["DATABASE_POOL_URL"]
            assert env["DATABASE_URL"]["secretKeyRef"] == {
                "name": f"{service}-db-app",
                "key": "uri",
            }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pooler_survives_a_drain_and_spreads_over_machines_and_zones(overlay: str) -> None:
    documents = render(K8S / "overlays" / overlay)
    poolers = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Pooler"}
    budgets = {d["metadata"]["name"]: d for d in documents if d["kind"] == "PodDisruptionBudget"}
    assert len(poolers) == len(SERVICES)
    for name, pooler in poolers.items():
        own = {"cnpg.io/poolerName": name}
        budget = budgets[name]["spec"]
        assert budget["selector"]["matchLabels"] == own
        # one pod kept, one may go: a drain proceeds and the store stays reachable
        assert 1 <= budget["minAvailable"] < pooler["spec"]["instances"]
        spread = pooler["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {
            "kubernetes.io/hostname",
            "topology.kubernetes.io/zone",
        }
        assert all(c["labelSelector"]["matchLabels"] == own for c in spread)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_may_reach_its_pooler_and_the_pooler_its_store(overlay: str) -> None:
    """A pool through PgBouncer needs both hops open: the service to its pooler's pods, the
    pooler's pods to the store (prod's notification policy once replaced its egress without it)."""
    documents = render(K8S / "overlays" / overlay)
    policies = {d["metadata"]["name"]: d["spec"] for d in documents if d["kind"] == "NetworkPolicy"}
    for service in SERVICES:
        pooler = {"cnpg.io/poolerName": f"{service}-db-pooler-rw"}
        egress = [
            peer.get("podSelector", {}).get("matchLabels")
            for rule in policies[service]["egress"]
            if {"protocol": "TCP", "port": 5432} in rule.get("ports", [])
            for peer in rule["to"]
        ]
        assert pooler in egress, (service, egress)
        admitted = [
            peer.get("podSelector", {}).get("matchLabels")
            for rule in policies[f"{service}-db"]["ingress"]
            for peer in rule.get("from", [])
        ]
        assert pooler in admitted, service
