"""In production the runner warns of every connection that would cross the network unverified
(docs/security.md, "TLS inside"): plain AMQP, PostgreSQL below sslmode=verify-full."""

from __future__ import annotations

from shared.runtime.settings import ServiceSettings
from shared.runtime.startup_checks import plain_text_paths
from shared.testing import secrets as test_secrets


def settings(**values: str) -> ServiceSettings:
    return ServiceSettings.from_mapping(
        {"ENVIRONMENT": "production", **test_secrets.generate(), **values}, "lockout"
    )


def test_plain_amqp_and_unverified_postgresql_are_named() -> None:
    found = plain_text_paths(
        settings(
            AMQP_URI="amqp://u:secret@rabbitmq:5672/",
            DATABASE_URL="postgresql://u:p@lockout-db-rw:5432/lockout",
            DATABASE_POOL_URL="postgresql://u:p@lockout-db-pooler-rw:5432/lockout?sslmode=require",
        ),
        {},
    )
    assert [line.split(":")[0] for line in found] == [
        "AMQP_URI is amqp",
        "DATABASE_URL",
        "DATABASE_POOL_URL",
    ]
    assert "secret" not in " ".join(found)  # the password is never logged
    assert "sslmode=prefer" in found[1] and "sslmode=require" in found[2]


def test_the_clusters_settings_raise_no_warning() -> None:
    cluster = settings(
        AMQP_URI="amqps://u:p@rabbitmq:5671/",
        AMQP_CA_FILE="/etc/caf/tls/rabbitmq/ca.crt",
        DATABASE_URL="postgresql://u:p@lockout-db-rw:5432/lockout",
        DATABASE_POOL_URL="postgresql://u:p@lockout-db-pooler-rw:5432/lockout",
    )
    assert plain_text_paths(cluster, {"PGSSLMODE": "verify-full"}) == []


def test_development_is_not_warned() -> None:
    local = ServiceSettings.from_mapping({"ENVIRONMENT": "test", **test_secrets.generate()}, "x")
    assert plain_text_paths(local, {}) == []
