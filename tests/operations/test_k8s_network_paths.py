"""The network paths (shared/network_paths.py, docs/security.md): each overlay, rendered, allows
exactly what its processes' settings make them call. A setting that calls out with no matching
egress rule fails; so does a rule with no path behind it, a rule open to every address, and a
namespace without its default deny. The prod overlay fails the site check until the site has
named its addresses."""

from __future__ import annotations

import copy
import functools
import ipaddress
from pathlib import Path
from typing import Any

import pytest
from kustomize_lite import load_documents, render

from shared import network_paths, service_registry
from shared.network_paths import PATHS, NetworkPath
from shared.runtime.agent_gate import AgentGate

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "prod"]
Document = dict[str, Any]


@functools.cache
def _rendered(overlay: str) -> list[Document]:
    documents = render(K8S / "overlays" / overlay)
    jobs = render(K8S / "jobs")  # the audit tool's Jobs and console, in the same namespace
    return documents + [doc for doc in jobs if doc["kind"] != "ConfigMap"]


def rendered(overlay: str) -> list[Document]:
    return copy.deepcopy(_rendered(overlay))


def of_kind(documents: list[Document], kind: str) -> dict[str, Document]:
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def pod_spec(doc: Document) -> tuple[dict[str, str], Document]:
    template = {
        "Deployment": lambda d: d["spec"]["template"],
        "CronJob": lambda d: d["spec"]["jobTemplate"]["spec"]["template"],
        "Job": lambda d: d["spec"]["template"],
        "Pod": lambda d: d,
    }[doc["kind"]](doc)
    return template["metadata"]["labels"], template["spec"]


def workloads(documents: list[Document]) -> dict[str, tuple[dict[str, str], Document]]:
    return {
        doc["metadata"]["name"]: pod_spec(doc)
        for doc in documents
        if doc["kind"] in ("Deployment", "CronJob", "Job", "Pod")
    }


def environment(spec: Document, config_maps: dict[str, Document]) -> dict[str, str]:
    """What every container of the pod reads: ConfigMaps (with prefixes), env values; a value
    from a Secret reads as ``<secret>``."""
    env: dict[str, str] = {}
    for container in spec.get("initContainers", []) + spec["containers"]:
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                data = config_maps[source["configMapRef"]["name"]].get("data") or {}
                env.update({source.get("prefix", "") + k: str(v) for k, v in data.items()})
        for variable in container.get("env", []):
            env[variable["name"]] = str(variable.get("value", "<secret>"))
    return env


