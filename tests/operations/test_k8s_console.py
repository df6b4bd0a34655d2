"""deploy/k8s for the agents' console (docs/console.md): its own Deployment, calling as the
back-office broker user; an Ingress of the agency's internal ingress class with an allow-list;
a network policy letting in only that ingress controller and metrics scraping; its settings
parse as the cluster gives them."""

from __future__ import annotations

import pytest
from test_k8s_manifests import OVERLAYS, of_kind, rendered

from console.settings import ConsoleSettings


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_console_runs_locked_down_as_the_back_office(overlay: str) -> None:
    documents = rendered(overlay)
    deployment = of_kind(documents, "Deployment")["console"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "console"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["automountServiceAccountToken"] is False
    secrets = {v["valueFrom"]["secretKeyRef"]["name"] for v in container["env"] if "valueFrom" in v}
    assert secrets == {"back-office-broker-user-credentials", "console-secrets"}
    config = of_kind(documents, "ConfigMap")["console-config"]["data"]
    platform = of_kind(documents, "ConfigMap")["platform-config"]["data"]
    settings = ConsoleSettings.from_mapping(
        {
            **platform,
            **config,
            "CONSOLE_SECRET_KEY": "a" * 44,
            "CONSOLE_OIDC_CLIENT_SECRET": "secret",
        },
        "console",
    )
    assert settings.broker_caller == "back-office"
    assert settings.oidc_issuer == platform["AGENT_TOKEN_ISSUER"]  # one authorization server
    assert settings.session_idle_timeout_s <= 1800


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_console_is_reachable_from_the_agency_network_only(overlay: str) -> None:
    documents = rendered(overlay)
    ingress = of_kind(documents, "Ingress")["console"]
    assert ingress["spec"]["ingressClassName"] == "agents"
    assert (
        "nginx.ingress.kubernetes.io/whitelist-source-range" in ingress["metadata"]["annotations"]
    )
    portal = of_kind(documents, "Ingress")["gateway"]
    assert portal["spec"].get("ingressClassName") != "agents"
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert not hosts & {rule["host"] for rule in portal["spec"]["rules"]}  # its own host
    policy = of_kind(documents, "NetworkPolicy")["console"]
    sources = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
    }
    assert sources == {"ingress-agents", "monitoring"}
    egress_ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert egress_ports == {53, 5671}  # DNS and RabbitMQ; the provider: egress-agents-idp
    idp = of_kind(documents, "NetworkPolicy")["egress-agents-idp"]
    assert "console" in idp["spec"]["podSelector"]["matchExpressions"][0]["values"]
