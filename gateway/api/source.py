"""The ``source`` of a login (the person's address and user agent, spec §6 per-source throttle).

Only a client configured with ``trusted_source`` may forward it: any other client would be able
to invent a new address per attempt and escape the per-source count, so its logins are counted
under its own connection's address (the one the ingress saw, through ``TRUSTED_PROXIES``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from connexion_client import InvalidInput
from gateway.api_clients import ApiClient
from gateway.security import client_ip

UNTRUSTED = "Ce client n'est pas autorisé à transmettre l'adresse de la personne."


def login_source(forwarded: dict[str, Any] | None, client: ApiClient) -> dict[str, Any]:
    """The source to count this login under.

    >>> login_source({"ip": "203.0.113.7", "user_agent": "…"}, trusted_client)  # doctest: +SKIP
    {'ip': '203.0.113.7', 'user_agent': '…'}
    """
    if forwarded is None:
        return {
            "ip": client_ip(current_app.config["TRUSTED_PROXIES"]),
            "user_agent": request.headers.get("User-Agent", "")[:256],
        }
    if not client.trusted_source:
        raise InvalidInput(code="untrusted_source", fields={"source": [UNTRUSTED]})
    return forwarded
