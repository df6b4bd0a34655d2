"""Minimal schemas of the operators' resources we use (kubernetes-validate knows only the
built-in kinds): the fields we set, their types, and no unknown top-level spec field, so a
typo (``replica:``, ``bootstrap.initDB``) fails the check. Written from the operators' API
references (RabbitMQ Cluster Operator and messaging-topology operator rabbitmq.com/v1beta1,
CloudNativePG postgresql.cnpg.io/v1, Prometheus Operator monitoring.coreos.com/v1).
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

STRINGS: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}

#: a Kubernetes Affinity (podAntiAffinity only, as we use it)
AFFINITY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "podAntiAffinity": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"type": "array"},
                "preferredDuringSchedulingIgnoredDuringExecution": {"type": "array"},
            },
        }
    },
}
TOPOLOGY_SPREAD: dict[str, Any] = {
    "type": "object",
    "required": ["maxSkew", "topologyKey", "whenUnsatisfiable"],
    "additionalProperties": False,
    "properties": {
        "maxSkew": {"type": "integer", "minimum": 1},
        "topologyKey": {"type": "string"},
        "whenUnsatisfiable": {"enum": ["DoNotSchedule", "ScheduleAnyway"]},
        "labelSelector": {"type": "object"},
        "matchLabelKeys": {"type": "array", "items": {"type": "string"}},
    },
}


#: a role CloudNativePG keeps in the database (``spec.managed.roles[]``)
CNPG_ROLE: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "ensure": {"enum": ["present", "absent"]},
        "login": {"type": "boolean"},
        "superuser": {"const": False},
        "connectionLimit": {"type": "integer", "minimum": -1},
        "inRoles": {"type": "array", "items": {"type": "string"}},
        "comment": {"type": "string"},
        "passwordSecret": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}},
        },
    },
}

#: a plugin of a CloudNativePG cluster (``spec.plugins[]``, ``externalClusters[].plugin``)
CNPG_PLUGIN: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "enabled": {"type": "boolean"},
        "isWALArchiver": {"type": "boolean"},
        "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
    },
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
            "affinity": AFFINITY,
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
            "tls": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "secretName": {"type": "string"},
                    "caSecretName": {"type": "string"},
                    "disableNonTLSListeners": {"type": "boolean"},
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
            "topologySpreadConstraints": {"type": "array", "items": TOPOLOGY_SPREAD},
            "managed": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"roles": {"type": "array", "items": CNPG_ROLE}},
            },
            "imageName": {"type": "string"},
            "resources": RESOURCES,
            "certificates": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "serverAltDNSNames": {"type": "array", "items": {"type": "string"}},
                    "serverCASecret": {"type": "string"},
                    "serverTLSSecret": {"type": "string"},
                    "clientCASecret": {"type": "string"},
                    "replicationTLSSecret": {"type": "string"},
                },
            },
            "storage": {
                "type": "object",
                "required": ["size"],
                "additionalProperties": False,
                "properties": {"size": {"type": "string"}, "storageClass": {"type": "string"}},
            },
            "bootstrap": {
                "type": "object",
                "additionalProperties": False,
                "maxProperties": 1,
                "properties": {
                    "initdb": {
                        "type": "object",
                        "required": ["database", "owner"],
                        "additionalProperties": False,
                        "properties": {"database": {"type": "string"}, "owner": {"type": "string"}},
                    },
                    "recovery": {
                        "type": "object",
                        "required": ["source"],
                        "additionalProperties": False,
                        "properties": {
                            "source": {"type": "string"},
                            "database": {"type": "string"},
                            "owner": {"type": "string"},
                            "recoveryTarget": {
                                "type": "object",
                                "additionalProperties": False,
                                "maxProperties": 1,
                                "properties": {
                                    "targetTime": {"type": "string"},
                                    "targetImmediate": {"type": "boolean"},
                                    "targetLSN": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
            # the Barman Cloud plugin; the in-tree "backup.barmanObjectStore" (deprecated since
            # CloudNativePG 1.26, removed in 1.32) is refused by leaving "backup" out
            "plugins": {"type": "array", "items": CNPG_PLUGIN},
            "externalClusters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {"name": {"type": "string"}, "plugin": CNPG_PLUGIN},
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
            "method": {"enum": ["plugin", "volumeSnapshot", "barmanObjectStore"]},
            "pluginConfiguration": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "parameters": STRINGS},
            },
            "cluster": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}},
            },
        },
    },
)

COMPRESSION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "compression": {"enum": ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"]},
        "maxParallel": {"type": "integer", "minimum": 1},
    },
}

#: the Prometheus Operator's Duration type
DURATION: dict[str, Any] = {
    "type": "string",
    "pattern": r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?"
    r"(([0-9]+)ms)?)$",
}
LABEL_SELECTOR: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "matchLabels": STRINGS,
        "matchExpressions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "operator"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string"},
                    "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                    "values": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

POD_MONITOR = _resource(
    "monitoring.coreos.com/v1",
    "PodMonitor",
    {
        "type": "object",
        "required": ["selector", "podMetricsEndpoints"],
        "additionalProperties": False,
        "properties": {
            "selector": LABEL_SELECTOR,
            "jobLabel": {"type": "string"},
            "podTargetLabels": {"type": "array", "items": {"type": "string"}},
            "namespaceSelector": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "any": {"type": "boolean"},
                    "matchNames": {"type": "array", "items": {"type": "string"}},
                },
            },
            "podMetricsEndpoints": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "port": {"type": "string"},
                        "portNumber": {"type": "integer", "minimum": 1, "maximum": 65535},
                        "path": {"type": "string", "pattern": "^/"},
                        "scheme": {"enum": ["http", "https"]},
                        "interval": DURATION,
                        "scrapeTimeout": DURATION,
                        "honorLabels": {"type": "boolean"},
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
                        "name": {"type": "string", "minLength": 1},
                        "interval": DURATION,
                        "rules": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["expr"],
                                "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
                                "additionalProperties": False,
                                "properties": {
                                    "alert": {"type": "string"},
                                    "record": {"type": "string"},
                                    "expr": {"type": "string", "minLength": 1},
                                    "for": DURATION,
                                    "keep_firing_for": DURATION,
                                    "labels": STRINGS,
                                    "annotations": STRINGS,
                                },
                            },
                        },
                    },
                },
            }
        },
    },
)

BARMAN_OBJECT_STORE = _resource(
    "barmancloud.cnpg.io/v1",
    "ObjectStore",
    {
        "type": "object",
        "required": ["configuration"],
        "additionalProperties": False,
        "properties": {
            # a recovery window, as barman-cloud-backup-delete reads it
            "retentionPolicy": {"type": "string", "pattern": "^[1-9][0-9]*[dwm]$"},
            "configuration": {
                "type": "object",
                "required": ["destinationPath"],
                "additionalProperties": False,
                "properties": {
                    "destinationPath": {"type": "string", "pattern": "^(s3|gs|https?)://"},
                    "endpointURL": {"type": "string"},
                    "serverName": {"const": ""},  # must stay empty: a plugin parameter instead
                    "s3Credentials": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "accessKeyId": SECRET_KEY,
                            "secretAccessKey": SECRET_KEY,
                            "region": SECRET_KEY,
                            "inheritFromIAMRole": {"type": "boolean"},
                        },
                    },
                    "wal": COMPRESSION,
                    "data": COMPRESSION,
                },
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
                    **{
                        name: {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}},
                        }
                        for name in (
                            "clientTLSSecret",
                            "clientCASecret",
                            "serverTLSSecret",
                            "serverCASecret",
                        )
                    },
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
    ("postgresql.cnpg.io/v1", "Pooler"): CNPG_POOLER,
    ("barmancloud.cnpg.io/v1", "ObjectStore"): BARMAN_OBJECT_STORE,
    ("monitoring.coreos.com/v1", "PodMonitor"): POD_MONITOR,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE,
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): RABBITMQ_CLUSTER,
    ("rabbitmq.com/v1beta1", "User"): RABBITMQ_USER,
    ("rabbitmq.com/v1beta1", "Permission"): RABBITMQ_PERMISSION,
    ("rabbitmq.com/v1beta1", "TopicPermission"): RABBITMQ_TOPIC_PERMISSION,
    ("rabbitmq.com/v1beta1", "Exchange"): RABBITMQ_EXCHANGE,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): CNPG_SCHEDULED_BACKUP,
}
