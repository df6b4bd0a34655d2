"""Given these events / when this command / then these events, for identity's aggregates.

``replayed(events)`` rebuilds an aggregate from past events exactly as the store does;
``new_events(aggregate)`` takes what a command just recorded.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from identity.domain import Account

from shared.runtime.personal_data import PersonalData

NOW = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
KEY_P = "a" * 64
KEY_NIR = "b" * 64


def replayed(events: list[Any]) -> Any:
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


def new_events(aggregate: Any) -> list[Any]:
    return list(aggregate.collect_events())


def names(events: list[Any]) -> list[str]:
    return [type(domain_event).__qualname__ for domain_event in events]


def registered_account(kind: str = "provisional", at: datetime = NOW) -> list[Any]:
    """The events of a freshly registered account (its history starts here)."""
    account_id = uuid.uuid4()

    def pd(value: Any) -> PersonalData:
        return PersonalData(account_id, value)

    account = Account(  # type: ignore[call-arg]
        id=account_id,
        identifier_kind=kind,
        identifier_key=KEY_P if kind == "provisional" else KEY_NIR,
        nir_key=None if kind == "provisional" else "c" * 64,
        identifier=pd("P33392250" if kind == "provisional" else "1630631555082"),
        civil_status=pd({"birth_name": "MORVAN", "first_names": "DANIEL"}),
        contact=pd({"email": "daniel.morvan@test.fr", "phone": None, "preferred": "email"}),
        password_hash=pd("$argon2id$…"),
        registered_at=at,
        supporting_documents_required=False,
        benefit_request="ALS",
        sealed_contact=None,
        registration_id=uuid.uuid4(),
    )
    return new_events(account)
