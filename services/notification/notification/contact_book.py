"""The contact book: what the identity service last told us about an account's contacts, and
which account a login identifier (pseudonym) belongs to. Both are aggregates of this store.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import Aggregate, event

from .domain import NAMESPACE


class ContactBook(Aggregate):
    """The contact details on file for one account, as the identity service last sent them.

    ``sealed_contact`` stays sealed (and wrapped in ``PersonalData`` by the application): this
    service opens it only when it has something to send. Positions make late, redelivered or
    reordered events harmless: an older version never replaces a newer one.
    """

    @staticmethod
    def create_id(account_id: uuid.UUID, **_: Any) -> uuid.UUID:
        return contact_book_id_for(account_id)

    @event("Opened")
    def __init__(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self.sealed_contact: Any = None
        self.contact_position = 0
        self.identifier_key: str | None = None
        self.identifier_position = 0

    def replace_contact(self, sealed_contact: Any, position: int) -> None:
        """Keeps the contact of the most recent producer position."""
        if position > self.contact_position:
            self._replace_contact(sealed_contact=sealed_contact, position=position)

    @event("ContactReplaced")
    def _replace_contact(self, sealed_contact: Any, position: int) -> None:
        self.sealed_contact = sealed_contact
        self.contact_position = position

    def follow_identifier(self, identifier_key: str, position: int) -> None:
        """Keeps the login identifier (pseudonym) of the most recent producer position."""
        if position > self.identifier_position:
            self._follow_identifier(identifier_key=identifier_key, position=position)

    @event("IdentifierFollowed")
    def _follow_identifier(self, identifier_key: str, position: int) -> None:
        self.identifier_key = identifier_key
        self.identifier_position = position


def contact_book_id_for(account_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"contact-book:{account_id}")


class IdentifierIndex(Aggregate):
    """Which account a login identifier (pseudonym) belongs to: freeze alerts name only that."""

    @staticmethod
    def create_id(identifier_key: str, **_: Any) -> uuid.UUID:
        return identifier_index_id_for(identifier_key)

    @event("Registered")
    def __init__(self, identifier_key: str, account_id: uuid.UUID) -> None:
        self.identifier_key = identifier_key
        self.account_id = account_id


def identifier_index_id_for(identifier_key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"identifier:{identifier_key}")
