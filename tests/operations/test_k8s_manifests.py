"""deploy/k8s: every overlay renders, validates against the Kubernetes schemas (offline), and
keeps the rules of the platform: probes, resources, safe rolling updates, one network policy
per service, secrets only by reference, settings that parse."""

from __future__ import annotations

import copy
import dataclasses
import functools
import socket
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import operator_schemas
import pytest
from kustomize_lite import load_documents, merge, render

from shared import service_registry
from shared.runtime import broker_manifests
from shared.runtime.settings import ServiceSettings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.32.0"  # sleep preStop hooks: 1.30 and later
OVERLAYS = ["dev", "prod"]
SERVICES: dict[str, type[ServiceSettings]] = {
    service.name: service_registry.load(service.settings_class)
    for service in service_registry.SERVICES
}
OPERATOR_SECRETS = {"rabbitmq-default-user"}
OPERATOR_SECRETS |= {f"{service}-broker-user-credentials" for service in SERVICES}
OPERATOR_SECRETS |= {f"{service}-db-app" for service in SERVICES}
#: read by the consumer from the config, not a settings field
EXTRA_VARIABLES = {"QUEUE_TYPE"}


@functools.cache
def _rendered(overlay: str) -> list[dict[str, Any]]:
    return render(K8S / "overlays" / overlay)


def rendered(overlay: str) -> list[dict[str, Any]]:
    return copy.deepcopy(_rendered(overlay))


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def validate(document: dict[str, Any]) -> None:
    """Custom resources against their operator's CRD (operator_schemas.py), built-in kinds
    against Kubernetes' own schemas."""
    if operator_schemas.is_custom(document):
        operator_schemas.validate(document)
    else:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def secret_variables(settings_class: type[ServiceSettings]) -> set[str]:
    fields = dataclasses.fields(settings_class)
    names = {f.metadata["env"] for f in fields if f.metadata.get("secret")}
    return names | {"NOTIFICATION_SEAL_PUBLIC_JWK"}  # required outside development


def known_variables(settings_class: type[ServiceSettings]) -> set[str]:
    return {f.metadata["env"] for f in dataclasses.fields(settings_class) if f.name != "service"}


# --- rendering and schemas --------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_to_valid_resources(overlay: str, monkeypatch: Any) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("manifest validation must work offline")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    documents = rendered(overlay)
    for document in documents:
        validate(document)
        assert document["metadata"]["namespace"] == f"caf-{overlay}"
    kinds = {doc["kind"] for doc in documents}
    assert {"Deployment", "ConfigMap", "NetworkPolicy", "RabbitmqCluster", "Cluster"} <= kinds


