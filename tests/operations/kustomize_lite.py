"""Renders a kustomization the way ``kustomize build`` does, for the features we use.

No kustomize binary is available offline here (PyPI's ``kustomize`` is an unrelated code
generator, ``pykustomize`` has no installable build), so the tests render with this subset:
``resources`` (files and directories), ``namespace``, ``images`` (newName/newTag/digest),
``replicas``, ``patches`` given by ``path`` (strategic merge: maps merge, lists of named
items merge by ``name``, other lists are replaced) and ``configMapGenerator`` from ``files``
with ``options.disableNameSuffixHash: true`` (and optional ``options.labels``). Anything else
in a kustomization fails loudly, so a new feature cannot pass unrendered.

>>> render(Path("deploy/k8s/overlays/prod"))   # doctest: +SKIP
[{"apiVersion": "v1", "kind": "ConfigMap", ...}, ...]
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "images",
    "replicas",
    "patches",
    "configMapGenerator",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}

Document = dict[str, Any]


Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_documents(path: Path) -> list[Document]:
    return [doc for doc in yaml.load_all(path.read_text(), Loader=Loader) if doc]


def render(directory: Path) -> list[Document]:
    (kustomization,) = load_documents(directory / "kustomization.yaml")
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise NotImplementedError(f"{directory}: kustomize feature(s) not rendered: {unknown}")
    documents: list[Document] = []
    for entry in kustomization.get("resources", []):
        target = directory / entry
        documents += render(target) if target.is_dir() else load_documents(target)
    for generator in kustomization.get("configMapGenerator", []):
        documents.append(_generated_config_map(generator, directory))
    for patch_entry in kustomization.get("patches", []):
        for patch in load_documents(directory / patch_entry["path"]):
            _apply_patch(documents, patch, directory)
    for replica in kustomization.get("replicas", []):
        _find(documents, "Deployment", replica["name"], directory)["spec"]["replicas"] = replica[
            "count"
        ]
    for image in kustomization.get("images", []):
        _set_image(documents, image)
    if "namespace" in kustomization:
        for doc in documents:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = kustomization["namespace"]
    return documents


def _generated_config_map(generator: Document, directory: Path) -> Document:
    options = generator.get("options", {})
    unknown = set(generator) - {"name", "files", "options"} | set(options) - {
        "disableNameSuffixHash",
        "labels",
    }
    if unknown or options.get("disableNameSuffixHash") is not True:
        raise NotImplementedError(f"{directory}: configMapGenerator not rendered: {generator}")
    data = {}
    for entry in generator["files"]:
        key, _, path = entry.rpartition("=")
        data[key or Path(path).name] = (directory / path).read_text()
    metadata: Document = {"name": generator["name"]}
    if "labels" in options:
        metadata["labels"] = dict(options["labels"])
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


def _find(documents: list[Document], kind: str, name: str, where: Path) -> Document:
    for doc in documents:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise LookupError(f"{where}: no {kind} {name} to patch")


def _apply_patch(documents: list[Document], patch: Document, where: Path) -> None:
    target = _find(documents, patch["kind"], patch["metadata"]["name"], where)
    merged = merge(target, patch)
    target.clear()
    target.update(merged)


def merge(base: Any, patch: Any) -> Any:
    """Strategic merge of ``patch`` into ``base`` (a new value; neither is changed)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        items = copy.deepcopy(base)
        for item in patch:
            index = next((i for i, old in enumerate(items) if old["name"] == item["name"]), None)
            if index is None:
                items.append(copy.deepcopy(item))
            else:
                items[index] = merge(items[index], item)
        return items
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "name" in item for item in items)


def _set_image(documents: list[Document], image: dict[str, Any]) -> None:
    for doc in documents:
        if doc["kind"] in ("Deployment", "Job"):
            pod = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "Pod":
            pod = doc["spec"]
        else:
            continue
        for container in pod.get("initContainers", []) + pod["containers"]:
            name, _, tag = container["image"].partition(":")
            if name != image["name"]:
                continue
            name = image.get("newName", name)
            if "digest" in image:
                container["image"] = f"{name}@{image['digest']}"
            else:
                container["image"] = (
                    f"{name}:{image.get('newTag', tag)}" if (image.get("newTag") or tag) else name
                )
