"""Who a person is in each store, found from their NIR or provisional identifier.

Everything goes through the identity store's index (keyed pseudonyms, as the services compute
them: shared.runtime.pseudonyms + shared.identifiers); no store is searched by plaintext.

>>> person = find_person(stores, "1 63 06 31 555 082")   # doctest: +SKIP
>>> person.account_id
UUID('…')
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from shared.identifiers import parse_identifier


class PersonNotFound(LookupError):
    """No account logs in, or ever logged in, with that identifier."""


@dataclass
class Person:
    """The pseudonyms and aggregate ids of one person, across the four stores."""

    account_id: uuid.UUID
    identifier_keys: list[str] = field(default_factory=list)  # every one the account had
    nir_key: str | None = None

    def ladder_ids(self) -> list[uuid.UUID]:
        from lockout.domain import FailedLoginLadder

        return [FailedLoginLadder.create_id(key) for key in self.identifier_keys]

    def person_id(self) -> uuid.UUID | None:
        """The delegation store's Person (subject of the member's names), if a NIR is known."""
        from delegation.directory import Person as DelegationPerson

        return DelegationPerson.create_id(self.nir_key) if self.nir_key else None

    def account_record_id(self) -> uuid.UUID:
        from delegation.directory import AccountRecord

        return AccountRecord.create_id(self.account_id)


def find_person(stores: Any, identifier_text: str) -> Person:
    """The person who logs in (or logged in) with ``identifier_text`` (NIR or P+8 digits)."""
    identity = stores["identity"]
    identifier = parse_identifier(identifier_text)
    index_id = identity.pseudonyms.uuid_of("identifier", identifier.value)
    try:
        index = identity.repository.get(index_id)
    except AggregateNotFoundError:
        raise PersonNotFound(identifier_text) from None
    account_id = index.account_id
    person = Person(account_id)
    for event in identity.events.get(account_id):
        state = vars(event)
        for name in ("previous_identifier_key", "identifier_key"):
            key = state.get(name)
            if key and key not in person.identifier_keys:
                person.identifier_keys.append(key)
        if state.get("nir_key"):
            person.nir_key = state["nir_key"]
    return person
