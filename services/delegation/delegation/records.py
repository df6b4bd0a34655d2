"""Reading the current state: the household files, people and accounts in the store.

>>> records.whereabouts(account_id)   # doctest: +SKIP
(AccountRecord(...), HouseholdFile(...))
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import Aggregate

from .composition import MemberSpec
from .directory import AccountRecord, Person
from .domain import HouseholdFile

A = TypeVar("A", bound=Aggregate)


class Records:
    def __init__(self, repository: Repository[Any]):
        self.repository = repository

    def find(self, cls: type[A], aggregate_id: uuid.UUID) -> A | None:
        try:
            found: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(found, cls)
        return found

    def household(self, dossier_key: str) -> HouseholdFile | None:
        return self.find(HouseholdFile, HouseholdFile.create_id(dossier_key))

    def person(self, nir_key: str) -> Person | None:
        return self.find(Person, Person.create_id(nir_key))

    def account(self, account_id: uuid.UUID) -> AccountRecord | None:
        return self.find(AccountRecord, AccountRecord.create_id(account_id))

    def whereabouts(
        self, account_id: uuid.UUID
    ) -> tuple[AccountRecord | None, HouseholdFile | None]:
        """The account as identity announced it, and the file its person belongs to."""
        account = self.account(account_id)
        if account is None or account.nir_key is None:
            return account, None
        person = self.person(account.nir_key)
        if person is None or person.dossier_key is None:
            return account, None
        return account, self.household(person.dossier_key)

    def people(self, specs: Iterable[MemberSpec]) -> dict[str, Person]:
        """The person of each member, new ones included (not yet saved)."""
        return {
            spec.nir_key: self.person(spec.nir_key) or Person(nir_key=spec.nir_key)
            for spec in specs
        }
