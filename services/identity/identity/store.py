"""What every journey reads and writes: aggregates by id, accounts by identifier, saves.

The journeys receive this, not the application: it is the store (eventsourcing's repository and
``save``), the keyed pseudonyms the indexes are named by, and per-person encryption.

>>> store.account_for(parse_nir("1 63 06 31 555 082"))   # doctest: +SKIP
<Account …>
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import MutableOrImmutableAggregate

from shared.identifiers import Identifier
from shared.privacy.buckets import bucketed
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.personal_data import PersonalData
from shared.runtime.request_outcomes import Marker
from shared.runtime.rpc import InvalidInput
from shared.runtime.rpc_entrypoint import Request

from .civil_status import matching_text
from .domain import Account, CivilStatusIndex, CodeFlow, IdentifierIndex, SessionRevocations
from .domain.session_revocation import Cause
from .lockout_port import LockoutPort
from .sessions import SessionClaims
from .sources import SourceClassifier

#: the key subject of values about no account (failures of unknown identifiers, answers about
#: NIRs): nobody to erase them for, they expire with their month only (docs/privacy.md)
NO_ACCOUNT = uuid.UUID("8d3e5a41-7c2b-4f90-a6e1-2b9c0d4f7e63")


class IdentityStore:
    def __init__(self, application: ServiceApplication, sources: SourceClassifier):
        self._application = application
        self.pseudonyms = application.pseudonyms
        self.sources = sources

    # -- reading and writing ---------------------------------------------------------------------

    def get(self, aggregate_id: uuid.UUID) -> Any:
        return self._application.repository.get(aggregate_id)

    def find(self, aggregate_id: uuid.UUID) -> Any | None:
        """The aggregate, or None if it was never saved."""
        return self._application.find(aggregate_id)

    def recorded_outcome(self, request: Request | None, action: str) -> Marker | None:
        """What ``request`` recorded for ``action`` if it acted already (a redelivery)."""
        return self._application.recorded_outcome(request, action)

    def save(self, *aggregates: MutableOrImmutableAggregate[Any] | None) -> None:
        self._application.save(*aggregates)

    def save_with_retry(self, command: Callable[[], Any]) -> Any:
        """Runs ``command`` (load, decide, return the aggregates, or ``Decided``) until its save
        wins; a ``Decided`` command's result comes back."""
        return self._application.save_with_retry(command)

    def shred(self, subject_id: uuid.UUID) -> None:
        """Destroys ``subject_id``'s key: every value under it reads as erased, for good."""
        if not self._application.vault.is_erased(subject_id):
            self._application.vault.erase(subject_id)

    @staticmethod
    def personal(subject_id: uuid.UUID, value: Any) -> PersonalData:
        return PersonalData(subject_id, value)

    @staticmethod
    def expiring(subject_id: uuid.UUID, value: Any, category: str, at: datetime) -> PersonalData:
        """A personal value that also expires with its month (a row of the retention table,
        docs/privacy.md): ``store.expiring(account.id, source, "connection_sources", now)``."""
        return bucketed(subject_id, value, category, at)

    # -- identifiers and indexes -----------------------------------------------------------------

    def identifier_key(self, identifier: Identifier) -> str:
        return self.pseudonyms.of("identifier", identifier.value)

    def nir_key(self, identifier: Identifier) -> str | None:
        return self.pseudonyms.of("nir", identifier.value) if identifier.kind == "nir" else None

    def source_key(self, source: dict[str, str] | None) -> str | None:
        """The keyed pseudonym of the connection's IP address, if the gateway gave one."""
        return self.pseudonyms.of("source", source["ip"]) if source and source.get("ip") else None

    def source_of(self, source: dict[str, str] | None) -> tuple[str | None, bool]:
        """The per-source throttle's key (IPv6 per /64) and whether it is a partner's range."""
        if not source or not source.get("ip"):
            return None, False
        counted = self.sources.classify(source["ip"])
        return self.pseudonyms.of("source", counted.network), counted.partner

    def note_lookup(
        self, identifier_key: str, source: dict[str, str] | None, lockout: LockoutPort
    ) -> str | None:
        """A lookup that may reveal an account counts on its source (per-source throttle);
        returns the source's key."""
        source_key, partner = self.source_of(source)
        if source_key is not None:
            lockout.note_lookup(identifier_key, source_key=source_key, source_partner=partner)
        return source_key

    def identifier_index_id(self, identifier: Identifier) -> uuid.UUID:
        return self.pseudonyms.uuid_of("identifier", identifier.value)

    def civil_index_id(self, birth_name: str, first_names: str, birth_date: str) -> uuid.UUID:
        # Domain-separated by its prefix: an identifier is never "civil-status:…".
        text = "civil-status:" + matching_text(birth_name, first_names, birth_date)
        return self.pseudonyms.uuid_of("identifier", text)

    def account_for(self, identifier: Identifier, read_only: bool = False) -> Account | None:
        """The account that logs in with ``identifier`` now (not a retired provisional one).
        ``read_only``: the cached aggregate itself, not a copy (never change nor save it): a
        copy costs with the account's size, which must not show in a login's time."""
        account, _ = self._account_read_together(identifier, copies=not read_only)
        return account

    def account_and_generation_for(self, identifier: Identifier) -> tuple[Account | None, int]:
        """What a login reads: the account, read-only (as ``account_for(identifier,
        read_only=True)``), and the generation its new sessions are issued with (as
        :meth:`session_generation`), in one statement when this replica holds the index.

        Read before the password is checked, the generation can only be older than one read
        after it: a session issued with it is then ended by the revocation saved meanwhile,
        never kept alive by it."""
        return self._account_read_together(identifier, copies=False, generation=True)

    def _account_read_together(
        self, identifier: Identifier, copies: bool, generation: bool = False
    ) -> tuple[Account | None, int]:
        """The index, its account (and the account's revocations) in one read, the account
        named by the index as this replica last read it; read again if the index, brought up
        to date, names another (or was not held: two reads, the first login here)."""
        index_id = self.identifier_index_id(identifier)
        held = cast(IdentifierIndex | None, self._application.held(index_id))
        expected = held.active_account_id if held is not None else None
        index, *found = self._application.find_together(
            index_id, *self._account_ids(expected, generation), copies=copies
        )
        account_id = cast(IdentifierIndex, index).active_account_id if index else None
        if account_id is None:
            return None, 0
        if account_id != expected:
            found = self._application.find_together(
                *self._account_ids(account_id, generation), copies=copies
            )
        account = found[0]
        if account is None:  # as repository.get would (an index names a saved account)
            raise AggregateNotFoundError(account_id)
        revocations = found[1] if generation else None
        return cast(Account, account), revocations.generation if revocations is not None else 0

    @staticmethod
    def _account_ids(account_id: uuid.UUID | None, generation: bool) -> list[uuid.UUID]:
        """The account's id, and its revocations' if the generation is wanted."""
        if account_id is None:
            return []
        return (
            [account_id, SessionRevocations.create_id(account_id)] if generation else [account_id]
        )

    # -- sessions end when the credential changes (domain/session_revocation.py) -------------

    def session_generation(self, account_id: uuid.UUID) -> int:
        """The generation new sessions of the account are issued with."""
        revocations = self.find(SessionRevocations.create_id(account_id))
        return revocations.generation if revocations is not None else 0

    def revoke_sessions(
        self, account_id: uuid.UUID, cause: Cause, keep: str | None = None
    ) -> SessionRevocations:
        """Ends the account's sessions (but ``keep``); save what it returns with the change."""
        revocations = self.find(SessionRevocations.create_id(account_id))
        if revocations is None:
            revocations = SessionRevocations(account_id=account_id)  # id: create_id
        revocations.revoke(at=self._application.clock.now(), cause=cause, keep=keep)
        return cast(SessionRevocations, revocations)

    def sessions_revoked(self, claims: SessionClaims) -> bool:
        revocations = self.find(SessionRevocations.create_id(claims.account_id))
        return revocations is not None and revocations.revokes(claims.generation, claims.session_id)

    def identifier_taken(self, identifier: Identifier) -> bool:
        return self.find(self.identifier_index_id(identifier)) is not None

    def civil_index_with(self, account_id: uuid.UUID, civil: dict[str, Any]) -> CivilStatusIndex:
        index_id = self.civil_index_id(
            civil["birth_name"], civil["first_names"], civil["birth_date"]
        )
        index = cast(CivilStatusIndex | None, self.find(index_id))
        if index is None:
            return CivilStatusIndex(account_id=account_id, id=index_id)  # type: ignore[call-arg]
        index.add(account_id=account_id)
        return index

    def code_flow(self, journey: str, flow_id: Any, field: str) -> CodeFlow:
        """The flow of ``journey`` named by the caller, or InvalidInput (an unknown id, or one
        of another journey, is bad input)."""
        try:
            found = self.find(uuid.UUID(str(flow_id)))
        except ValueError:
            found = None
        if not isinstance(found, CodeFlow) or found.journey != journey:
            raise InvalidInput(
                code=f"{field}_unknown",
                fields={field: ["Cette démarche est introuvable ou a expiré : recommencez."]},
            )
        return found
