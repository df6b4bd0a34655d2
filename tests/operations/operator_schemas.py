"""The operators' own schemas: each custom resource is validated against the
``openAPIV3Schema`` of its CustomResourceDefinition, as the operators' projects publish them.

The CRDs are read where they lie, never copied into the project: ``CAF_CRDS_DIR`` if set, else
``shared/crds`` beside the checkout (CI lays ``../shared/crds`` next to the clone; a worktree
under ``/work/wt/`` finds ``/work/shared/crds`` one level further up). Missing, the tests fail
with :class:`CrdsMissing` saying where they looked.

An API server validates with more than JSON Schema; here the CRD schema is read as it means:

- ``x-kubernetes-int-or-string``: an integer or a string (``maxUnavailable: 1`` or ``"25%"``);
- ``nullable``: ``null`` also accepted;
- unknown fields are errors unless ``x-kubernetes-preserve-unknown-fields`` (kubectl's default
  ``--validate=strict``; the API server would otherwise drop them silently, so a typo such as
  ``spec.instance`` must fail here);
- ``x-kubernetes-embedded-resource``: ``apiVersion``, ``kind`` and ``metadata`` allowed;
- CEL rules (``x-kubernetes-validations``), defaulting and webhooks are not checked.
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_VARIABLE = "CAF_CRDS_DIR"

Schema = dict[str, Any]


class CrdsMissing(RuntimeError):
    pass


def crds_folder() -> Path:
    """Where the operators' CRDs are: ``$CAF_CRDS_DIR``, else the first ``shared/crds`` found
    beside the checkout or above it."""
    given = os.environ.get(ENVIRONMENT_VARIABLE)
    candidates = (
        [Path(given)]
        if given
        else [ancestor / "shared" / "crds" for ancestor in (ROOT.parent, *ROOT.parent.parents)]
    )
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise CrdsMissing(
        "The operators' CRDs (CloudNativePG, Barman Cloud plugin, RabbitMQ cluster and topology"
        " operators, prometheus-operator) were not found: looked in "
        + ", ".join(str(c) for c in candidates)
        + f". Lay them beside the checkout as ../shared/crds or set {ENVIRONMENT_VARIABLE}."
    )


@functools.cache
def _validators() -> dict[tuple[str, str], jsonschema.Draft4Validator]:
    validators = {}
    for path in sorted(crds_folder().glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                schema = strict(version["schema"]["openAPIV3Schema"])
                validators[(f"{group}/{version['name']}", kind)] = jsonschema.Draft4Validator(
                    schema
                )
    return validators


def groups() -> set[str]:
    """The API groups the CRDs define (``postgresql.cnpg.io``, ``rabbitmq.com``…)."""
    return {api_version.split("/")[0] for api_version, _ in _validators()}


def is_custom(document: dict[str, Any]) -> bool:
    return document["apiVersion"].split("/")[0] in groups()


def validate(document: dict[str, Any]) -> None:
    """Raises ``jsonschema.ValidationError`` (its message names the field) if ``document`` breaks
    its CRD's schema, ``LookupError`` if no CRD defines its apiVersion and kind."""
    key = (document["apiVersion"], document["kind"])
    validator = _validators().get(key)
    if validator is None:
        raise LookupError(f"no CRD in {crds_folder()} defines {key[0]} {key[1]}")
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top)"
        name = document.get("metadata", {}).get("name")
        raise jsonschema.ValidationError(f"{key[1]} {name}: {where}: {error.message}")


def strict(schema: Schema) -> Schema:
    """A CRD's structural schema as JSON Schema (draft 4), read as the module docstring says."""
    return _convert(copy.deepcopy(schema))


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: (
            {name: _convert(sub) for name, sub in value.items()}
            if key in ("properties", "patternProperties", "definitions")
            else _convert(value)
        )
        for key, value in node.items()
        if not key.startswith("x-kubernetes-") and key != "nullable"
    }
    if node.get("x-kubernetes-int-or-string"):
        converted.pop("type", None)
        converted["type"] = ["integer", "string"]
    if node.get("x-kubernetes-embedded-resource"):
        properties = converted.setdefault("properties", {})
        for field in ("apiVersion", "kind"):
            properties.setdefault(field, {"type": "string"})
        properties.setdefault("metadata", {"type": "object"})
    if (
        node.get("type") == "object"
        and "properties" in node
        and "additionalProperties" not in node
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        converted["additionalProperties"] = False
    if node.get("nullable") and "type" in converted:
        kinds = converted["type"] if isinstance(converted["type"], list) else [converted["type"]]
        converted["type"] = [*kinds, "null"]
    return converted
