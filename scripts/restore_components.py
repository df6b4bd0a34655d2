"""Writes deploy/k8s/restore/: per store, the kustomize components that restore it into a new
cluster and move everything bound to it there, derived from the rendered prod overlay and Jobs.

    python scripts/restore_components.py       # or: make restore-components

For each store (``identity`` below), ``<store>-db-restore`` beside the damaged ``<store>-db``:

- ``components/identity/``: the restored Cluster (production's spec, bootstrapped from the
  backups), a new Pooler with its PodDisruptionBudget (a Pooler's ``spec.cluster`` is
  immutable), the restored instances' NetworkPolicy (copies of production's, renamed), and the
  patches that move the Deployment, the service's and its retention job's policies, the
  retention CronJob and the ScheduledBackup. Policies have unnamed lists, so they are moved by
  JSON patches that first ``test`` the value they replace: a layout change stops the rendering.
- ``components/identity-jobs/``: the audit and erasure Jobs' ``IDENTITY_DATABASE_URL`` and the
  audit policy's way to the store.
- ``identity/`` (overlays/prod + the component) and ``identity/jobs/`` (jobs + the component).

Only the instant (``recoveryTarget.targetTime``) is meant to be edited by hand; a change to
production (policies, Jobs, Cluster) is followed by running this again.
tests/operations/test_k8s_restore.py checks the files are what this writes, and what they do.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "operations"))

from kustomize_lite import render  # noqa: E402  (the tests' renderer, also used here)

K8S = ROOT / "deploy" / "k8s"
RESTORE = K8S / "restore"
STORES = ("identity", "lockout", "notification", "delegation")
#: the placeholder instant; set the one to return to before applying
INSTANT = "2026-01-15 09:30:00+01"
PLUGIN = "barman-cloud.cloudnative-pg.io"
Document = dict[str, Any]


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(*documents: Any) -> str:
    return "---\n".join(
        yaml.dump(doc, Dumper=Dumper, sort_keys=False, width=100) for doc in documents
    )


def find(documents: list[Document], kind: str, name: str) -> Document:
    return next(d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name)


def own(document: Document) -> Document:
    """A rendered document as a resource file holds it (the overlay sets the namespace)."""
    document = copy.deepcopy(document)
    document["metadata"].pop("namespace", None)
    return document


def renamed(document: Any, old: str, new: str) -> Any:
    return yaml.safe_load(re.sub(rf"\b{old}\b", new, yaml.safe_dump(document, sort_keys=False)))


def _paths(node: Any, value: str, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _paths(v, value, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _paths(v, value, (*path, i))]
    return [path] if node == value else []


def json_patch(document: Document, replacements: list[tuple[str, str]]) -> list[Document]:
    operations: list[Document] = []
    for old, new in replacements:
        for path in _paths(document["spec"], old):
            pointer = "/spec/" + "/".join(
                str(p).replace("~", "~0").replace("/", "~1") for p in path
            )
            operations += [
                {"op": "test", "path": pointer, "value": old},
                {"op": "replace", "path": pointer, "value": new},
            ]
    if not operations:
        raise LookupError(f"{document['metadata']['name']}: nothing names {replacements}")
    return operations


def moved_pod(pod: Document, old: str, new: str) -> Document:
    """The patch of a pod spec that moves every reference to ``old`` (Secrets ``<old>-app`` and
    ``<old>-ca``, hosts ``<old>-rw`` and ``<old>-pooler-rw`` in URLs) to ``new``. Each
    container's variables are listed in their order up to the last one changed (names only for
    the others): kustomize puts a patch's variables first, and ``$(NAME)`` is expanded only from
    variables listed before it."""
    host = re.compile(rf"@{re.escape(old)}(-rw|-pooler-rw):")

    def move(value: str) -> str:
        return host.sub(lambda m: f"@{new}{m.group(1)}:", value)

    patch: Document = {}
    for key in ("initContainers", "containers"):
        containers = []
        for container in pod.get(key, []):
            variables: list[Document] = []
            last = -1
            for variable in container.get("env", []):
                item: Document = {"name": variable["name"]}
                reference = variable.get("valueFrom", {}).get("secretKeyRef", {})
                if reference.get("name") == f"{old}-app":
                    item["valueFrom"] = {"secretKeyRef": {**reference, "name": f"{new}-app"}}
                elif "value" in variable and move(variable["value"]) != variable["value"]:
                    item["value"] = move(variable["value"])
                variables.append(item)
                if len(item) > 1:
                    last = len(variables)
            if last > 0:
                containers.append({"name": container["name"], "env": variables[:last]})
        if containers:
            patch[key] = containers
    volumes = [
        {"name": v["name"], "secret": {**v["secret"], "secretName": f"{new}-ca"}}
        for v in pod.get("volumes", [])
        if v.get("secret", {}).get("secretName") == f"{old}-ca"
    ]
    if volumes:
        patch["volumes"] = volumes
    return patch


def comment(text: str) -> str:
    lines, line = [], "#"
    for word in text.split():
        if len(line) + 1 + len(word) > 99:
            lines.append(line)
            line = "#"
        line += " " + word
    return "\n".join([*lines, line]) + "\n"


def files(store: str) -> dict[Path, str]:
    """Every file of ``store``'s restore, by path."""
    prod, jobs = render(K8S / "overlays" / "prod"), render(K8S / "jobs")
    old, new = f"{store}-db", f"{store}-db-restore"
    retained = any(
        d["kind"] == "CronJob" and d["metadata"]["name"] == f"retention-{store}" for d in prod
    )
    component, jobs_component = (
        RESTORE / "components" / store,
        RESTORE / "components" / f"{store}-jobs",
    )
    out: dict[Path, str] = {}

    original = own(find(prod, "Cluster", old))
    spec = renamed(original["spec"], old, new)
    spec.pop("bootstrap")
    spec["plugins"][0]["parameters"]["serverName"] = new
    cluster = {
        "apiVersion": original["apiVersion"],
        "kind": "Cluster",
        "metadata": {"name": new, "labels": original["metadata"]["labels"]},
        "spec": {
            "instances": spec.pop("instances"),
            "imageName": spec.pop("imageName"),
            "bootstrap": {
                "recovery": {
                    "source": f"{old}-backup",
                    "database": store,
                    "owner": store,
                    "recoveryTarget": {"targetTime": INSTANT},
                }
            },
            "externalClusters": [
                {
                    "name": f"{old}-backup",
                    "plugin": {
                        "name": PLUGIN,
                        "parameters": {"barmanObjectName": f"{store}-backups", "serverName": old},
                    },
                }
            ],
            **spec,
        },
    }
    out[component / "restore-cluster.yaml"] = comment(
        f"{store}'s store as it was at targetTime (set it: the instant to return to, ISO 8601"
        f" with offset), rebuilt from the base backup before that instant and the WAL archived"
        f" since, both read from the ObjectStore {store}-backups (folder of {old}). It archives"
        f" its own WAL under serverName {new}, so the original archive is never written over."
        f" Otherwise production's {old}, renamed."
    ) + dump(cluster)
    out[component / "network-policy.yaml"] = comment(
        f"The restored instances' ingress policy: production's {old}, renamed."
    ) + dump(renamed(own(find(prod, "NetworkPolicy", old)), old, new))
    out[component / "pooler.yaml"] = comment(
        f"The restored cluster's own PgBouncer pooler and its disruption budget (a Pooler's"
        f" spec.cluster cannot change once created): production's {old}-pooler-rw, renamed."
    ) + dump(
        renamed(own(find(prod, "Pooler", f"{old}-pooler-rw")), old, new),
        renamed(own(find(prod, "PodDisruptionBudget", f"{old}-pooler-rw")), old, new),
    )

    deployment = find(prod, "Deployment", store)["spec"]["template"]["spec"]
    out[component / "deployment.yaml"] = comment(
        f"{store} on the restored store: DATABASE_URL, the role and its password from the Secret"
        f" CloudNativePG makes for {new}, the pool through its pooler, its CA."
    ) + dump(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": store},
            "spec": {"template": {"spec": moved_pod(deployment, old, new)}},
        }
    )
    out[component / "scheduled-backup.yaml"] = comment(
        "The nightly base backup, now of the restored cluster."
    ) + dump(
        {
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "ScheduledBackup",
            "metadata": {"name": f"{old}-daily"},
            "spec": {"cluster": {"name": new}},
        }
    )
    out[component / "service-policy.json-patch.yaml"] = comment(
        f"{store}'s egress: its store and its pooler are the restored ones."
    ) + dump(json_patch(find(prod, "NetworkPolicy", store), [
        (old, new), (f"{old}-pooler-rw", f"{new}-pooler-rw"),
    ]))  # fmt: skip
    patches: list[Document] = [{"path": "deployment.yaml"}]
    if retained:
        cronjob = find(prod, "CronJob", f"retention-{store}")["spec"]["jobTemplate"]["spec"]
        out[component / "retention.yaml"] = comment(
            f"The nightly retention job of {store}'s store, on the restored cluster."
        ) + dump({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": f"retention-{store}"},
            "spec": {"jobTemplate": {"spec": {"template": {
                "spec": moved_pod(cronjob["template"]["spec"], old, new),
            }}}},
        })  # fmt: skip
        out[component / "retention-policy.json-patch.yaml"] = comment(
            f"retention-{store}'s egress: the restored store."
        ) + dump(json_patch(find(prod, "NetworkPolicy", f"retention-{store}"), [(old, new)]))
        patches.append({"path": "retention.yaml"})
    patches.append({"path": "scheduled-backup.yaml"})
    patches.append({
        "path": "service-policy.json-patch.yaml",
        "target": {"kind": "NetworkPolicy", "name": store},
    })  # fmt: skip
    if retained:
        patches.append({
            "path": "retention-policy.json-patch.yaml",
            "target": {"kind": "NetworkPolicy", "name": f"retention-{store}"},
        })  # fmt: skip
    moved = f"the retention CronJob retention-{store} and its policy, " if retained else ""
    out[component / "kustomization.yaml"] = comment(
        f"Restore {store}'s store: the restored cluster {new} (restore-cluster.yaml) beside the"
        f" damaged {old}, and everything bound to the store moved to it together: the {store}"
        f" Deployment and its NetworkPolicy, a new pooler {new}-pooler-rw with its disruption"
        f" budget (pooler.yaml), the restored instances' policy, {moved}the nightly"
        f" ScheduledBackup. The audit and erasure Jobs: ../{store}-jobs. Generated by"
        f" scripts/restore_components.py from the prod overlay; docs/operations.md, 'Restore a"
        f" store to a point in time'."
    ) + dump(
        {
            "apiVersion": "kustomize.config.k8s.io/v1alpha1",
            "kind": "Component",
            "resources": ["restore-cluster.yaml", "network-policy.yaml", "pooler.yaml"],
            "patches": patches,
        }
    )

    patched = []
    for kind, name in (("Job", "audit"), ("Pod", "audit-console"), ("Job", "erasure")):
        document = find(jobs, kind, name)
        pod = document["spec"]["template"]["spec"] if kind == "Job" else document["spec"]
        spec = moved_pod(pod, old, new)
        if not spec:
            raise LookupError(f"{name}: nothing names {old}")
        patched.append({
            "apiVersion": document["apiVersion"],
            "kind": kind,
            "metadata": {"name": name},
            "spec": {"template": {"spec": spec}} if kind == "Job" else spec,
        })  # fmt: skip
    out[jobs_component / "jobs.yaml"] = comment(
        f"The audit and erasure pods on the restored cluster: {store.upper()}_DATABASE_URL and"
        f" the store's CA (the variables before it named, unchanged: kustomize puts a patch's"
        f" variables first, and $(DB_USER) is expanded only from variables listed before it)."
    ) + dump(*patched)
    out[jobs_component / "audit-policy.json-patch.yaml"] = comment(
        f"The audit and erasure pods reach {store}'s restored store instead of {old}."
    ) + dump(json_patch(find(jobs, "NetworkPolicy", "audit"), [(old, new)]))
    out[jobs_component / "kustomization.yaml"] = comment(
        f"The audit and erasure Jobs (deploy/k8s/jobs) on {store}'s restored store."
    ) + dump({
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "patches": [
            {"path": "jobs.yaml"},
            {"path": "audit-policy.json-patch.yaml",
             "target": {"kind": "NetworkPolicy", "name": "audit"}},
        ],
    })  # fmt: skip
    out[RESTORE / store / "kustomization.yaml"] = comment(
        f"Production with {store}'s store restored: apply this where you applied overlays/prod"
        f" (docs/operations.md, 'Restore a store to a point in time'), once the instant is set"
        f" in ../components/{store}/restore-cluster.yaml."
    ) + dump(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": "caf-prod",
            "resources": ["../../overlays/prod"],
            "components": [f"../components/{store}"],
        }
    )
    out[RESTORE / store / "jobs" / "kustomization.yaml"] = comment(
        f"The audit and erasure Jobs while {store}'s store is the restored one: render, keep the"
        f" documents you need, `kubectl create -f`."
    ) + dump(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": "caf-prod",
            "resources": ["../../../jobs"],
            "components": [f"../../components/{store}-jobs"],
        }
    )
    return out


def kept_instant(path: Path, text: str) -> str:
    """The instant already set in a restore-cluster.yaml stays (it is the one hand edit)."""
    if path.name != "restore-cluster.yaml" or not path.exists():
        return text
    (document,) = yaml.safe_load_all(path.read_text())
    instant = document["spec"]["bootstrap"]["recovery"]["recoveryTarget"]["targetTime"]
    return text.replace(f"targetTime: '{INSTANT}'", f"targetTime: '{instant}'")


def main() -> None:
    for store in STORES:
        for path, text in files(store).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(kept_instant(path, text))
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
