"""Minimal schemas of the operators' resources we use (kubernetes-validate knows only the
built-in kinds): the fields we set, their types, and no unknown top-level spec field, so a
typo (``replica:``, ``bootstrap.initDB``) fails the check. Written from the operators' API
references (RabbitMQ Cluster Operator and messaging-topology operator rabbitmq.com/v1beta1,
CloudNativePG postgresql.cnpg.io/v1).
"""

from __future__ import annotations

from typing import Any

QUANTITY: dict[str, Any] = {"type": ["string", "integer"]}
RESOURCES: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "requests": {"type": "object", "additionalProperties": QUANTITY},
        "limits": {"type": "object", "additionalProperties": QUANTITY},
    },
}
SECRET_KEY: dict[str, Any] = {
    "type": "object",
    "required": ["name", "key"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "key": {"type": "string"}},
}


def _resource(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                    "namespace": {"type": "string"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
            "spec": spec,
        },
    }


RABBITMQ_CLUSTER = _resource(
    "rabbitmq.com/v1beta1",
    "RabbitmqCluster",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "replicas": {"type": "integer", "minimum": 1},
            "image": {"type": "string"},
            "resources": RESOURCES,
            "persistence": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"storage": QUANTITY, "storageClassName": {"type": "string"}},
            },
            "rabbitmq": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "additionalConfig": {"type": "string"},
                    "additionalPlugins": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
)

CNPG_CLUSTER = _resource(
    "postgresql.cnpg.io/v1",
    "Cluster",
    {
        "type": "object",
        "required": ["instances", "storage"],
        "additionalProperties": False,
        "properties": {
            "instances": {"type": "integer", "minimum": 1},
            "imageName": {"type": "string"},
            "resources": RESOURCES,
            "storage": {
                "type": "object",
                "required": ["size"],
                "additionalProperties": False,
                "properties": {"size": {"type": "string"}, "storageClass": {"type": "string"}},
            },
            "bootstrap": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "initdb": {
                        "type": "object",
                        "required": ["database", "owner"],
                        "additionalProperties": False,
                        "properties": {"database": {"type": "string"}, "owner": {"type": "string"}},
                    }
                },
            },
            "backup": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "retentionPolicy": {"type": "string", "pattern": "^[1-9][0-9]*[dwm]$"},
                    "barmanObjectStore": {
                        "type": "object",
                        "required": ["destinationPath"],
                        "additionalProperties": False,
                        "properties": {
                            "destinationPath": {"type": "string"},
                            "s3Credentials": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "accessKeyId": SECRET_KEY,
                                    "secretAccessKey": SECRET_KEY,
                                },
                            },
                        },
                    },
                },
            },
        },
    },
)

CNPG_SCHEDULED_BACKUP = _resource(
    "postgresql.cnpg.io/v1",
    "ScheduledBackup",
    {
        "type": "object",
        "required": ["schedule", "cluster"],
        "additionalProperties": False,
        "properties": {
            # six fields: CloudNativePG's cron format starts with seconds
            "schedule": {"type": "string", "pattern": r"^(\S+\s+){5}\S+$"},
            "backupOwnerReference": {"enum": ["none", "self", "cluster"]},
            "cluster": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}},
            },
        },
    },
)

CLUSTER_REFERENCE: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
}
NAME_REFERENCE: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}},
}


def _topology(kind: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A messaging-topology operator resource: it always names its RabbitmqCluster."""
    return _resource(
        "rabbitmq.com/v1beta1",
        kind,
        {
            "type": "object",
            "required": ["rabbitmqClusterReference", *required],
            "additionalProperties": False,
            "properties": {"rabbitmqClusterReference": CLUSTER_REFERENCE, **properties},
        },
    )


def _patterns(*names: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: {"type": "string"} for name in names},
    }


RABBITMQ_USER = _topology(
    "User",
    [],
    {
        "tags": {
            "type": "array",
            "items": {"enum": ["management", "policymaker", "monitoring", "administrator"]},
        },
        "importCredentialsSecret": NAME_REFERENCE,
    },
)
_USER_PERMISSION = {
    "vhost": {"type": "string"},
    "user": {"type": "string"},
    "userReference": NAME_REFERENCE,
}
RABBITMQ_PERMISSION = _topology(
    "Permission",
    ["vhost", "permissions"],
    {**_USER_PERMISSION, "permissions": _patterns("configure", "write", "read")},
)
RABBITMQ_TOPIC_PERMISSION = _topology(
    "TopicPermission",
    ["vhost", "permissions"],
    {**_USER_PERMISSION, "permissions": _patterns("exchange", "write", "read")},
)
RABBITMQ_EXCHANGE = _topology(
    "Exchange",
    ["name"],
    {
        "name": {"type": "string"},
        "vhost": {"type": "string"},
        "type": {"type": "string"},
        "durable": {"type": "boolean"},
        "autoDelete": {"type": "boolean"},
        "arguments": {"type": "object"},
    },
)

BY_KIND = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): RABBITMQ_CLUSTER,
    ("rabbitmq.com/v1beta1", "User"): RABBITMQ_USER,
    ("rabbitmq.com/v1beta1", "Permission"): RABBITMQ_PERMISSION,
    ("rabbitmq.com/v1beta1", "TopicPermission"): RABBITMQ_TOPIC_PERMISSION,
    ("rabbitmq.com/v1beta1", "Exchange"): RABBITMQ_EXCHANGE,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): CNPG_SCHEDULED_BACKUP,
}
