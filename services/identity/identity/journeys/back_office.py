"""Back-office calls (spec §8): a NIR for a provisional account, contact details updated by the
agency. Both are recorded with the operator (and the reason, kept as personal data since an
operator may write anything there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from shared.identifiers import Identifier
from shared.runtime.agent_gate import AgentAct
from shared.runtime.clock import Clock
from shared.runtime.sealing import Sealer

from ..domain import Account, IdentifierIndex
from ..store import IdentityStore
from .agent_history import record_agent_act
from .contact_change import AGENT_ACTIONS, record_contact_change


@dataclass
class BackOffice:
    store: IdentityStore
    clock: Clock
    sealer: Sealer

    def assign_nir(
        self,
        provisional: Identifier,
        nir: Identifier,
        operator: str,
        reason: str | None = None,
        act: AgentAct | None = None,
    ) -> dict[str, Any]:
        """``back_office.assign_nir(parse_provisional("P33392250"), nir, "agent-42")``
        -> ``{"outcome": "assigned", "identifier_display": "1 62 09 …"}``.

        The provisional identifier is retired (it no longer logs in, is never drawn again); the
        password stays; notification tells the person to log in with the NIR.
        """
        account = self.store.account_for(provisional)
        if account is None:
            return {"outcome": "unknown_identifier", "identifier_display": None}
        if not account.is_provisional:
            return {"outcome": "not_provisional", "identifier_display": None}
        if self.store.identifier_taken(nir):
            return {"outcome": "nir_already_has_account", "identifier_display": None}
        now = self.clock.now()
        account.assign_nir(
            identifier=self.store.personal(account.id, nir.value),
            identifier_key=self.store.identifier_key(nir),
            nir_key=self.store.pseudonyms.of("nir", nir.value),
            operator=operator,
            reason=self.store.expiring(account.id, reason, AGENT_ACTIONS, now) if reason else None,
            at=now,
        )
        if act is not None:
            record_agent_act(self.store, account, "assign_nir", act, now)
        old_index: IdentifierIndex = self.store.get(self.store.identifier_index_id(provisional))
        old_index.retire(at=now)
        new_index = IdentifierIndex(
            account_id=account.id,
            identifier_key=self.store.identifier_key(nir),
            id=self.store.identifier_index_id(nir),  # type: ignore[call-arg]  # eventsourcing's id=
        )
        try:
            ended = self.store.revoke_sessions(account.id, "nir_assigned")
            self.store.save(account, old_index, new_index, ended)
        except IntegrityError:
            # Someone registered this NIR, or another operator assigned it, meanwhile.
            return {"outcome": "nir_already_has_account", "identifier_display": None}
        return {"outcome": "assigned", "identifier_display": nir.display}

    def update_contacts(
        self,
        identifier: Identifier,
        contacts: dict[str, Any],
        operator: str,
        reason: str | None = None,
        act: AgentAct | None = None,
    ) -> dict[str, Any]:
        """Contacts as loaded by ``schemas.ContactsSchema``:
        ``back_office.update_contacts(nir, {"email": "d@test.fr", "phone": None, …}, "agent-42")``
        -> ``{"outcome": "updated"}``."""
        account = self.store.account_for(identifier)
        if account is None:
            return {"outcome": "unknown_identifier"}
        store = self.store

        def recorded(current: Account, at: datetime) -> None:
            if act is not None:
                record_agent_act(store, current, "update_contacts", act, at)

        record_contact_change(
            self.store, self.clock, self.sealer, account.id, contacts, operator, reason,
            agent_act=recorded,
        )  # fmt: skip
        return {"outcome": "updated"}
