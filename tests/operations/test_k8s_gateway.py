"""deploy/k8s for the portal (gateway): probes, autoscaling, a network policy that reaches only
RabbitMQ and DNS, TLS at the Ingress, its one secret by reference, settings that parse."""

from __future__ import annotations

from typing import Any

import pytest
from test_k8s_manifests import OVERLAYS, load_documents, of_kind, rendered

from gateway.settings import GatewaySettings

K8S_SECRETS = "deploy/k8s/secrets.example.yaml"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_runs_locked_down_with_probes_and_scales(overlay: str) -> None:
    documents = rendered(overlay)
    deployment = of_kind(documents, "Deployment")["gateway"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "gateway"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert set(container["resources"]) == {"requests", "limits"}
    assert "replicas" not in deployment["spec"]  # the autoscaler owns it
    autoscaler = of_kind(documents, "HorizontalPodAutoscaler")["gateway"]
    assert autoscaler["spec"]["minReplicas"] >= 2
    budget = of_kind(documents, "PodDisruptionBudget")["gateway"]  # disruption-budgets.yaml
    assert budget["spec"]["maxUnavailable"] == 1 < autoscaler["spec"]["minReplicas"]
    ingress = of_kind(documents, "Ingress")["gateway"]
    assert ingress["spec"]["tls"]
    env = {v["name"]: v for v in container["env"]}
    assert env["GATEWAY_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "gateway-secrets"
    example = {s["metadata"]["name"]: s for s in load_documents(_root() / K8S_SECRETS)}
    assert "GATEWAY_SECRET_KEY" in example["gateway-secrets"]["stringData"]
    # Caf connect's key set: production refuses to start without it (gateway/settings.py)
    keys = env["GATEWAY_OIDC_SIGNING_KEYS"]["valueFrom"]["secretKeyRef"]
    assert (keys["name"], keys["key"]) == ("gateway-secrets", "GATEWAY_OIDC_SIGNING_KEYS")
    assert "GATEWAY_OIDC_SIGNING_KEYS" in example["gateway-secrets"]["stringData"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_reaches_only_rabbitmq_and_dns(overlay: str) -> None:
    policy = of_kind(rendered(overlay), "NetworkPolicy")["gateway"]["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    peers = set()
    for rule in policy["egress"]:
        for peer in rule["to"]:
            assert "ipBlock" not in peer  # nothing outside the cluster
            labels = peer["podSelector"]["matchLabels"]
            peers.add(
                (next(iter(labels.values())), tuple(sorted(p["port"] for p in rule["ports"])))
            )
    assert peers == {("kube-dns", (53, 53)), ("rabbitmq", (5671,))}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_config_parses(overlay: str, test_secrets: dict[str, Any]) -> None:
    config_maps = of_kind(rendered(overlay), "ConfigMap")
    mapping = {
        **config_maps["platform-config"]["data"],
        **config_maps["gateway-config"]["data"],
        "GATEWAY_SECRET_KEY": test_secrets["PSEUDONYM_KEY"],
    }
    settings = GatewaySettings.from_mapping(mapping, "gateway")
    assert settings.port == 8080 and settings.bind == "0.0.0.0"  # noqa: S104 - in a pod
    assert settings.trusted_proxies and not settings.dev_mailbox


def _root() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
