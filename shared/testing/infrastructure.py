"""Isolated pieces of the real infrastructure for one test session.

Each session gets its own RabbitMQ vhost and its own PostgreSQL database, so parallel runs
(developers, CI) never see each other's queues or events. Both are dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from typing import Any
from urllib.parse import quote

import requests

RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1")
RABBIT_PORT = int(os.environ.get("TEST_RABBIT_PORT", "5672"))
RABBIT_MANAGEMENT = os.environ.get("TEST_RABBIT_MANAGEMENT", "http://127.0.0.1:15672")
RABBIT_USER = os.environ.get("TEST_RABBIT_USER", "guest")
RABBIT_PASSWORD = os.environ.get("TEST_RABBIT_PASSWORD", "guest")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


class Vhost:
    def __init__(self) -> None:
        self.name = "test-" + uuid.uuid4().hex[:12]
        self.auth = (RABBIT_USER, RABBIT_PASSWORD)

    @property
    def uri(self) -> str:
        return (
            f"amqp://{RABBIT_USER}:{RABBIT_PASSWORD}@{RABBIT_HOST}:{RABBIT_PORT}/"
            f"{quote(self.name, safe='')}"
        )

    def create(self) -> None:
        try:
            self._api("put", f"/api/vhosts/{self.name}")
            self._api(
                "put",
                f"/api/permissions/{self.name}/{RABBIT_USER}",
                json={"configure": ".*", "write": ".*", "read": ".*"},
            )
        except requests.ConnectionError:  # management plugin off: use the CLI
            subprocess.run(["rabbitmqctl", "add_vhost", self.name], check=True, capture_output=True)
            subprocess.run(
                ["rabbitmqctl", "set_permissions", "-p", self.name, RABBIT_USER, ".*", ".*", ".*"],
                check=True,
                capture_output=True,
            )

    def delete(self) -> None:
        try:
            self._api("delete", f"/api/vhosts/{self.name}")
        except requests.ConnectionError:
            subprocess.run(["rabbitmqctl", "delete_vhost", self.name], capture_output=True)

    def queue(self, name: str) -> dict[str, Any] | None:
        """The management API's view of a queue (messages, consumers), None if absent."""
        response = requests.get(
            f"{RABBIT_MANAGEMENT}/api/queues/{quote(self.name, safe='')}/{quote(name, safe='')}",
            auth=self.auth,
            timeout=10,
        )
        return response.json() if response.status_code == 200 else None

    def _api(self, method: str, path: str, **kwargs: Any) -> None:
        response = requests.request(
            method, RABBIT_MANAGEMENT + path, auth=self.auth, timeout=10, **kwargs
        )
        response.raise_for_status()


class Database:
    def __init__(self) -> None:
        self.name = "caf_test_" + uuid.uuid4().hex[:12]

    @property
    def url(self) -> str:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{self.name}"

    def create(self) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
