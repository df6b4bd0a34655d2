"""The gateway's credentials on Kubernetes (docs/http-api.md, docs/api.md): its API clients from a
Secret of the example, its RabbitMQ user the broker table's ``portal`` (the default of
GATEWAY_BROKER_CALLER) declared by the broker users' manifests, and a gateway Deployment reading
both, never the broker's administrator."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from test_k8s_manifests import K8S, OVERLAYS, known_variables, load_documents, of_kind, rendered

from gateway.settings import GatewaySettings

API_CLIENTS_SECRET = "gateway-api-clients"
BROKER_CREDENTIALS = "portal-broker-user-credentials"  # the topology operator's, for portal-broker


def test_the_api_clients_come_from_a_secret_of_the_example() -> None:
    example = {s["metadata"]["name"]: s for s in load_documents(K8S / "secrets.example.yaml")}

    (variable,) = example[API_CLIENTS_SECRET]["stringData"]

    assert variable == "GATEWAY_API_CLIENTS"
    assert variable.removeprefix("GATEWAY_") in known_variables(GatewaySettings)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateways_broker_user_is_declared_with_the_portals_permissions(overlay: str) -> None:
    documents = rendered(overlay)
    caller = GatewaySettings.from_mapping({}, "gateway").broker_caller
    user = f"{caller}-broker"

    assert caller == "portal"
    assert user in of_kind(documents, "User")
    permissions = of_kind(documents, "Permission")[user]["spec"]["permissions"]
    assert re.fullmatch(permissions["configure"], f"rpc.reply-{caller}-{uuid.uuid4()}")
    topics = of_kind(documents, "TopicPermission")[f"{user}-nameko-rpc"]["spec"]["permissions"]
    assert re.fullmatch(topics["write"], "lockout.new_captcha")
    assert not re.fullmatch(topics["write"], "identity.update_contacts")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_gateway_deployment_reads_the_portals_user_and_the_api_clients(overlay: str) -> None:
    gateway = of_kind(rendered(overlay), "Deployment").get("gateway")
    if gateway is None:
        pytest.skip("no gateway Deployment in deploy/k8s yet")
    (container,) = gateway["spec"]["template"]["spec"]["containers"]
    env: dict[str, Any] = {variable["name"]: variable for variable in container["env"]}

    for variable in ("RABBITMQ_USERNAME", "RABBITMQ_PASSWORD"):
        assert env[variable]["valueFrom"]["secretKeyRef"]["name"] == BROKER_CREDENTIALS
    reference = env["GATEWAY_API_CLIENTS"]["valueFrom"]["secretKeyRef"]
    assert (reference["name"], reference["key"]) == (API_CLIENTS_SECRET, "GATEWAY_API_CLIENTS")
