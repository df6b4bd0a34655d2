"""The back-office methods as the agents' console calls them (SPEC §19, docs/api/*.md; the
contract: each service's ``service.py``): apart from the portal's clients, since only the
``back-office`` broker user may call them. Each call carries the agent's access token for that
service (``agent_token``, RFC 9068) and a reason code of ``AGENT_REASONS``; the operator the
services record is the token's (``operator`` is only read without agents' tokens: development
and tests).

    identity = IdentityBackOfficeClient(call)
    identity.agent_find_account("1 85 05 75 123 456", "appel", agent_token=token)
"""

from __future__ import annotations

from typing import Any

from .base import ServiceClient

Answer = dict[str, Any]


class IdentityBackOfficeClient(ServiceClient):
    service = "identity"

    def agent_find_account(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> Answer:
        """``{"found": False}`` or ``{"found": True, "account": {…}}``; recorded either way."""
        return self._rpc(
            "agent_find_account", identifier, reason, agent_token=agent_token, operator=operator
        )

    def agent_end_sessions(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> Answer:
        """``{"outcome": "ended", "sessions_ended": 2}``."""
        return self._rpc(
            "agent_end_sessions", identifier, reason, agent_token=agent_token, operator=operator
        )

    def agent_send_code_by_letter(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> Answer:
        """``{"outcome": "sent", …}``; InvalidInput ``no_postal_address``."""
        return self._rpc(
            "agent_send_code_by_letter", identifier, reason,
            agent_token=agent_token, operator=operator,
        )  # fmt: skip

    def assign_nir(
        self,
        provisional_identifier: str,
        nir: str,
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> Answer:
        """``{"outcome": "assigned", "identifier_display": …}``."""
        return self._rpc(
            "assign_nir", provisional_identifier, nir,
            operator=operator, reason=reason, agent_token=agent_token,
        )  # fmt: skip

    def update_contacts(
        self,
        identifier: str,
        contacts: dict[str, Any],
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> Answer:
        """``{"outcome": "updated"}`` (the previous contacts are told first)."""
        return self._rpc(
            "update_contacts", identifier, contacts,
            operator=operator, reason=reason, agent_token=agent_token,
        )  # fmt: skip


class LockoutBackOfficeClient(ServiceClient):
    service = "lockout"

    def agent_freeze_status(
        self,
        identifier: str,
        reason: str,
        agent_token: str | None = None,
        operator: str | None = None,
    ) -> Answer:
        """``{"frozen": True, "until", "seconds_left", "failures", "captcha_required"}``."""
        return self._rpc(
            "agent_freeze_status", identifier, reason, agent_token=agent_token, operator=operator
        )

    def lift_freeze(
        self,
        identifier: str,
        operator: str | None = None,
        reason: str | None = None,
        agent_token: str | None = None,
    ) -> dict[str, str]:
        """``{"outcome": "lifted"}`` or ``{"outcome": "not_frozen"}``."""
        return self._rpc(
            "lift_freeze", identifier, operator=operator, reason=reason, agent_token=agent_token
        )


class DelegationBackOfficeClient(ServiceClient):
    service = "delegation"

    def agent_household_view(
        self, identifier: Any, reason: Any, agent_token: Any = None, operator: Any = None
    ) -> Answer:
        """``{"found": True, "members": […], "delegation": {"state", "since"}}``."""
        return self._rpc(
            "agent_household_view", identifier, reason, agent_token=agent_token, operator=operator
        )

    def register_household(
        self,
        dossier_number: Any,
        members: Any,
        operator: Any = None,
        agent_token: Any = None,
        reason: Any = None,
    ) -> Answer:
        """``{"outcome": "registered", "dossier_number": …}``."""
        return self._rpc(
            "register_household", dossier_number, members, operator=operator,
            agent_token=agent_token, reason=reason,
        )  # fmt: skip

    def update_household(
        self,
        dossier_number: Any,
        members: Any,
        operator: Any = None,
        agent_token: Any = None,
        reason: Any = None,
    ) -> Answer:
        """As ``register_household``."""
        return self._rpc(
            "update_household", dossier_number, members, operator=operator,
            agent_token=agent_token, reason=reason,
        )  # fmt: skip
