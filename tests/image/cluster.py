"""The built image run as the cluster runs it, with podman (``make image-check``).

Each entry point comes from the manifests under deploy/k8s (base and jobs): its command, its
arguments and its environment (the ConfigMaps it reads, its plain values; its secrets generated
for the run). The container is started as Kubernetes starts it: read-only root, uid/gid 10001,
no capability, its data volumes on tmpfs owned by the user (``:U``), ``--network none`` unless it
needs the broker. With no network, the stores are the embedded SQLite ones on a tmpfs-backed
volume (no DATABASE_URL): an init container's ``--migrate-only`` and the audit commands meet the
same files there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [
    *sorted((ROOT / "deploy/k8s/base").glob("*.yaml")),
    ROOT / "deploy/k8s/jobs/audit.yaml",
]
MANIFESTS.append(ROOT / "deploy/k8s/jobs/erasure.yaml")
IMAGE_NAME = "caf-connexion"  # as the manifests name it; the tag under test replaces it
#: the volumes the pods mount (emptyDir) and where the image keeps its data
DATA_DIR = "/var/lib/caf"
TMPFS = ("/tmp", "/var/spool/caf")


@dataclasses.dataclass(frozen=True)
class EntryPoint:
    """One container of a manifest that runs the image."""

    name: str  # workload/container, e.g. identity/migrate
    command: tuple[str, ...]  # empty: the image's entrypoint
    args: tuple[str, ...]
    config_maps: tuple[tuple[str, str], ...]  # (name, prefix) of each envFrom ConfigMap
    secret_prefixes: tuple[str, ...]  # prefix of each envFrom Secret
    values: Mapping[str, str]  # env entries with a plain value
    secret_keys: tuple[str, ...]  # env entries read from a Secret


def _pod_specs(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    kind = document.get("kind")
    spec = document.get("spec") or {}
    if kind == "Pod":
        yield spec
    elif kind in ("Deployment", "StatefulSet", "Job"):
        yield spec["template"]["spec"]
    elif kind == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]


def documents() -> Iterator[Mapping[str, Any]]:
    for path in MANIFESTS:
        yield from (each for each in yaml.safe_load_all(path.read_text()) if each)


def config_maps() -> dict[str, dict[str, str]]:
    return {
        doc["metadata"]["name"]: {k: str(v) for k, v in (doc.get("data") or {}).items()}
        for doc in documents()
        if doc.get("kind") == "ConfigMap"
    }


def entry_points() -> list[EntryPoint]:
    found = []
    for document in documents():
        for pod in _pod_specs(document):
            for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
                if container.get("image") != IMAGE_NAME:
                    continue
                env = container.get("env", [])
                found.append(
                    EntryPoint(
                        name=f"{document['metadata']['name']}/{container['name']}",
                        command=tuple(container.get("command", ())),
                        args=tuple(str(arg) for arg in container.get("args", ())),
                        config_maps=tuple(
                            (ref["configMapRef"]["name"], ref.get("prefix", ""))
                            for ref in container.get("envFrom", [])
                            if "configMapRef" in ref
                        ),
                        secret_prefixes=tuple(
                            ref.get("prefix", "")
                            for ref in container.get("envFrom", [])
                            if "secretRef" in ref
                        ),
                        values={
                            e["name"]: str(e["value"])
                            for e in env
                            if "value" in e and "$(" not in str(e["value"])
                        },
                        secret_keys=tuple(
                            e["name"] for e in env if "secretKeyRef" in e.get("valueFrom", {})
                        ),
                    )
                )
    return found


def environment(entry: EntryPoint, secrets: Mapping[str, str]) -> dict[str, str]:
    """The container's environment: its ConfigMaps, its plain values, its secrets generated for
    the run (a secret that only names an external system, DATABASE_URL above all, is left out:
    the embedded store stands in for the database)."""
    maps = config_maps()
    env: dict[str, str] = {}
    for name, prefix in entry.config_maps:
        env.update({prefix + key: value for key, value in maps.get(name, {}).items()})
    for prefix in entry.secret_prefixes:
        env.update({prefix + key: value for key, value in secrets.items()})
    env.update(entry.values)
    env.update({key: secrets[key] for key in entry.secret_keys if key in secrets})
    return env


@dataclasses.dataclass
class Podman:
    """Runs the image under test as the cluster does."""

    image: str
    volume: str = ""  # tmpfs-backed named volume holding DATA_DIR, shared by a test's containers

    def create_volume(self) -> str:
        self.volume = f"image-check-{uuid.uuid4().hex[:10]}"
        subprocess.run(
            ["podman", "volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs",
             self.volume],
            check=True, capture_output=True,
        )  # fmt: skip
        return self.volume

    def remove_volume(self) -> None:
        """Without --force: podman 4.3's forced removal can deadlock with the cleanup of a
        container just stopped; the test's containers are removed before this."""
        # A tmpfs volume left behind holds nothing once its containers are gone.
        with contextlib.suppress(subprocess.TimeoutExpired):
            if self.volume:
                subprocess.run(
                    ["podman", "volume", "rm", self.volume], capture_output=True, timeout=60
                )

    def run_args(
        self,
        entry: EntryPoint,
        env: Mapping[str, str],
        *,
        network: str = "none",
        detach: bool = False,
        name: str | None = None,
    ) -> list[str]:
        args = ["podman", "run", "--read-only", "--user", "10001:10001"]
        args += [] if detach else ["--rm"]
        args += ["--cap-drop", "all", "--security-opt", "no-new-privileges"]
        args += ["--network", network]
        for path in TMPFS:
            args += ["--tmpfs", f"{path}:rw,U"]
        if self.volume:
            args += ["--volume", f"{self.volume}:{DATA_DIR}:U"]
        else:
            args += ["--tmpfs", f"{DATA_DIR}:rw,U"]
        for key, value in env.items():
            args += ["--env", f"{key}={value}"]
        if detach:
            args.append("--detach")
        if name:
            args += ["--name", name]
        if entry.command:
            args += ["--entrypoint", entry.command[0], self.image, *entry.command[1:]]
        else:
            args.append(self.image)
        return [*args, *entry.args]

    def run(
        self, entry: EntryPoint, env: Mapping[str, str], timeout: float = 120, **options: Any
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.run_args(entry, env, **options), capture_output=True, text=True, timeout=timeout
        )

    def exec(self, container: str, *command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman", "exec", container, *command], capture_output=True, text=True, timeout=60
        )

    def shell(self, command: str) -> subprocess.CompletedProcess[str]:
        """A command in a throw-away container of the image (as root, no network): reads files."""
        return subprocess.run(
            ["podman", "run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "sh",
             self.image, "-c", command],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
