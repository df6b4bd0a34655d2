"""Every network path of the platform on Kubernetes, listed once: which process calls what,
because of which setting, on which port, and the NetworkPolicy rule that allows it.

docs/security.md ("Network paths") is this list (``python -m shared.network_paths table``
prints it; a test compares); tests/operations/test_k8s_network_paths.py renders each overlay and
fails when a setting that makes a process call out has no matching egress rule, or a rule has no
path here behind it. The namespace denies everything else (deploy/k8s/base/default-deny.yaml).

Before a first deployment, the site check lists the addresses the overlay still lacks:

    kubectl kustomize deploy/k8s/overlays/prod | python -m shared.network_paths check -

>>> [p.policy for p in PATHS if p.process == "notification" and p.setting == "SMTP_HOST"]
['egress-smtp-relay']
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared import service_registry
from shared.privacy.retention import TABLE

#: a variable whose value makes a process open a connection (each ``*_URI``, ``*_URL``,
#: ``*_ISSUER``, ``SMTP_HOST``), unless NOT_CALLS says why it does not
CALL_PATTERN = re.compile(r"(_URI|_URL|_ISSUER|^SMTP_HOST)$")
NOT_CALLS = {
    "AGENT_TOKEN_ISSUER": "the iss value agents' tokens must carry; the keys come from"
    " AGENT_TOKEN_JWKS_URI",
    "FRANCECONNECT_POST_LOGOUT_REDIRECT_URI": "where FranceConnect sends the browser back",
    "FRANCECONNECT_REDIRECT_URIS": "where FranceConnect sends the browser back",
    "CONSOLE_PUBLIC_URL": "the agents' console's own address, where the provider sends back",
    "GATEWAY_PUBLIC_URL": "the portal's own address, for links in pages and messages",
    "PUBLIC_URL": "the portal's own address, for links in pages and messages",
}

DNS = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
}
#: an address outside the cluster that the overlay names (an ipBlock, never 0.0.0.0/0)
OUTSIDE: dict[str, Any] = {"ipBlock": "named by the overlay"}


def _pods(labels: dict[str, str]) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": labels}}


@dataclass(frozen=True)
class NetworkPath:
    process: str  # the Deployment, CronJob, Job or Pod (or the operator's pods)
    setting: str  # the variable that makes it call; "" for what every pod does (DNS, peers)
    destination: str  # in words
    peer: dict[str, Any]  # the rule's peer (podSelector/namespaceSelector), or OUTSIDE
    ports: tuple[int, ...]  # () : every port (a cluster's own nodes)
    policy: str  # the NetworkPolicy holding the rule
    protocols: tuple[str, ...] = ("TCP",)

    @property
    def outside(self) -> bool:
        return self.peer is OUTSIDE


SERVICES = service_registry.names()
#: the services whose RPC methods pass the agents' gate (shared/runtime/agent_gate.py)
AGENT_GATE = ("identity", "lockout", "delegation")
#: the stores with a row of the retention table that expires by time: a retention CronJob each
RETENTION = tuple(
    sorted({s.strip() for row in TABLE if row.mechanism != "file" for s in row.store.split(",")})
)
RABBITMQ = _pods({"app.kubernetes.io/name": "rabbitmq"})
INSTANCES = _pods({"cnpg.io/podRole": "instance"})


def _dns(process: str, policy: str) -> NetworkPath:
    return NetworkPath(process, "", "DNS (kube-dns)", DNS, (53, 53), policy, ("UDP", "TCP"))


def _kubernetes_api(process: str, policy: str) -> NetworkPath:
    return NetworkPath(process, "", "Kubernetes API server", OUTSIDE, (443, 6443), policy)


def _build() -> tuple[NetworkPath, ...]:
    paths: list[NetworkPath] = []
    for name in SERVICES:
        db, pooler = f"{name}-db", f"{name}-db-pooler-rw"
        paths += [
            _dns(name, name),
            NetworkPath(name, "AMQP_URI", "RabbitMQ (AMQPS)", RABBITMQ, (5671,), name),
            NetworkPath(
                name,
                "DATABASE_URL",
                f"PostgreSQL {db}",
                _pods({"cnpg.io/cluster": db}),
                (5432,),
                name,
            ),
            NetworkPath(
                name,
                "DATABASE_POOL_URL",
                f"PgBouncer {pooler}",
                _pods({"cnpg.io/poolerName": pooler}),
                (5432,),
                name,
            ),
        ]
        if name in AGENT_GATE:
            paths.append(
                NetworkPath(
                    name,
                    "AGENT_TOKEN_JWKS_URI",
                    "agents' authorization server (JWKS)",
                    OUTSIDE,
                    (443,),
                    "egress-agents-idp",
                )
            )
    paths += [
        NetworkPath(
            "identity",
            "FRANCECONNECT_ISSUER",
            "FranceConnect (discovery, token, keys)",
            OUTSIDE,
            (443,),
            "egress-franceconnect",
        ),
        NetworkPath(
            "notification",
            "SMTP_HOST",
            "SMTP relay (SMTP_PORT)",
            OUTSIDE,
            (587,),
            "egress-smtp-relay",
        ),
        NetworkPath(
            "notification",
            "SMS_GATEWAY_URL",
            "SMS gateway",
            OUTSIDE,
            (443,),
            "egress-sms-gateway",
        ),
        _dns("gateway", "gateway"),
        NetworkPath("gateway", "AMQP_URI", "RabbitMQ (AMQPS)", RABBITMQ, (5671,), "gateway"),
        # Caf connect's back-channel logout sender (gateway/oidc/backchannel.py, issue #34)
        _dns("backchannel", "backchannel"),
        NetworkPath(
            "backchannel", "AMQP_URI", "RabbitMQ (AMQPS)", RABBITMQ, (5671,), "backchannel"
        ),
        NetworkPath(
            "backchannel",
            "GATEWAY_API_CLIENTS (each backchannel_logout_uri)",
            "Caf connect's applications (logout tokens)",
            OUTSIDE,
            (443,),
            "egress-backchannel-clients",
        ),
        _dns("console", "console"),
        NetworkPath("console", "AMQP_URI", "RabbitMQ (AMQPS)", RABBITMQ, (5671,), "console"),
        NetworkPath(
            "console",
            "CONSOLE_OIDC_ISSUER",
            "agents' OpenID provider (discovery, keys, code, token exchange)",
            OUTSIDE,
            (443,),
            "egress-agents-idp",
        ),
    ]
    for name in RETENTION:
        job = f"retention-{name}"
        paths += [
            _dns(job, job),
            NetworkPath(
                job,
                "DATABASE_URL",
                f"PostgreSQL {name}-db",
                _pods({"cnpg.io/cluster": f"{name}-db"}),
                (5432,),
                job,
            ),
        ]
    for job in ("audit", "audit-console", "erasure"):
        paths.append(_dns(job, "audit"))
        paths += [
            NetworkPath(
                job,
                f"{name.upper()}_DATABASE_URL",
                f"PostgreSQL {name}-db",
                _pods({"cnpg.io/cluster": f"{name}-db"}),
                (5432,),
                "audit",
            )
            for name in SERVICES
        ]
    # the operators' pods, under the namespace's default deny
    paths += [
        _dns("rabbitmq (operator)", "rabbitmq-egress"),
        NetworkPath(
            "rabbitmq (operator)", "", "its own nodes (clustering)", RABBITMQ, (), "rabbitmq-egress"
        ),
        _kubernetes_api("rabbitmq (operator)", "rabbitmq-kubernetes-api"),
        _dns("PostgreSQL instances (operator)", "databases-egress"),
        NetworkPath(
            "PostgreSQL instances (operator)",
            "",
            "instances (replication, status)",
            INSTANCES,
            (5432, 8000),
            "databases-egress",
        ),
        _kubernetes_api("PostgreSQL instances (operator)", "databases-kubernetes-api"),
        NetworkPath(
            "PostgreSQL instances (operator)",
            "backup (prod overlay)",
            "object store (WAL, base backups)",
            OUTSIDE,
            (443,),
            "databases-object-store",
        ),
        _dns("PgBouncer poolers (operator)", "poolers-egress"),
        NetworkPath(
            "PgBouncer poolers (operator)",
            "",
            "PostgreSQL instances",
            INSTANCES,
            (5432,),
            "poolers-egress",
        ),
        _kubernetes_api("PgBouncer poolers (operator)", "poolers-kubernetes-api"),
    ]
    return tuple(paths)


PATHS: tuple[NetworkPath, ...] = _build()

#: the labels of the operators' pods (made by the operators, so in no manifest here)
OPERATOR_PODS: dict[str, dict[str, str]] = {
    "rabbitmq (operator)": {"app.kubernetes.io/name": "rabbitmq"},
    "PostgreSQL instances (operator)": {"cnpg.io/podRole": "instance"},
    "PgBouncer poolers (operator)": {"cnpg.io/poolerName": "any"},
}


def port_of(variable: str, value: str, env: dict[str, str]) -> int | None:
    """The port a setting's value makes its process call (None: not knowable from here)."""
    if variable.endswith("SMTP_HOST"):
        return int(env.get(variable.replace("HOST", "PORT"), "587") or 587)
    if "$(" in value or not value:
        return None
    parts = urlsplit(value)
    defaults = {"https": 443, "http": 80, "amqps": 5671, "amqp": 5672, "postgresql": 5432}
    return parts.port or defaults.get(parts.scheme)


