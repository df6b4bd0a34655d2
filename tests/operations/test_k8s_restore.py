"""The restore drill (docs/operations.md, "Back up and restore a store"): production with a
store restored (deploy/k8s/restore/<store>/) moves the service, its pooler, its network policies,
its retention CronJob, its backups and the audit/erasure Jobs to the restored cluster together;
nothing else changes, and nothing of the store still points at the damaged cluster."""

from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from kustomize_lite import render
from test_k8s_manifests import K8S, of_kind, rendered, validate

RESTORES = sorted(
    folder.name
    for folder in (K8S / "restore").iterdir()
    if (folder / "kustomization.yaml").exists()
)
Document = dict[str, Any]


def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a document (keys of label maps too) with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}/{key}", str(key)
            yield from strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, f"{path}/{index}")
    elif isinstance(node, str):
        yield path, node


def renamed(document: Any, old: str, new: str) -> Any:
    """``document`` with every ``old`` cluster name (as a word) made ``new``."""
    text = yaml.safe_dump(document)
    return yaml.safe_load(re.sub(rf"\b{old}\b", new, text))


def env_of(container: Document) -> dict[str, Any]:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}


def pods(documents: list[Document]) -> Iterator[tuple[str, Document]]:
    for doc in documents:
        spec = {
            "Deployment": lambda d: d["spec"]["template"]["spec"],
            "Job": lambda d: d["spec"]["template"]["spec"],
            "CronJob": lambda d: d["spec"]["jobTemplate"]["spec"]["template"]["spec"],
            "Pod": lambda d: d["spec"],
        }.get(doc["kind"])
        if spec is not None:
            yield f"{doc['kind']} {doc['metadata']['name']}", spec(doc)


def retained(store: str) -> bool:
    """Whether the store has a retention CronJob (delegation has no row to expire)."""
    return f"retention-{store}" in of_kind(rendered("prod"), "CronJob")


def test_every_store_has_its_restore() -> None:
    assert set(RESTORES) == {"identity", "lockout", "notification", "delegation"}


@pytest.mark.parametrize("store", RESTORES)
def test_the_restore_files_are_what_the_generator_writes(store: str) -> None:
    """deploy/k8s/restore/ follows production: after a change to the prod overlay or the Jobs,
    `make restore-components` (the instant set by hand is kept)."""
    generator = _generator()
    for path, text in generator.files(store).items():
        assert path.exists(), f"{path}: run `make restore-components`"
        expected = generator.kept_instant(path, text)
        assert path.read_text() == expected, f"{path} is stale: run `make restore-components`"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "restore_components", K8S.parents[1] / "scripts" / "restore_components.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("store", RESTORES)
