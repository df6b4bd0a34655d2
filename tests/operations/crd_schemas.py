"""Minimal schemas of the operators' resources we use (kubernetes-validate knows only the
built-in kinds): the fields we set, their types, and no unknown top-level spec field, so a
typo (``replica:``, ``bootstrap.initDB``) fails the check. Written from the operators' API
references (RabbitMQ Cluster Operator rabbitmq.com/v1beta1, CloudNativePG postgresql.cnpg.io/v1,
Prometheus Operator monitoring.coreos.com/v1).
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

CNPG_POOLER = _resource(
    "postgresql.cnpg.io/v1",
    "Pooler",
    {
        "type": "object",
        "required": ["cluster", "pgbouncer"],
        "additionalProperties": False,
        "properties": {
            "cluster": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}},
            },
            "instances": {"type": "integer", "minimum": 0},
            "type": {"enum": ["rw", "ro", "r"]},
            "pgbouncer": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "poolMode": {"enum": ["session", "transaction"]},
                    "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
                    "paused": {"type": "boolean"},
                },
            },
            "template": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "metadata": {"type": "object"},
                    "spec": {
                        "type": "object",
                        "properties": {
                            "containers": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "resources": RESOURCES,
                                    },
                                },
                            }
                        },
                    },
                },
            },
        },
    },
)

PROMETHEUS_RULE = _resource(
    "monitoring.coreos.com/v1",
    "PrometheusRule",
    {
        "type": "object",
        "required": ["groups"],
        "additionalProperties": False,
        "properties": {
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "rules"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "interval": {"type": "string"},
                        "rules": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["expr"],
                                "additionalProperties": False,
                                "properties": {
                                    "alert": {"type": "string"},
                                    "record": {"type": "string"},
                                    "expr": {"type": "string"},
                                    "for": {"type": "string", "pattern": r"^\d+[smhd]$"},
                                    "labels": {"type": "object"},
                                    "annotations": {"type": "object"},
                                },
                            },
                        },
                    },
                },
            }
        },
    },
)

BY_KIND = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): RABBITMQ_CLUSTER,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): CNPG_SCHEDULED_BACKUP,
    ("postgresql.cnpg.io/v1", "Pooler"): CNPG_POOLER,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE,
}