def _describe_peer(path: NetworkPath) -> str:
    if path.outside:
        return "CIDR named by the overlay"
    selector = path.peer.get("podSelector", {}).get("matchLabels", {})
    text = ", ".join(f"{k}={v}" for k, v in selector.items()) or "any pod"
    if "namespaceSelector" in path.peer:
        namespace = path.peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        text += f" in namespace {namespace}"
    return text


def table() -> str:
    """The Markdown table of docs/security.md ("Network paths")."""
    lines = [
        "| process | calls because of | destination | port | allowed by (NetworkPolicy: peer) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for path in PATHS:
        ports = "/".join(str(p) for p in dict.fromkeys(path.ports)) or "every port"
        if path.protocols == ("UDP", "TCP"):
            ports += " UDP+TCP"
        setting = (
            f"`{path.setting}`"
            if path.setting and "(" not in path.setting
            else (path.setting or "—")
        )
        lines.append(
            f"| {path.process} | {setting} | {path.destination} | {ports} |"
            f" `{path.policy}`: {_describe_peer(path)} |"
        )
    return "\n".join(lines)


TOOLS = ("audit", "audit-console", "erasure", *(f"retention-{name}" for name in RETENTION))


def never_calls(process: str, variable: str) -> str | None:
    """Why ``process`` holds ``variable`` without calling it (None: it calls it)."""
    bare = variable
    for name in SERVICES:  # the audit tool reads each store's settings with its prefix
        bare = bare.removeprefix(f"{name.upper()}_")
    if bare in NOT_CALLS:
        return NOT_CALLS[bare]
    if process in TOOLS and bare not in ("DATABASE_URL", "RETENTION_PUSHGATEWAY_URL"):
        return "the audit tool opens stores only (audit/stores.py): no broker, no provider"
    if bare == "AGENT_TOKEN_JWKS_URI" and process not in AGENT_GATE:
        return "no method of this process passes the agents' gate"
    return None


# --- the site check ---------------------------------------------------------------------------


#: what the example manifests hold where a site's value goes
PLACEHOLDERS = ("REPLACE_ME", "example.invalid")


def _placeholders(value: Any, path: str) -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _placeholders(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _placeholders(v, f"{path}[{i}]")]
    if isinstance(value, str) and any(mark in value for mark in PLACEHOLDERS):
        return [f"{path} = {value}"]
    return []


def missing_site_values(documents: list[dict[str, Any]]) -> list[str]:
    """What the site must still set in rendered manifests: every placeholder (hosts, issuers,
    registry, CIDRs: docs/operations.md, "First deployment"), every ipBlock that is not a
    CIDR, every rule open to all addresses."""
    problems = []
    for doc in documents:
        where = f"{doc.get('kind')} {doc.get('metadata', {}).get('name')}"
        if doc.get("kind") != "NetworkPolicy":
            problems += [f"{where}: {p}" for p in _placeholders(doc, "")]
            continue
        name = doc["metadata"]["name"]
        for rule in doc["spec"].get("egress", []) or []:
            for peer in rule.get("to", []):
                block = peer.get("ipBlock")
                if block is None:
                    continue
                try:
                    network = ipaddress.ip_network(str(block["cidr"]), strict=False)
                except ValueError:
                    problems.append(f"NetworkPolicy {name}: {block['cidr']}")
                    continue
                if network.prefixlen == 0:
                    problems.append(f"NetworkPolicy {name}: {network} allows every address")
    return problems


def _check(source: str) -> int:
    import yaml

    text = sys.stdin.read() if source == "-" else open(source).read()  # noqa: SIM115
    documents = [doc for doc in yaml.safe_load_all(text) if doc]
    problems = missing_site_values(documents)
    for problem in problems:
        print(f"site value missing: {problem}")
    if not problems:
        print("every site value is set")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("table", help="the Markdown table of docs/security.md")
    check = commands.add_parser("check", help="rendered manifests (file or -): site values set?")
    check.add_argument("source")
    args = parser.parse_args(argv)
    if args.command == "table":
        print(table())
    else:
        sys.exit(_check(args.source))


if __name__ == "__main__":
    main()