def test_a_typo_in_a_resource_fails_validation() -> None:
    deployment = of_kind(rendered("prod"), "Deployment")["identity"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    database = of_kind(rendered("prod"), "Cluster")["identity-db"]
    database["spec"]["instance"] = 3
    with pytest.raises(jsonschema.ValidationError):
        validate(database)


def test_secrets_example_is_valid_and_holds_only_placeholders() -> None:
    for secret in load_documents(K8S / "secrets.example.yaml"):
        validate(secret)
        for key, value in secret["stringData"].items():
            named = secret["type"] == "kubernetes.io/basic-auth" and key == "username"
            assert named or value.startswith("REPLACE_ME"), key


def test_strategic_merge_merges_named_items_and_replaces_other_lists() -> None:
    base = {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "args": ["x"]}
    patch = {"env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}], "args": ["y"]}
    assert merge(base, patch) == {
        "env": [  # kustomize's order: the patch's items first
            {"name": "B", "value": "3"},
            {"name": "C", "value": "4"},
            {"name": "A", "value": "1"},
        ],
        "args": ["y"],
    }


# --- how the services run ---------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployments_roll_without_losing_work_and_run_locked_down(overlay: str) -> None:
    documents = rendered(overlay)
    deployments = of_kind(documents, "Deployment")
    # gateway: test_k8s_gateway.py; console: test_k8s_console.py; backchannel: its own test
    assert set(deployments) == set(SERVICES) | {"gateway", "console", "backchannel"}
    deployments = {name: deployments[name] for name in SERVICES}
    platform = of_kind(documents, "ConfigMap")["platform-config"]["data"]
    for name, deployment in deployments.items():
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        pod = deployment["spec"]["template"]["spec"]
        assert pod["terminationGracePeriodSeconds"] >= 60
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        assert container["args"] == [name]
        assert container["image"].startswith("registry.example.invalid/caf/connexion:")
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert str(ports["http"]) == platform["HTTP_PORT"]
        assert container["lifecycle"]["preStop"]["sleep"]["seconds"] > 0
        assert set(container["resources"]) == {"requests", "limits"}
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        (migrate,) = pod["initContainers"]
        assert migrate["args"] == ["--migrate-only", name]
        assert migrate["image"] == container["image"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_identity_and_lockout_autoscale_and_survive_drains(overlay: str) -> None:
    documents = rendered(overlay)
    autoscalers = of_kind(documents, "HorizontalPodAutoscaler")
    budgets = of_kind(documents, "PodDisruptionBudget")
    deployments = of_kind(documents, "Deployment")
    for name in ("identity", "lockout"):
        assert autoscalers[name]["spec"]["scaleTargetRef"]["name"] == name
        assert "replicas" not in deployments[name]["spec"]  # the autoscaler owns it
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        selector = budgets[name]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items()
        # a drain can always proceed: fewer pods protected than the autoscaler keeps
        assert budgets[name]["spec"]["minAvailable"] < autoscalers[name]["spec"]["minReplicas"] or (
            budgets[name]["spec"]["minAvailable"] == 0
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_reaches_only_broker_its_store_and_dns(overlay: str) -> None:
    documents = rendered(overlay)
    policies = of_kind(documents, "NetworkPolicy")
    for name in SERVICES:
        policy = policies[name]["spec"]
        assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
        peers = []
        for rule in policy["egress"]:
            for peer in rule["to"]:
                ports = sorted(port["port"] for port in rule["ports"])
                if "ipBlock" in peer:
                    peers.append(("outside", tuple(ports)))
                else:
                    labels = peer["podSelector"]["matchLabels"]
                    peers.append((next(iter(labels.values())), tuple(ports)))
        expected = {("kube-dns", (53, 53)), ("rabbitmq", (5671,)), (f"{name}-db", (5432,))}
        assert expected <= set(peers), peers
        # outside the cluster: the egress-* policies only (test_k8s_network_paths.py)
        assert not [target for target, _ in peers if target == "outside"]
        (ingress,) = policy["ingress"]
        assert ingress["ports"] == [{"protocol": "TCP", "port": 8080}]


# --- configuration and secrets ----------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_referenced_never_in_config_maps(overlay: str) -> None:
    documents = rendered(overlay)
    config_maps = of_kind(documents, "ConfigMap")
    example = {s["metadata"]["name"]: s for s in load_documents(K8S / "secrets.example.yaml")}
    all_secrets = set().union(*(secret_variables(cls) for cls in SERVICES.values()))
    for config_map in config_maps.values():
        assert not all_secrets & set(config_map["data"]), config_map["metadata"]["name"]
    for name, deployment in of_kind(documents, "Deployment").items():
        if name not in SERVICES:
            continue  # the gateway: test_k8s_gateway.py
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        env = {variable["name"]: variable for variable in container["env"]}
        for variable in secret_variables(SERVICES[name]) | {"DATABASE_URL"}:
            reference = env[variable]["valueFrom"]["secretKeyRef"]
            source = reference["name"]
            assert source in OPERATOR_SECRETS or reference["key"] in example[source]["stringData"]
        assert all("value" not in env[v] for v in secret_variables(SERVICES[name]))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_config_maps_hold_settings_that_parse(overlay: str, test_secrets: dict[str, Any]) -> None:
    config_maps = of_kind(rendered(overlay), "ConfigMap")
    platform = config_maps["platform-config"]["data"]
    for name, settings_class in SERVICES.items():
        own = config_maps[f"{name}-config"]["data"]
        unknown = (set(platform) | set(own)) - known_variables(settings_class)
        assert not unknown, f"{name}: {unknown} are no settings"
        secrets = {**test_secrets, "FRANCECONNECT_CLIENT_SECRET": "x", "SMTP_PASSWORD": "x"}
        mapping = {**platform, **own, **secrets, "SMS_GATEWAY_TOKEN": "x"}
        settings = settings_class.from_mapping(mapping, name)
        assert settings.http_port == 8080


def test_prod_uses_quorum_queues_and_replicated_stores_with_backups() -> None:
    documents = rendered("prod")
    assert of_kind(documents, "ConfigMap")["platform-config"]["data"]["QUEUE_TYPE"] == "quorum"
    assert of_kind(documents, "RabbitmqCluster")["rabbitmq"]["spec"]["replicas"] == 3
    databases = of_kind(documents, "Cluster")
    assert set(databases) == {f"{name}-db" for name in SERVICES}
    for database in databases.values():
        assert database["spec"]["instances"] == 3
    backups = of_kind(documents, "ScheduledBackup")
    assert {b["spec"]["cluster"]["name"] for b in backups.values()} == set(databases)
    dev = of_kind(rendered("dev"), "ConfigMap")["platform-config"]["data"]
    assert dev["QUEUE_TYPE"] == "classic" and dev["LOG_LEVEL"] == "DEBUG"


# --- broker users (docs/security.md) ----------------------------------------------------------


def test_broker_users_are_the_generated_table() -> None:
    assert (K8S / "base" / "broker-users.yaml").read_text() == broker_manifests.render()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_connects_as_its_own_broker_user(overlay: str) -> None:
    documents = rendered(overlay)
    users = of_kind(documents, "User")
    assert {"portal-broker", "back-office-broker"} | {f"{s}-broker" for s in SERVICES} <= set(users)
    for name, deployment in of_kind(documents, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            secrets = {
                variable["valueFrom"]["secretKeyRef"]["name"]
                for variable in container.get("env", [])
                if variable["name"].startswith("RABBITMQ_")
            }
            # the gateway calls as the portal, the agents' console as the back office
            user = {"gateway": "portal", "console": "back-office"}.get(name, name)
            assert secrets == {f"{user}-broker-user-credentials"}
