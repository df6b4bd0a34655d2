"""deploy/k8s for Caf connect's back-channel logout sender (gateway/oidc/backchannel.py): its own
Deployment, consuming as the backchannel broker user, with the gateway's registry and key set
but not its cookie key; reached only by metrics scraping; out only to DNS, RabbitMQ and the
clients' addresses (egress-backchannel-clients, which the overlay names); its settings parse as
the cluster gives them."""

from __future__ import annotations

import json

import pytest
from test_k8s_manifests import OVERLAYS, of_kind, rendered

from gateway.oidc.backchannel import BackchannelSettings
from gateway.oidc.keys import new_key_set


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_sender_runs_locked_down_as_its_own_broker_user(overlay: str) -> None:
    documents = rendered(overlay)
    pod = of_kind(documents, "Deployment")["backchannel"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "gateway.oidc.backchannel"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["automountServiceAccountToken"] is False
    env = {v["name"]: v for v in container["env"]}
    secrets = {v["valueFrom"]["secretKeyRef"]["name"] for v in env.values()
               if "secretKeyRef" in v.get("valueFrom", {})}  # fmt: skip
    assert secrets == {"backchannel-broker-user-credentials", "gateway-api-clients",
                       "gateway-secrets"}  # fmt: skip
    assert "GATEWAY_SECRET_KEY" not in env  # it serves no page: no cookie key
    platform = of_kind(documents, "ConfigMap")["platform-config"]["data"]
    gateway = of_kind(documents, "ConfigMap")["gateway-config"]["data"]
    settings = BackchannelSettings.from_mapping(
        {**platform, "GATEWAY_PUBLIC_URL": gateway["GATEWAY_PUBLIC_URL"],
         "GATEWAY_API_CLIENTS": "{}", "GATEWAY_OIDC_SIGNING_KEYS": json.dumps(new_key_set())},
        "gateway",
    )  # fmt: skip
    assert settings.public_url == gateway["GATEWAY_PUBLIC_URL"]  # the issuer of the tokens
    assert settings.signing_keys()["current"]
    assert "backchannel-broker" in of_kind(documents, "User")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_sender_reaches_the_broker_dns_and_the_clients_only(overlay: str) -> None:
    documents = rendered(overlay)
    policies = of_kind(documents, "NetworkPolicy")
    own = policies["backchannel"]["spec"]
    sources = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for rule in own["ingress"]
        for peer in rule["from"]
    }
    assert sources == {"monitoring"}
    assert {p["port"] for rule in own["egress"] for p in rule["ports"]} == {53, 5671}
    clients = policies["egress-backchannel-clients"]["spec"]
    assert clients["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "backchannel"}
    assert [p["port"] for rule in clients["egress"] for p in rule["ports"]] == [443]
    assert all("ipBlock" in peer for rule in clients["egress"] for peer in rule["to"])
