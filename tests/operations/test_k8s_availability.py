"""Availability: every Deployment and the broker keep running through drains, spread over nodes
and zones, and the data pods (PostgreSQL, RabbitMQ) accept only their clients."""

from __future__ import annotations

import pytest
from test_k8s_manifests import K8S, OVERLAYS, of_kind, rendered

from shared import service_registry


def pods_of(budget: dict, labels: dict) -> bool:
    return budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_and_the_broker_have_a_budget_that_lets_drains_proceed(
    overlay: str,
) -> None:
    documents = rendered(overlay)
    budgets = list(of_kind(documents, "PodDisruptionBudget").values())
    autoscalers = of_kind(documents, "HorizontalPodAutoscaler")
    for name, deployment in of_kind(documents, "Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        (budget,) = [b for b in budgets if pods_of(b, labels)]
        fewest = (
            autoscalers[name]["spec"]["minReplicas"]
            if name in autoscalers
            else deployment["spec"]["replicas"]
        )
        spec = budget["spec"]
        assert spec.get("maxUnavailable", 0) >= 1 or spec["minAvailable"] < fewest, name
    gateway = {"app.kubernetes.io/name": "gateway", "app.kubernetes.io/part-of": "x"}
    assert [b["metadata"]["name"] for b in budgets if pods_of(b, gateway)] == ["gateway"]
    (broker,) = [b for b in budgets if pods_of(b, {"app.kubernetes.io/name": "rabbitmq"})]
    assert broker["spec"]["maxUnavailable"] == 1  # 3 nodes in production: quorum kept


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_spreads_over_nodes_and_zones(overlay: str) -> None:
    for name, deployment in of_kind(rendered(overlay), "Deployment").items():
        pod = deployment["spec"]["template"]
        # the broker admits AMQP from the platform's pods only (network-policies-data.yaml)
        assert pod["metadata"]["labels"]["app.kubernetes.io/part-of"] == "connexion-a-la-personne"
        spread = {c["topologyKey"]: c for c in pod["spec"]["topologySpreadConstraints"]}
        assert set(spread) == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}, name
        for constraint in spread.values():
            selector = constraint["labelSelector"]["matchLabels"]
            assert selector.items() <= pod["metadata"]["labels"].items()
            assert constraint["matchLabelKeys"] == ["pod-template-hash"]  # per rollout


def test_production_spreads_the_broker_and_the_databases() -> None:
    documents = rendered("prod")
    rabbitmq = of_kind(documents, "RabbitmqCluster")["rabbitmq"]["spec"]["affinity"]
    (required,) = rabbitmq["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert required["topologyKey"] == "kubernetes.io/hostname"
    for name, database in of_kind(documents, "Cluster").items():
        (spread,) = database["spec"]["topologySpreadConstraints"]
        assert spread["topologyKey"] == "topology.kubernetes.io/zone"
        assert spread["labelSelector"]["matchLabels"] == {"cnpg.io/cluster": name}


def _peers(rule: dict) -> list[dict]:
    return [
        peer.get("podSelector", peer.get("namespaceSelector"))["matchLabels"]
        for peer in rule["from"]
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_database_accepts_only_its_service_the_audit_jobs_and_its_instances(
    overlay: str,
) -> None:
    documents = rendered(overlay)
    policies = of_kind(documents, "NetworkPolicy")
    for name in service_registry.names():
        policy = policies[f"{name}-db"]["spec"]
        assert policy["podSelector"]["matchLabels"] == {"cnpg.io/cluster": f"{name}-db"}
        assert policy["policyTypes"] == ["Ingress"]
        by_port = {rule["ports"][0]["port"]: _peers(rule) for rule in policy["ingress"]}
        retention = [{"app.kubernetes.io/name": f"retention-{name}"}]  # its CronJob, if any
        assert by_port[5432] == [
            {"app.kubernetes.io/name": name},
            {"cnpg.io/poolerName": f"{name}-db-pooler-rw"},  # the services' pools go through it
            {"app.kubernetes.io/name": "audit"},
            *(retention if f"retention-{name}" in policies else []),
            {"cnpg.io/cluster": f"{name}-db"},
        ]
        poolers = {d["metadata"]["name"] for d in documents if d["kind"] == "Pooler"}
        assert f"{name}-db-pooler-rw" in poolers
        assert by_port[8000] == [{"kubernetes.io/metadata.name": "cnpg-system"}]
        assert set(by_port) == {5432, 8000, 9187}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_broker_accepts_amqp_from_the_platform_only(overlay: str) -> None:
    policy = of_kind(rendered(overlay), "NetworkPolicy")["rabbitmq"]["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "rabbitmq"}
    amqp = [
        rule
        for rule in policy["ingress"]
        if rule.get("ports") == [{"protocol": "TCP", "port": 5671}]
    ]
    assert _peers(amqp[0]) == [{"app.kubernetes.io/part-of": "connexion-a-la-personne"}]
    unrestricted = [rule for rule in policy["ingress"] if "ports" not in rule]
    assert [_peers(rule) for rule in unrestricted] == [[{"app.kubernetes.io/name": "rabbitmq"}]]


def test_the_minimum_kubernetes_version_is_stated() -> None:
    # sleep preStop hooks (the rolling updates rely on them) exist from 1.30 on
    assert "Kubernetes 1.30" in (K8S / "README.md").read_text()
