"""identity's events -> which account belongs to whom.

``AccountCreated`` (nir_key, identifier_kind) and ``NirAssigned`` link a person to their
account, whether the household file was registered before or after; a provisional account has
no nir_key until ``NirAssigned``. Each handler returns the aggregates to save with the tracking
record of the event (exactly once).

>>> app.process(envelope, app.on_account_created)   # doctest: +SKIP
"""

from __future__ import annotations

import uuid
from typing import Any

from .directory import AccountRecord, Person
from .records import Records


def account_created(records: Records, payload: dict[str, Any]) -> list[Any]:
    """Remembers the account; links it to its person (and file) when it has a NIR."""
    account_id = uuid.UUID(str(payload["account_id"]))
    nir_key = payload.get("nir_key")
    account = records.account(account_id)
    if account is None:
        account = AccountRecord(
            account_id=account_id, identifier_kind=payload["identifier_kind"], nir_key=nir_key
        )
    elif nir_key:
        account.assign_nir(nir_key)
    if account.nir_key is None:
        return [account]
    return [account, *link(records, account.nir_key, account_id)]


def nir_assigned(records: Records, payload: dict[str, Any]) -> list[Any]:
    """A provisional account got its NIR: it leaves the Provisional column."""
    account_id = uuid.UUID(str(payload["account_id"]))
    nir_key = payload["nir_key"]
    account = records.account(account_id)
    if account is None:  # arrived before AccountCreated (retries may reorder messages)
        account = AccountRecord(
            account_id=account_id, identifier_kind="provisional", nir_key=nir_key
        )
    else:
        account.assign_nir(nir_key)
    return [account, *link(records, nir_key, account_id)]


def link(records: Records, nir_key: str, account_id: uuid.UUID) -> list[Any]:
    person = records.person(nir_key) or Person(nir_key=nir_key)
    person.link_account(account_id)
    if person.dossier_key is None:
        return [person]
    file = records.household(person.dossier_key)
    if file is not None:
        file.link_account(nir_key, account_id)
    return [person, file]
