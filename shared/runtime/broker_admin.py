"""Creates the RabbitMQ users of :mod:`shared.runtime.broker_users` through the management API,
and the topology they rely on (``nameko-rpc``, which callers only declare passively).

For development machines and tests; Kubernetes declares the same with the messaging-topology
operator (``deploy/k8s/base/broker-users.yaml``)::

    python -m shared.runtime.broker_admin --vhost / --out var/broker-users.json

writes each user's password (generated) and ``AMQP_URI`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from .broker_users import CALLERS, RPC_EXCHANGE, permissions_for


class BrokerAdmin:
    """The management API of one RabbitMQ, as an administrator."""

    def __init__(self, url: str, user: str, password: str):
        self.url = url.rstrip("/")
        self.auth = (user, password)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> None:
        response = requests.request(method, self.url + path, auth=self.auth, json=body, timeout=10)
        if response.status_code not in (200, 201, 204, 404) or (
            response.status_code == 404 and method != "DELETE"
        ):
            response.raise_for_status()

    def declare_topology(self, vhost: str) -> None:
        """``nameko-rpc`` as nameko declares it (durable topic exchange)."""
        self._call(
            "PUT",
            f"/api/exchanges/{quote(vhost, safe='')}/{RPC_EXCHANGE}",
            {"type": "topic", "durable": True, "auto_delete": False, "internal": False},
        )

    def create_users(self, vhost: str, prefix: str = "") -> dict[str, str]:
        """Creates (or resets) every caller's user ``<prefix><caller>`` with a new password and
        its permissions on ``vhost``; returns caller -> password."""
        passwords = {}
        v = quote(vhost, safe="")
        for row in CALLERS:
            user = prefix + row.name
            password = secrets.token_urlsafe(24)
            self._call("PUT", f"/api/users/{user}", {"password": password, "tags": ""})
            permissions = permissions_for(row)
            self._call(
                "PUT",
                f"/api/permissions/{v}/{user}",
                {
                    "configure": permissions.configure,
                    "write": permissions.write,
                    "read": permissions.read,
                },
            )
            for exchange, (write, read) in permissions.topics.items():
                self._call(
                    "PUT",
                    f"/api/topic-permissions/{v}/{user}",
                    {"exchange": exchange, "write": write, "read": read},
                )
            passwords[row.name] = password
        return passwords

    def delete_users(self, prefix: str = "") -> None:
        for row in CALLERS:
            self._call("DELETE", f"/api/users/{prefix + row.name}")


def amqp_uri(host: str, port: int, vhost: str, user: str, password: str) -> str:
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"amqp://{credentials}@{host}:{port}/{quote(vhost, safe='')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--management", default=os.environ.get("RABBIT_MANAGEMENT", "http://127.0.0.1:15672")
    )
    parser.add_argument("--admin-user", default=os.environ.get("RABBIT_ADMIN_USER", "guest"))
    parser.add_argument(
        "--admin-password-env",
        default="RABBIT_ADMIN_PASSWORD",
        help="variable holding the administrator's password (default: guest)",
    )
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5672)
    parser.add_argument("--out", type=Path, default=Path("var/broker-users.json"))
    args = parser.parse_args(argv)
    admin = BrokerAdmin(
        args.management, args.admin_user, os.environ.get(args.admin_password_env, "guest")
    )
    admin.declare_topology(args.vhost)
    passwords = admin.create_users(args.vhost)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                name: amqp_uri(args.host, args.port, args.vhost, name, pw)
                for name, pw in passwords.items()
            },
            indent=2,
        )
    )
    args.out.chmod(0o600)
    print(f"{len(passwords)} users on vhost {args.vhost!r}; their AMQP_URI in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
