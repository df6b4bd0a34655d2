"""The account, "Mon Compte" (pure: no I/O, no clock, no randomness; see the package's notes).

Uniqueness is kept by the indexes of :mod:`.indexes`, saved with the account.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.runtime.personal_data import PersonalData

#: Connections kept in an account's state ("Mon historique" shows at most these; the events keep
#: them all for the audit). Bounded so that loading an account costs the same whatever its age:
#: a long history made a known account measurably slower to answer than an unknown identifier.
HISTORY_KEPT = 50
#: Agents' look-ups and actions kept in the account's state for « Mon historique » (bounded for
#: the same reason; the events keep them all for the audit).
AGENT_HISTORY_KEPT = 100
#: the operator recorded when the person changes their own contact details (no agent)
SELF = "titulaire"


class Account(Aggregate):
    """A person's "Mon Compte": login identifier, civil status, contacts, password, history."""

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Registered")
    def __init__(
        self,
        *,
        identifier_kind: str,
        identifier_key: str,
        nir_key: str | None,
        identifier: PersonalData,
        civil_status: PersonalData,
        contact: PersonalData,
        password_hash: PersonalData,
        registered_at: datetime,
        supporting_documents_required: bool,
        benefit_request: str | None,
        sealed_contact: PersonalData | None,
        registration_id: uuid.UUID,
    ):
        self.identifier_kind = identifier_kind
        self.identifier_key = identifier_key
        self.nir_key = nir_key
        self.identifier = identifier
        self.civil_status = civil_status
        self.contact = contact
        self.password_hash = password_hash
        self.password_changed_at = registered_at
        self.registered_at = registered_at
        self.supporting_documents_required = supporting_documents_required
        self.benefit_request = benefit_request
        self.registration_id = registration_id
        self.history: list[dict[str, Any]] = []

    # -- what the account knows --------------------------------------------------------------

    @property
    def is_provisional(self) -> bool:
        return self.identifier_kind == "provisional"

    def last_login_before(self, session_id: str | None) -> datetime | None:
        """The "dernière connexion" line: the latest successful login other than this session."""
        for entry in reversed(self.history):
            if entry["outcome"] == "ok" and entry.get("session_id") != session_id:
                return entry["at"]
        return None

    # -- provisional identifier ----------------------------------------------------------------

    @event("ProvisionalIdentifierSent")
    def send_provisional_identifier(
        self, *, reason: str, channel: str, sealed: PersonalData | None, at: datetime
    ) -> None:
        """Recorded so the relay asks notification to send it (registration or recovery)."""

    # -- passwords ------------------------------------------------------------------------------

    def change_password(self, *, password_hash: PersonalData, reason: str, at: datetime) -> None:
        """A new password, by "mot de passe oublié" (``reason="reset"``) or while logged in."""
        self._change_password(
            password_hash=password_hash, reason=reason, identifier_key=self.identifier_key, at=at
        )

    @event("PasswordChanged")
    def _change_password(
        self, *, password_hash: PersonalData, reason: str, identifier_key: str, at: datetime
    ) -> None:
        self.password_hash = password_hash
        self.password_changed_at = at

    @event("PasswordRehashed")
    def rehash_password(self, *, password_hash: PersonalData) -> None:
        """Same password, today's argon2 parameters; not a change (the campaign date stays)."""
        self.password_hash = password_hash

    # -- logins ---------------------------------------------------------------------------------

    def record_login(
        self,
        *,
        at: datetime,
        method: str,
        source: PersonalData | None,
        source_key: PersonalData | str | None,  # under a month key since retention
        session_id: str,
        reservation_id: str | None = None,
    ) -> None:
        """``reservation_id``: lockout's check this login settles (published with it)."""
        self._record_login(
            at=at,
            method=method,
            source=source,
            source_key=source_key,
            session_id=session_id,
            identifier_key=self.identifier_key,
            reservation_id=reservation_id,
        )

    @event("LoginSucceeded")
    def _record_login(
        self,
        *,
        at: datetime,
        method: str,
        source: PersonalData | None,
        source_key: PersonalData | str | None,  # under a month key since retention
        session_id: str,
        identifier_key: str,
        reservation_id: str | None = None,  # issue #28; absent from older events
    ) -> None:
        entry = {"at": at, "method": method, "outcome": "ok", "source": source}
        self.history.append({**entry, "session_id": session_id})
        del self.history[:-HISTORY_KEPT]

    def record_failed_login(
        self,
        *,
        at: datetime,
        method: str,
        reason: str,
        source: PersonalData | None,
        source_key: PersonalData | str | None,  # under a month key since retention
        reservation_id: str | None = None,
    ) -> None:
        self._record_failed_login(
            at=at,
            method=method,
            reason=reason,
            source=source,
            source_key=source_key,
            identifier_key=self.identifier_key,
            reservation_id=reservation_id,
        )

    @event("LoginFailed")
    def _record_failed_login(
        self,
        *,
        at: datetime,
        method: str,
        reason: str,
        source: PersonalData | None,
        source_key: PersonalData | str | None,  # under a month key since retention
        identifier_key: str,
        reservation_id: str | None = None,  # issue #28; absent from older events
    ) -> None:
        self.history.append({"at": at, "method": method, "outcome": reason, "source": source})
        del self.history[:-HISTORY_KEPT]

    # -- back office ------------------------------------------------------------------------------

    def assign_nir(
        self,
        *,
        identifier: PersonalData,
        identifier_key: str,
        nir_key: str,
        operator: str,
        reason: PersonalData | None,
        at: datetime,
    ) -> None:
        if not self.is_provisional:
            raise NotProvisionalError(self.id)
        self._assign_nir(
            identifier=identifier,
            identifier_key=identifier_key,
            previous_identifier_key=self.identifier_key,
            nir_key=nir_key,
            operator=operator,
            reason=reason,
            at=at,
        )

    @event("NirAssigned")
    def _assign_nir(
        self,
        *,
        identifier: PersonalData,
        identifier_key: str,
        previous_identifier_key: str,
        nir_key: str,
        operator: str,
        reason: PersonalData | None,
        at: datetime,
    ) -> None:
        self.identifier = identifier
        self.identifier_key = identifier_key
        self.identifier_kind = "nir"
        self.nir_key = nir_key

    @event("ContactsUpdated")
    def update_contacts(
        self,
        *,
        contact: PersonalData,
        sealed_contact: PersonalData | None,
        operator: str,
        reason: PersonalData | None,
        at: datetime,
    ) -> None:
        self.contact = contact
        # « Mon historique » shows it: by the person (SELF) or by an agent of the Caf.
        by = "self" if operator == SELF else "agent"
        self.history.append({"at": at, "method": by, "outcome": "contacts_changed", "source": None})
        del self.history[:-HISTORY_KEPT]

    # -- what agents looked at and did (SPEC §19, « Mon historique ») ---------------------------

    @property
    def agent_history(self) -> list[dict[str, Any]]:
        """Agents' look-ups and actions, oldest first (an account saved before has none)."""
        return self.__dict__.setdefault("_agent_history", [])

    @event("AgentActed")
    def record_agent_act(
        self,
        *,
        kind: str,
        action: str,
        agency: str,
        reason: str | None,
        agent_name: PersonalData | None,
        at: datetime,
    ) -> None:
        """``kind``: ``agent_lookup`` or ``agent_action``; ``action``: the method
        (``agent_find_account``, ``lift_freeze``…); ``reason``: its code (AGENT_REASONS), None
        for free text; ``agent_name``: under the month key of ``agent_actions``."""
        entry = {"kind": kind, "action": action, "agency": agency, "reason": reason,
                 "agent_name": agent_name, "at": at}  # fmt: skip
        self.agent_history.append(entry)
        del self.agent_history[:-AGENT_HISTORY_KEPT]

    def contact_changes_since(self, since: datetime) -> int:
        """Changes the person made themself since ``since`` (the daily limit counts them)."""
        return sum(
            1
            for entry in self.history
            if entry["outcome"] == "contacts_changed" and entry["method"] == "self"
            and entry["at"] >= since
        )  # fmt: skip


class NotProvisionalError(Exception):
    """The account already logs in with a NIR: there is nothing to assign."""
