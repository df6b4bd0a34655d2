"""Indexes that keep accounts unique and findable, saved in the same ``save()`` as the account.

Uniqueness (spec §3, §7): one :class:`IdentifierIndex` per login identifier, its id derived from
the identifier's keyed pseudonym: a second account for the same NIR, or a provisional identifier
drawn twice, makes that save fail (optimistic concurrency on version 1 of the index), even when
two registrations race on two replicas.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event


class IdentifierIndex(Aggregate):
    """Which account logs in with an identifier. Id: ``pseudonyms.uuid_of("identifier", value)``.

    A provisional identifier replaced by a NIR is retired, not deleted: it no longer logs in and
    is never drawn again.
    """

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Registered")
    def __init__(self, *, account_id: uuid.UUID, identifier_key: str):
        self.account_id = account_id
        self.identifier_key = identifier_key
        self.retired = False

    @event("Retired")
    def retire(self, *, at: datetime) -> None:
        self.retired = True

    @property
    def active_account_id(self) -> uuid.UUID | None:
        return None if self.retired else self.account_id


class CivilStatusIndex(Aggregate):
    """Accounts by birth name, first names and birth date (identifier recovery, FranceConnect
    matching). Several people may share them, hence a list. Id: keyed pseudonym of the triple.
    """

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Created")
    def __init__(self, *, account_id: uuid.UUID):
        self.account_ids = [account_id]

    @event("AccountAdded")
    def add(self, *, account_id: uuid.UUID) -> None:
        if account_id not in self.account_ids:
            self.account_ids.append(account_id)
