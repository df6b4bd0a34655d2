"""Who has which account, and who belongs to which file: two small index aggregates.

``Person`` (one per nir_key) links a person to their account and their household file, whichever
comes first: an account created before the file is registered is still found. ``AccountRecord``
(one per account_id) says what identity told us about an account: its identifier kind and, once
known, its nir_key (a provisional account has none until ``NirAssigned``).

>>> Person(nir_key="ab" * 32).id == Person.create_id("ab" * 32)   # doctest: +SKIP
"""

from __future__ import annotations

import uuid

from eventsourcing.domain import Aggregate, event

from .domain import NAMESPACE


class Person(Aggregate):
    """A person known by their NIR pseudonym; its id is also the subject of their names' key."""

    @staticmethod
    def create_id(nir_key: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"person:{nir_key}")

    @event("Noted")
    def __init__(self, nir_key: str):
        self.nir_key = nir_key
        self.account_id: uuid.UUID | None = None
        self.dossier_key: str | None = None

    def link_account(self, account_id: uuid.UUID) -> bool:
        if self.account_id == account_id:
            return False
        self._account_linked(account_id)
        return True

    def join(self, dossier_key: str) -> None:
        if self.dossier_key != dossier_key:
            self._joined_household(dossier_key)

    def leave(self, dossier_key: str) -> None:
        if self.dossier_key == dossier_key:
            self._left_household(dossier_key)

    @event("AccountLinked")
    def _account_linked(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id

    @event("JoinedHousehold")
    def _joined_household(self, dossier_key: str) -> None:
        self.dossier_key = dossier_key

    @event("LeftHousehold")
    def _left_household(self, dossier_key: str) -> None:
        self.dossier_key = None


class AccountRecord(Aggregate):
    """An account as identity announced it (never a plaintext identifier)."""

    @staticmethod
    def create_id(account_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"account:{account_id}")

    @event("Opened")
    def __init__(self, account_id: uuid.UUID, identifier_kind: str, nir_key: str | None):
        self.account_id = account_id
        self.identifier_kind = identifier_kind
        self.nir_key = nir_key

    @property
    def provisional(self) -> bool:
        """A provisional identifier and no NIR assigned yet: no affiliated file possible."""
        return self.nir_key is None

    def assign_nir(self, nir_key: str) -> bool:
        if self.nir_key == nir_key:
            return False
        self._nir_assigned(nir_key)
        return True

    @event("NirAssigned")
    def _nir_assigned(self, nir_key: str) -> None:
        self.nir_key = nir_key