def test_a_restore_moves_the_service_pooler_policies_and_jobs_together(store: str) -> None:
    old, new = f"{store}-db", f"{store}-db-restore"
    documents = render(K8S / "restore" / store)
    clusters, poolers = of_kind(documents, "Cluster"), of_kind(documents, "Pooler")
    policies = of_kind(documents, "NetworkPolicy")

    # the service and its migrations, on the restored store and its pooler
    deployment = of_kind(documents, "Deployment")[store]["spec"]["template"]["spec"]
    for container in (*deployment["initContainers"], *deployment["containers"]):
        env = env_of(container)
        for variable in ("DATABASE_URL", "DATABASE_USERNAME", "DATABASE_PASSWORD"):
            assert env[variable]["secretKeyRef"]["name"] == f"{new}-app", variable
        assert f"@{new}-pooler-rw:5432/{store}" in env["DATABASE_POOL_URL"]
    # its pooler, with its disruption budget
    assert poolers[f"{new}-pooler-rw"]["spec"]["cluster"]["name"] == new
    budget = of_kind(documents, "PodDisruptionBudget")[f"{new}-pooler-rw"]["spec"]
    assert budget["selector"]["matchLabels"] == {"cnpg.io/poolerName": f"{new}-pooler-rw"}
    # the policies: the service's and its retention job's egress, the restored store's ingress
    for name in (store, f"retention-{store}") if retained(store) else (store,):
        selectors = [
            peer.get("podSelector", {}).get("matchLabels", {})
            for rule in policies[name]["spec"]["egress"]
            for peer in rule["to"]
        ]
        assert {"cnpg.io/cluster": new} in selectors, name
    assert policies[new]["spec"]["podSelector"]["matchLabels"] == {"cnpg.io/cluster": new}
    # the retention CronJob and the nightly backup
    if retained(store):
        cronjob = of_kind(documents, "CronJob")[f"retention-{store}"]
        retention_pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (retention,) = retention_pod["containers"]
        url = env_of(retention)["DATABASE_URL"]
        assert url == {"secretKeyRef": {"name": f"{new}-app", "key": "uri"}} or (
            f"@{new}-rw:5432/{store}" in url
        ), url
    # every pod verifying the store's certificate reads the restored cluster's CA
    for where, pod in pods(documents):
        secrets = {v.get("secret", {}).get("secretName") for v in pod.get("volumes", [])}
        assert f"{old}-ca" not in secrets, where
    assert f"{new}-ca" in {
        v.get("secret", {}).get("secretName") for v in deployment.get("volumes", [])
    }
    backups = of_kind(documents, "ScheduledBackup")
    assert {b["spec"]["cluster"]["name"] for b in backups.values()} >= {new}
    assert old not in {b["spec"]["cluster"]["name"] for b in backups.values()}
    # the restored cluster reads the old one's archive and writes under its own name
    restored = clusters[new]["spec"]
    (source,) = restored["externalClusters"]
    assert restored["bootstrap"]["recovery"]["source"] == source["name"]
    assert source["plugin"]["parameters"]["serverName"] == old
    assert restored["plugins"][0]["parameters"]["serverName"] == new


@pytest.mark.parametrize("store", RESTORES)
def test_nothing_of_the_store_still_points_at_the_damaged_cluster(store: str) -> None:
    """Only the damaged cluster itself, what serves it alone (its own policy, pooler and
    budget, kept until it is deleted) and the restored cluster's backup source name it."""
    old = f"{store}-db"
    reference = re.compile(rf"\b{old}(-rw|-r|-ro|-app|-ca|-server|-pooler-rw)?(?![\w-])")
    kept = {
        ("Cluster", old),
        ("NetworkPolicy", old),
        ("Pooler", f"{old}-pooler-rw"),
        ("PodDisruptionBudget", f"{old}-pooler-rw"),
    }
    # local names that are no reference: a volume's name and where it is mounted
    local = re.compile(
        r"/(volumes|volumeMounts)/\d+/name$|/mountPath$|/plugin/parameters/serverName$"
    )
    stale = []
    for documents in (render(K8S / "restore" / store), render(K8S / "restore" / store / "jobs")):
        for doc in documents:
            if (doc["kind"], doc["metadata"]["name"]) in kept:
                continue
            for path, value in strings(doc):
                value = value.replace(f"/etc/caf/tls/{old}/", "/etc/caf/tls/<mount>/")
                if reference.search(value) and not local.search(path):
                    stale.append(f"{doc['kind']} {doc['metadata']['name']} {path}: {value}")
    assert not stale, "\n".join(stale)


@pytest.mark.parametrize("store", RESTORES)
def test_the_restored_copies_are_the_originals_renamed(store: str) -> None:
    """The restored cluster, its pooler, budget and policy are production's for the new name:
    a change to the originals that the restore does not follow fails here."""
    old, new = f"{store}-db", f"{store}-db-restore"
    production, restore = rendered("prod"), render(K8S / "restore" / store)
    for kind, name in (
        ("Pooler", f"{old}-pooler-rw"),
        ("PodDisruptionBudget", f"{old}-pooler-rw"),
        ("NetworkPolicy", old),
    ):
        original = renamed(of_kind(production, kind)[name], old, new)
        assert of_kind(restore, kind)[original["metadata"]["name"]] == original, (kind, name)
    original = renamed(of_kind(production, "Cluster")[old]["spec"], old, new)
    restored = copy.deepcopy(of_kind(restore, "Cluster")[new]["spec"])
    for spec in (original, restored):
        spec.pop("bootstrap"), spec.pop("externalClusters", None)
    for plugin in original.get("plugins", []):  # the archive's folder: the cluster's name
        plugin["parameters"].setdefault("serverName", new)
    assert restored == original


