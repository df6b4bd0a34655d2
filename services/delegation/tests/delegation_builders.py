"""Builders shared by the delegation tests (pytest puts this folder on the path)."""

from __future__ import annotations

import uuid
from typing import Any

from delegation.composition import MemberSpec
from delegation.directory import Person
from delegation.domain import HouseholdFile

from shared.runtime.personal_data import PersonalData


def key(label: str) -> str:
    """A stand-in nir_key (64 hex) for unit tests that need no pseudonymizer."""
    return uuid.uuid5(uuid.NAMESPACE_OID, label).hex * 2


def spec(label: str, role: str, first: str = "Eric", last: str = "LEVESQUE") -> MemberSpec:
    value = {"first_names": first, "birth_name": last, "usage_name": None}
    return MemberSpec(key(label), role, PersonalData(Person.create_id(key(label)), value))


def household(*members: MemberSpec, linked: bool = True) -> HouseholdFile:
    """A registered file whose members all have an account (``account_for(member)``)."""
    file = HouseholdFile(dossier_key=key("dossier"), operator="agent-1")
    for member in members:
        file.join(member, account_id=account_for(member) if linked else None)
    return file


def account_for(member: MemberSpec) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, member.nir_key)


def new_events(aggregate: Any) -> list[Any]:
    """The events raised since the last call (the 'then' of a given/when/then test)."""
    return list(aggregate.collect_events())


def kinds(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]
