"""delegation's RPC methods as the gateway calls them (docs/api/delegation.md; the contract:
services/delegation/delegation/service.py), always for the account of a session identity has
just verified (or, for Caf connect's userinfo, of a token identity has just found live)."""

from __future__ import annotations

from typing import Any

from .base import ServiceClient

Answer = dict[str, Any]


class DelegationClient(ServiceClient):
    service = "delegation"

    def delegation_prompt(self, account_id: str) -> Answer:
        return self._rpc("delegation_prompt", account_id)

    def answer_delegation_prompt(self, account_id: str, answer: str) -> Answer:
        return self._rpc("answer_delegation_prompt", account_id, answer)

    def set_delegation(self, account_id: str, granted: bool) -> Answer:
        return self._rpc("set_delegation", account_id, granted)

    def delegation_status(self, account_id: str) -> Answer:
        return self._rpc("delegation_status", account_id)

    def household_role(self, account_id: str) -> Answer:
        """``{role}``: Caf connect's userinfo, for the account identity named for a live token."""
        return self._rpc("household_role", account_id)

    def authorize(
        self,
        account_id: str,
        action: str,
        target_account_id: str | None = None,
        benefit: str | None = None,
        channel: str | None = None,
        kind: str | None = None,
    ) -> Answer:
        """``{allowed, reason}``; the qualifiers narrow the action (spec §14's catalogue)."""
        return self._rpc(
            "authorize",
            account_id,
            action,
            target_account_id=target_account_id,
            benefit=benefit,
            channel=channel,
            kind=kind,
        )