@pytest.mark.parametrize("store", RESTORES)
def test_the_restore_changes_nothing_else(store: str) -> None:
    old, new = f"{store}-db", f"{store}-db-restore"
    production = {(d["kind"], d["metadata"]["name"]): d for d in rendered("prod")}
    restore = {(d["kind"], d["metadata"]["name"]): d for d in render(K8S / "restore" / store)}
    assert set(production) <= set(restore)
    changed = {key for key in production if production[key] != restore[key]}
    added = set(restore) - set(production)
    retention = {("NetworkPolicy", f"retention-{store}"), ("CronJob", f"retention-{store}")}
    assert changed == {
        ("Deployment", store),
        ("NetworkPolicy", store),
        ("ScheduledBackup", f"{old}-daily"),
        *(retention if retained(store) else ()),
    }
    assert added == {
        ("Cluster", new),
        ("Pooler", f"{new}-pooler-rw"),
        ("PodDisruptionBudget", f"{new}-pooler-rw"),
        ("NetworkPolicy", new),
    }


@pytest.mark.parametrize("store", RESTORES)
def test_the_restore_renders_to_valid_resources(store: str) -> None:
    for folder in (K8S / "restore" / store, K8S / "restore" / store / "jobs"):
        for document in render(folder):
            validate(document)
            assert document["metadata"]["namespace"] == "caf-prod"


@pytest.mark.parametrize(
    "folder",
    ["overlays/dev", "overlays/prod", *(f"restore/{s}" for s in RESTORES)]
    + [f"restore/{s}/jobs" for s in RESTORES]
    + ["jobs"],
)
def test_every_variable_a_container_expands_is_defined_before_it(folder: str) -> None:
    """Kubernetes expands ``$(NAME)`` only from variables listed earlier; kustomize moves a
    patch's variables first, which can break a URL built from a user and password."""
    for where, pod in pods(render(K8S / folder)):
        for container in (*pod.get("initContainers", []), *pod["containers"]):
            defined: set[str] = set()
            for variable in container.get("env", []):
                for name in re.findall(r"\$\(([A-Z_][A-Z0-9_]*)\)", variable.get("value", "")):
                    assert name in defined, f"{where}: {variable['name']} uses $({name}) first"
                defined.add(variable["name"])


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
@pytest.mark.parametrize(
    "folder", ["overlays/dev", "overlays/prod", *(f"restore/{s}" for s in RESTORES), "jobs"]
)
def test_the_tests_renderer_agrees_with_kustomize(folder: str) -> None:
    """The tests render with kustomize_lite; where kubectl is installed, its kustomize renders
    the same documents (dates aside: YAML reads an unquoted instant as a datetime)."""
    output = subprocess.run(
        ["kubectl", "kustomize", str(K8S / folder)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    theirs = {
        (d["kind"], d["metadata"]["name"]): yaml.safe_load(yaml.safe_dump(d, default_style=None))
        for d in yaml.load_all(output, Loader=yaml.BaseLoader)
        if d
    }
    ours = {
        (d["kind"], d["metadata"]["name"]): yaml.safe_load(yaml.safe_dump(d))
        for d in render(K8S / folder)
    }
    assert set(ours) == set(theirs)
    for key, document in ours.items():
        assert _strings_only(document) == theirs[key], key


def _strings_only(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _strings_only(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strings_only(v) for v in node]
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)