def selects(selector: Document, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


def egress_rules(
    policies: dict[str, Document], labels: dict[str, str]
) -> list[tuple[str, Document, tuple[int, ...]]]:
    """(policy, peer, ports) of every egress rule that applies to a pod with ``labels``."""
    rules = []
    for name, policy in policies.items():
        if not selects(policy["spec"]["podSelector"], labels):
            continue
        for rule in policy["spec"].get("egress", []) or []:
            ports = tuple(port["port"] for port in rule.get("ports", []))
            for peer in rule["to"]:
                rules.append((name, peer, ports))
    return rules


def matches(path: NetworkPath, policy: str, peer: Document, ports: tuple[int, ...]) -> bool:
    if path.policy != policy or path.ports != ports:
        return False
    if path.outside:
        return set(peer) == {"ipBlock"}
    return peer == path.peer


def check(documents: list[Document]) -> list[str]:
    """Every disagreement between what the processes call and what the policies allow."""
    problems = []
    config_maps = of_kind(documents, "ConfigMap")
    policies = of_kind(documents, "NetworkPolicy")
    processes = {name: labels for name, (labels, _) in workloads(documents).items()}
    processes.update(network_paths.OPERATOR_PODS)
    for process, labels in processes.items():
        spec = workloads(documents).get(process, (None, None))[1]
        env = environment(spec, config_maps) if spec is not None else {}
        declared = [path for path in PATHS if path.process == process]
        rules = egress_rules(policies, labels)
        called = set()
        for variable, value in env.items():
            if not network_paths.CALL_PATTERN.search(variable) or not value:
                continue
            if network_paths.never_calls(process, variable) is not None:
                continue
            paths = [path for path in declared if path.setting == variable]
            if not paths:
                problems.append(f"{process}: {variable} calls out, no network path declared")
            for path in paths:
                called.add(variable)
                port = network_paths.port_of(variable, value, env)
                if port is not None and (port,) != path.ports:
                    problems.append(f"{process}: {variable} calls port {port}, path {path.ports}")
                if not any(matches(path, *rule) for rule in rules):
                    problems.append(
                        f"{process}: {variable} ({path.destination}) has no egress rule in"
                        f" {path.policy}"
                    )
        for rule in rules:
            # behind a rule: a setting the process calls, what every pod does (""), or the
            # overlay's own resource ("backup (prod overlay)")
            behind = [
                path
                for path in declared
                if matches(path, *rule)
                and (path.setting in called or not path.setting or "(" in path.setting)
            ]
            if not behind:
                problems.append(f"{process}: rule {rule} of {rule[0]} has no setting behind it")
    for name, policy in policies.items():
        for rule in policy["spec"].get("egress", []) or []:
            if not rule.get("to"):
                problems.append(f"{name}: an egress rule to every destination")
            for peer in rule.get("to", []):
                cidr = peer.get("ipBlock", {}).get("cidr")
                if cidr and _is_everything(cidr):
                    problems.append(f"{name}: {cidr} allows every address")
    return problems


def _is_everything(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen == 0
    except ValueError:
        return False


def with_site_values(documents: list[Document]) -> list[Document]:
    """The overlay as a site fills it: each CIDR placeholder replaced by a CIDR, each example
    host by the site's."""

    def filled(value: Any) -> Any:
        if isinstance(value, dict):
            if "ipBlock" in value and "REPLACE_ME" in str(value["ipBlock"]["cidr"]):
                return {**value, "ipBlock": {"cidr": "203.0.113.10/32"}}
            return {k: filled(v) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v) for v in value]
        if isinstance(value, str) and value.startswith("REPLACE_ME: the agency's network"):
            return "198.51.100.0/24"  # the agents' console's allow-list (its Ingress)
        if isinstance(value, str):
            return value.replace("example.invalid", "caf-site.test")
        return value

    return [filled(doc) for doc in documents]


# --- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_call_has_its_egress_rule_and_every_rule_its_setting(overlay: str) -> None:
    assert check(rendered(overlay)) == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_is_in_the_table(overlay: str) -> None:
    processes = set(workloads(rendered(overlay))) | set(network_paths.OPERATOR_PODS)
    assert processes == {path.process for path in PATHS}


def test_a_setting_that_calls_out_without_its_rule_fails() -> None:
    documents = rendered("prod")
    of_kind(documents, "ConfigMap")["identity-config"]["data"]["FRANCECONNECT_ISSUER"] = (
        "https://fcp.integ01.dev-franceconnect.fr/api/v1"
    )
    assert check(documents) == [
        "identity: FRANCECONNECT_ISSUER (FranceConnect (discovery, token, keys)) has no egress"
        " rule in egress-franceconnect"
    ]
    # the site adds the FranceConnect policy (deploy/k8s/site/franceconnect-egress.yaml)
    documents += load_documents(K8S / "site" / "franceconnect-egress.yaml")
    assert check(documents) == []


def test_a_rule_without_its_setting_fails() -> None:
    documents = rendered("prod") + load_documents(K8S / "site" / "franceconnect-egress.yaml")
    (problem,) = check(documents)  # FRANCECONNECT_ISSUER is empty: FranceConnect is off
    assert problem.startswith("identity: rule ('egress-franceconnect'")


def test_a_changed_port_fails() -> None:
    documents = rendered("prod")
    of_kind(documents, "ConfigMap")["notification-config"]["data"]["SMTP_PORT"] = "465"
    problems = check(documents)
    assert "notification: SMTP_HOST calls port 465, path (587,)" in problems


def test_no_rule_opens_every_destination() -> None:
    documents = rendered("prod")
    smtp = of_kind(documents, "NetworkPolicy")["egress-smtp-relay"]["spec"]
    smtp["egress"][0]["to"] = [{"ipBlock": {"cidr": "0.0.0.0/0"}}]
    assert "egress-smtp-relay: 0.0.0.0/0 allows every address" in check(documents)
    assert network_paths.missing_site_values(documents)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_namespace_denies_by_default(overlay: str) -> None:
    deny = of_kind(rendered(overlay), "NetworkPolicy")["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_overlay_fails_the_site_check_until_the_site_names_its_addresses(
    overlay: str,
) -> None:
    overlay_only = render(K8S / "overlays" / overlay)  # what the site applies with -k
    missing = network_paths.missing_site_values(overlay_only)
    named = {problem.split(":")[0] for problem in missing if problem.startswith("NetworkPolicy")}
    others = {problem.split(":")[0] for problem in missing} - named
    # hosts, issuers, registry: every one the first deployment's table lists
    assert others >= {
        "ConfigMap platform-config",  # AGENT_TOKEN_ISSUER, AGENT_TOKEN_JWKS_URI
        "ConfigMap notification-config",  # SMTP_HOST, SMS_GATEWAY_URL
        "ConfigMap gateway-config",  # GATEWAY_PUBLIC_URL
        "Ingress gateway",  # the portal's host
        "Ingress console",  # the agents' console's host and the agency's network ranges
        "Deployment identity",  # the registry
    }
    expected = {
        "NetworkPolicy egress-agents-idp",
        "NetworkPolicy egress-smtp-relay",
        "NetworkPolicy egress-sms-gateway",
        "NetworkPolicy egress-backchannel-clients",
        "NetworkPolicy rabbitmq-kubernetes-api",
        "NetworkPolicy databases-kubernetes-api",
        "NetworkPolicy poolers-kubernetes-api",
    }
    if overlay == "prod":
        expected.add("NetworkPolicy databases-object-store")
    assert named == expected
    assert network_paths.missing_site_values(with_site_values(overlay_only)) == []


def test_the_agents_gate_paths_follow_the_services_code() -> None:
    users = {
        service.name
        for service in service_registry.SERVICES
        if any(
            isinstance(value, AgentGate)
            for value in vars(service_registry.load(service.service_class)).values()
        )
    }
    assert users == set(network_paths.AGENT_GATE)


def test_docs_security_holds_the_table() -> None:
    text = (ROOT / "docs" / "security.md").read_text()
    assert network_paths.table() in text, "python -m shared.network_paths table"
