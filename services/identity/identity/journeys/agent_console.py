"""The agents' console's side of identity (SPEC §19): find a person by NIR or provisional
identifier, see the account as the person sees it, end their sessions, send a code by letter;
and « Mon historique »'s entries of what agents looked at and did.

Every look-up is recorded (:class:`AgentLookups`, found or not) and counted against the agent's
daily limit; on an account found, the account records it too (``AgentActed``), so the person sees
it. The agent's name is kept (under the month key of ``agent_actions``) but shown to the person
only when the agency configures ``AGENT_NAME_SHOWN_TO_PERSON``.

>>> console.find_account(parse_identifier("P33392250"), act, full_contacts=False)  # doctest: +SKIP
{"found": True, "account": {"identifier_display": "P33392250", "contacts": {…, "full": False}, …}}
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.contacts import mask_email, mask_phone
from shared.identifiers import Identifier
from shared.runtime import metrics
from shared.runtime.agent_gate import AgentAct
from shared.runtime.agent_tokens import Agent
from shared.runtime.clock import Clock
from shared.runtime.pseudonyms import uuid_of_pseudonym
from shared.runtime.rpc import InvalidInput
from shared.runtime.settings import ServiceSettings

from ..domain import (
    Account,
    AgentLookups,
    CodeFlow,
    RevokedSession,
    SessionRevocations,
    SessionsCutoff,
)
from ..store import NO_ACCOUNT, IdentityStore
from .agent_history import record_agent_act
from .channels import masked_channels
from .code_on_file import CodeOnFile
from .code_steps import CodeSteps
from .contact_change import AGENT_ACTIONS
from .my_account import identifier_display

#: the most recent « Mon historique » entries the console shows the agent
HISTORY_SHOWN_TO_AGENT = 20


@dataclass
class AgentConsole:
    store: IdentityStore
    clock: Clock
    steps: CodeSteps
    settings: ServiceSettings
    lookups_per_day: int
    session_max_lifetime: timedelta

    def __post_init__(self) -> None:
        self.on_file = CodeOnFile(self.store, self.steps)

    # -- look-up ------------------------------------------------------------------------------

    def find_account(
        self, identifier: Identifier, act: AgentAct, full_contacts: bool, history: Any
    ) -> dict[str, Any]:
        """``{"found": False}`` or ``{"found": True, "account": {…}}``; the look-up is recorded
        either way. Over the agent's daily limit: InvalidInput ``agent_lookup_limit``, nothing
        recorded. ``history``: the function that lists an account's « Mon historique »."""
        now = self.clock.now()
        agent_key = self.store.pseudonyms.of("agent", act.agent.subject)
        day = now.date().isoformat()
        found: dict[str, Any] = {}

        def look_up() -> list[Any]:
            lookups = self.store.find(AgentLookups.create_id(agent_key, day))
            if lookups is None:
                lookups = AgentLookups(agent_key=agent_key, day=day)  # id: create_id
            if lookups.count >= self.lookups_per_day:
                metrics.AGENT_LOOKUPS.labels(service="identity", outcome="limit_reached").inc()
                raise InvalidInput(
                    code="agent_lookup_limit",
                    message=(
                        f"Limite de {self.lookups_per_day} consultations par jour atteinte :"
                        " reprenez demain ou adressez-vous à votre responsable."
                    ),
                    fields={"identifier": ["Limite quotidienne de consultations atteinte."]},
                )
            account = self.store.account_for(identifier)
            subject = account.id if account is not None else NO_ACCOUNT
            lookups.record(
                account_id=account.id if account is not None else None,
                operator=self.store.expiring(subject, act.operator, AGENT_ACTIONS, now),
                agency=act.agency,
                reason=act.reason or "",
                at=now,
            )
            found["account"] = account
            if account is None:
                return [lookups]
            self._record(account, "agent_lookup", "agent_find_account", act, now)
            return [lookups, account]

        self.store.save_with_retry(look_up)
        account: Account | None = found["account"]
        outcome = "found" if account is not None else "not_found"
        metrics.AGENT_LOOKUPS.labels(service="identity", outcome=outcome).inc()
        if account is None:
            return {"found": False}
        return {"found": True, "account": self._view(account, full_contacts, history, now)}

    def _view(
        self, account: Account, full_contacts: bool, history: Any, now: datetime
    ) -> dict[str, Any]:
        civil = account.civil_status.value or {}
        contact = account.contact.value or {}
        email, phone = contact.get("email"), contact.get("phone")
        last = account.last_login_before(None)
        return {
            "identifier_display": identifier_display(account),
            "identifier_kind": account.identifier_kind,
            "civility": civil.get("civility"),
            "first_names": civil.get("first_names"),
            "last_name": civil.get("usage_name") or civil.get("birth_name"),
            "created_at": account.registered_at.isoformat(),
            "last_connection_at": last.isoformat() if last else None,
            "contacts": {
                "email": email if full_contacts else (mask_email(email) if email else None),
                "phone": phone if full_contacts else (mask_phone(phone) if phone else None),
                "postal_address": bool(contact.get("postal_address")),
                "full": full_contacts,
            },
            "sessions_open": len(self.open_sessions(account, now)),
            "franceconnect_linked": any(e["method"] == "franceconnect" for e in account.history),
            "history": history(account)[:HISTORY_SHOWN_TO_AGENT],
        }

    # -- actions ------------------------------------------------------------------------------

    def end_sessions(self, identifier: Identifier, act: AgentAct) -> dict[str, Any]:
        """Every session of the account ends (as « se déconnecter de tous les appareils »):
        ``{"outcome": "ended", "sessions_ended": 2}``; ``unknown_identifier`` without account."""
        if self.store.account_for(identifier, read_only=True) is None:
            return {"outcome": "unknown_identifier", "sessions_ended": 0}
        ended: dict[str, int] = {}

        def end() -> list[Any]:
            account = self.store.account_for(identifier)
            assert account is not None
            now = self.clock.now()
            ended["count"] = len(self.open_sessions(account, now))
            cutoff = self.store.find(SessionsCutoff.create_id(account.id))
            if cutoff is None:
                cutoff = SessionsCutoff(account_id=account.id, at=now)
            else:
                cutoff.move(now)
            self._record(account, "agent_action", "agent_end_sessions", act, now)
            return [account, cutoff]

        self.store.save_with_retry(end)
        return {"outcome": "ended", "sessions_ended": ended["count"]}

    def send_code_by_letter(self, identifier: Identifier, act: AgentAct) -> dict[str, Any]:
        """A « mot de passe oublié » code by letter to the postal address on file (SPEC §8,
        valid ``CODE_LIFETIME_LETTER_S``): ``{"outcome": "sent", "reset_id", "expires_at"}``.
        No account: ``unknown_identifier``; no postal address: ``no_postal_address``."""
        account = self.store.account_for(identifier)
        if account is None:
            return {"outcome": "unknown_identifier"}
        channels = masked_channels(account.contact.value or {})
        if not any(channel["channel"] == "letter" for channel in channels):
            raise InvalidInput(
                code="no_postal_address",
                message="Aucune adresse postale n'est connue pour ce compte.",
                fields={"identifier": ["Aucune adresse postale n'est connue pour ce compte."]},
            )
        now = self.clock.now()
        reset = CodeFlow.password_reset(
            id=uuid.uuid4(),
            account_id=account.id,
            channels=self.store.personal(account.id, channels),
            started_at=now,
        )
        sent = self.on_file.send(reset, "letter")  # saves the flow and its code
        if sent.get("outcome") != "sent":
            return {"outcome": sent.get("outcome", "not_sent")}

        def record() -> list[Any]:
            current: Account = self.store.get(account.id)
            self._record(current, "agent_action", "agent_send_code_by_letter", act, now)
            return [current]

        self.store.save_with_retry(record)
        expires_at = sent.get("expires_at")
        return {"outcome": "sent", "reset_id": str(reset.id), "expires_at": expires_at}

    def freeze_lifted(self, payload: dict[str, Any]) -> list[Any]:
        """lockout's AccountUnfrozen by an agent: the account it names records the action
        (lockout keeps who and why; here the agency, the reason's code, the agent's name)."""
        index = self.store.find(uuid_of_pseudonym(payload["identifier_key"]))
        account_id = getattr(index, "active_account_id", None)
        if account_id is None:
            return []  # no account (a freeze of an unknown identifier): nobody to tell
        account: Account = self.store.get(account_id)
        act = self._act_of(payload)
        self._record(account, "agent_action", "lift_freeze", act, self.clock.now())
        return [account]

    def household_filed(self, payload: dict[str, Any]) -> list[Any]:
        """delegation's HouseholdFiledByAgent: each member's account records the action."""
        act = self._act_of(payload)
        changed = []
        for account_id in payload["account_ids"]:
            account = self.store.find(uuid.UUID(str(account_id)))
            if isinstance(account, Account):
                self._record(account, "agent_action", payload["action"], act, self.clock.now())
                changed.append(account)
        return changed

    def _act_of(self, payload: dict[str, Any]) -> AgentAct:
        """The agent's act another service published (operator ``"Name (subject)"``)."""
        operator = str(payload.get("operator") or "")
        name = operator.rsplit(" (", 1)[0] if operator.endswith(")") else operator
        reason = payload.get("reason")
        return AgentAct(
            agent=Agent(subject=operator, name=name, roles=()),
            reason=reason,
            reason_label=reason if reason else None,
            agency=payload.get("agency") or self.settings.agent_default_agency,
        )

    def _record(
        self, account: Account, kind: str, action: str, act: AgentAct, at: datetime
    ) -> None:
        record_agent_act(self.store, account, action, act, at, kind=kind)

    # -- what is open --------------------------------------------------------------------------

    def open_sessions(self, account: Account, now: datetime) -> list[str]:
        """The sessions of the account that may still be live: logins within the sessions'
        maximum lifetime, not logged out, not before the last « tous les appareils » nor the
        last revocation (an upper bound: an idle session expires sooner)."""
        cutoff = self.store.find(SessionsCutoff.create_id(account.id))
        since = now - self.session_max_lifetime
        if cutoff is not None:
            since = max(since, cutoff.at)
        revocations = self.store.find(SessionRevocations.create_id(account.id))
        revoked_at = getattr(revocations, "revoked_at", None)
        if revoked_at is not None:
            since = max(since, revoked_at)
        open_ = []
        for entry in account.history:
            session_id = entry.get("session_id")
            if entry["outcome"] != "ok" or not session_id or entry["at"] <= since:
                continue
            try:
                logged_out = isinstance(self.store.find(uuid.UUID(session_id)), RevokedSession)
            except ValueError:
                logged_out = False
            if not logged_out:
                open_.append(session_id)
        return open_
