"""The broker users of docs/security.md, created in a test's own vhost (and deleted after)."""

from __future__ import annotations

import uuid
from typing import Any

from shared.runtime.broker_admin import BrokerAdmin, amqp_uri
from shared.testing.infrastructure import (
    RABBIT_HOST,
    RABBIT_MANAGEMENT,
    RABBIT_PASSWORD,
    RABBIT_PORT,
    RABBIT_USER,
    Vhost,
)


class BrokerUsers:
    """``uri("portal")``: the AMQP_URI of that caller's user in the test's vhost."""

    def __init__(self, vhost: Vhost):
        self.vhost = vhost
        self.prefix = "t" + uuid.uuid4().hex[:8] + "-"  # users are broker-wide, vhosts are not
        self.admin = BrokerAdmin(RABBIT_MANAGEMENT, RABBIT_USER, RABBIT_PASSWORD)
        self.passwords: dict[str, str] = {}

    def create(self) -> None:
        self.admin.declare_topology(self.vhost.name)
        self.passwords = self.admin.create_users(self.vhost.name, self.prefix)

    def delete(self) -> None:
        self.admin.delete_users(self.prefix)

    def uri(self, caller: str) -> str:
        return amqp_uri(
            RABBIT_HOST, RABBIT_PORT, self.vhost.name, self.prefix + caller, self.passwords[caller]
        )


def config_as(service_config: dict[str, Any], users: BrokerUsers, caller: str) -> dict[str, Any]:
    return {**service_config, "AMQP_URI": users.uri(caller)}
