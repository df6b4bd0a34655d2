"""The console's RPC client (as the ``back-office`` broker user) and the typed calls it makes,
one per back-office method of docs/console-contract (console/tests/unit/test_contract.py checks
them against the services' signatures). Each call carries the agent's access token for the
target service (agency.exchange) and the reason's code; the services record the agent from the
token, never from an argument.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from flask import Flask, current_app, g, session

from connexion_client import ConnexionClient

from . import agency, metrics

EXTENSION = "console_rpc"


def install(app: Flask, client: ConnexionClient) -> None:
    app.extensions[EXTENSION] = client


def correlation_id() -> str:
    if "correlation_id" not in g:
        g.correlation_id = "console-" + uuid.uuid4().hex
    return str(g.correlation_id)


def call(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """One back-office call as the signed-in agent: ``agent_token`` for ``service``."""
    token = agency.exchange(session["access_token"], service)
    client: ConnexionClient = current_app.extensions[EXTENSION]
    started, outcome = time.perf_counter(), "ok"
    try:
        with client.correlated(correlation_id()):
            return client.call(service, method, *args, agent_token=token, **kwargs)
    except Exception as error:
        outcome = metrics.rpc_outcome(error)
        raise
    finally:
        metrics.RPC_CALLS.labels(service, method, outcome).observe(time.perf_counter() - started)


# --- reads (docs/console-contract: token-gated, each recorded by the service) -------------------


def find_account(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("identity", "agent_find_account", identifier, reason))


def freeze_status(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("lockout", "agent_freeze_status", identifier, reason))


def household_view(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("delegation", "agent_household_view", identifier, reason))


# --- actions --------------------------------------------------------------------------------


def lift_freeze(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("lockout", "lift_freeze", identifier, reason=reason))


def update_contacts(identifier: str, contacts: dict[str, str], reason: str) -> dict[str, Any]:
    return dict(call("identity", "update_contacts", identifier, contacts, reason=reason))


def assign_nir(provisional_identifier: str, nir: str, reason: str) -> dict[str, Any]:
    return dict(call("identity", "assign_nir", provisional_identifier, nir, reason=reason))


def end_sessions(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("identity", "agent_end_sessions", identifier, reason))


def send_code_by_letter(identifier: str, reason: str) -> dict[str, Any]:
    return dict(call("identity", "agent_send_code_by_letter", identifier, reason))


def register_household(
    dossier_number: str, members: list[dict[str, Any]], reason: str
) -> dict[str, Any]:
    return dict(call("delegation", "register_household", dossier_number, members, reason=reason))


def update_household(
    dossier_number: str, members: list[dict[str, Any]], reason: str
) -> dict[str, Any]:
    return dict(call("delegation", "update_household", dossier_number, members, reason=reason))


#: What each typed call sends: (service, method, positional parameters, keyword parameters),
#: checked against the services' methods (console/tests/unit/test_contract.py).
CONTRACT: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "find_account": ("identity", "agent_find_account", ("identifier", "reason"), ("agent_token",)),
    "freeze_status": ("lockout", "agent_freeze_status", ("identifier", "reason"), ("agent_token",)),
    "household_view": (
        "delegation",
        "agent_household_view",
        ("identifier", "reason"),
        ("agent_token",),
    ),
    "lift_freeze": ("lockout", "lift_freeze", ("identifier",), ("reason", "agent_token")),
    "update_contacts": (
        "identity",
        "update_contacts",
        ("identifier", "contacts"),
        ("reason", "agent_token"),
    ),
    "assign_nir": (
        "identity",
        "assign_nir",
        ("provisional_identifier", "nir"),
        ("reason", "agent_token"),
    ),
    "end_sessions": ("identity", "agent_end_sessions", ("identifier", "reason"), ("agent_token",)),
    "send_code_by_letter": (
        "identity",
        "agent_send_code_by_letter",
        ("identifier", "reason"),
        ("agent_token",),
    ),
    "register_household": (
        "delegation",
        "register_household",
        ("dossier_number", "members"),
        ("reason", "agent_token"),
    ),
    "update_household": (
        "delegation",
        "update_household",
        ("dossier_number", "members"),
        ("reason", "agent_token"),
    ),
}
