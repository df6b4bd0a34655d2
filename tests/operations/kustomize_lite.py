"""Renders a kustomization the way ``kustomize build`` does, for the features we use.

No kustomize binary is available offline here (PyPI's ``kustomize`` is an unrelated code
generator, ``pykustomize`` has no installable build), so the tests render with this subset:
``resources`` (files and directories), ``namespace``, ``images`` (newName/newTag/digest),
``replicas``, ``patches`` given by ``path`` (strategic merge: maps merge, lists of named
items merge by ``name``, other lists are replaced; or, with a ``target`` kind and name, a JSON
patch of ``test``/``replace``/``add``/``remove`` operations), ``components`` (folders of
``kind: Component``, applied after the resources, in order) and ``configMapGenerator`` from
``files`` with ``options.disableNameSuffixHash: true`` (and optional ``options.labels``).
Anything else in a kustomization fails loudly, so a new feature cannot pass unrendered.

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
    "components",
}
KUSTOMIZATION = "kustomize.config.k8s.io/v1beta1"
COMPONENT = "kustomize.config.k8s.io/v1alpha1"
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}

Document = dict[str, Any]


Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_documents(path: Path) -> list[Document]:
    return [doc for doc in yaml.load_all(path.read_text(), Loader=Loader) if doc]


def render(directory: Path) -> list[Document]:
    kustomization = _kustomization(directory, "Kustomization")
    documents: list[Document] = []
    for entry in kustomization.get("resources", []):
        target = directory / entry
        documents += render(target) if target.is_dir() else load_documents(target)
    return _transform(kustomization, documents, directory)


def _kustomization(directory: Path, kind: str) -> Document:
    (kustomization,) = load_documents(directory / "kustomization.yaml")
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise NotImplementedError(f"{directory}: kustomize feature(s) not rendered: {unknown}")
    expected = KUSTOMIZATION if kind == "Kustomization" else COMPONENT
    if (kustomization.get("kind", "Kustomization"), kustomization["apiVersion"]) != (
        kind,
        expected,
    ):
        raise ValueError(f"{directory}: expected a {kind} ({expected})")
    return kustomization


def _apply_component(directory: Path, documents: list[Document]) -> list[Document]:
    component = _kustomization(directory, "Component")
    for entry in component.get("resources", []):
        target = directory / entry
        documents += render(target) if target.is_dir() else load_documents(target)
    return _transform(component, documents, directory)


def _transform(
    kustomization: Document, documents: list[Document], directory: Path
) -> list[Document]:
    for entry in kustomization.get("components", []):
        documents = _apply_component(directory / entry, documents)
    for generator in kustomization.get("configMapGenerator", []):
        documents.append(_generated_config_map(generator, directory))
    for patch_entry in kustomization.get("patches", []):
        if "target" in patch_entry:
            _apply_json_patch(documents, patch_entry, directory)
            continue
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


def _apply_json_patch(documents: list[Document], entry: Document, where: Path) -> None:
    """A JSON patch (RFC 6902) on the one resource named by ``target``; a failed ``test``
    operation stops the rendering, so a patch written for another layout cannot apply."""
    target = entry["target"]
    if set(target) - {"kind", "name"} or set(entry) - {"path", "target"}:
        raise NotImplementedError(f"{where}: patch target not rendered: {entry}")
    document = _find(documents, target["kind"], target["name"], where)
    operations = yaml.safe_load((where / entry["path"]).read_text())
    for operation in operations:
        *parents, last = [
            part.replace("~1", "/").replace("~0", "~") for part in operation["path"].split("/")[1:]
        ]
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = (len(node) if last == "-" else int(last)) if isinstance(node, list) else last
        op = operation["op"]
        if op == "test":
            if node[key] != operation["value"]:
                raise ValueError(
                    f"{where}: {target['kind']} {target['name']} {operation['path']} is"
                    f" {node[key]!r}, not {operation['value']!r}"
                )
        elif op == "replace":
            node[key]  # must exist
            node[key] = copy.deepcopy(operation["value"])
        elif op == "add" and isinstance(node, list):
            node.insert(key, copy.deepcopy(operation["value"]))
        elif op == "add":
            node[key] = copy.deepcopy(operation["value"])
        elif op == "remove":
            del node[key]
        else:
            raise NotImplementedError(f"{where}: JSON patch operation {op!r} not rendered")


def merge(base: Any, patch: Any) -> Any:
    """Strategic merge of ``patch`` into ``base`` (a new value; neither is changed)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        # as kustomize orders them: the patch's items first (in its order), then the others
        by_name = {item["name"]: item for item in base}
        patched = [merge(by_name[i["name"]], i) if i["name"] in by_name else i for i in patch]
        named = {item["name"] for item in patch}
        return copy.deepcopy(patched + [item for item in base if item["name"] not in named])
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "name" in item for item in items)


def _set_image(documents: list[Document], image: dict[str, Any]) -> None:
    for doc in documents:
        if doc["kind"] in ("Deployment", "Job"):
            pod = doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            pod = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
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
