"""GDPR: erasure by crypto-shredding (art. 17) and access, a person's data as JSON (art. 15).

Erasure destroys the person's keys in every store (``app.vault.erase``), whatever subject each
service encrypts their data under: identity and notification the account id (notification also
each delivery's own id), lockout each ladder (the back office's free-text notes), delegation the
member's ``Person`` id (from the NIR pseudonym). Events stay, and so do replay, timelines and
the hash chain: only the personal values read back as erased. The person's letters still in the
print spool (plain PDFs, no key to destroy) are deleted.

>>> erase(stores, find_person(stores, "1 63 06 31 555 082"))   # doctest: +SKIP
{'identity': ['…'], 'lockout': ['…'], 'delegation': ['…'], 'notification': ['…', '…']}
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from shared.privacy.retention import ROWS, TABLE

from .masking import withheld
from .person import Person
from .timeline import timeline
from .values import aggregate_state


def subjects(stores: Any, person: Person) -> dict[str, list[uuid.UUID]]:
    """The key subjects that protect the person's data, store by store."""
    notification = stores["notification"]
    notification.board.catch_up()
    person_id = person.person_id()
    return {
        "identity": [person.account_id],
        "lockout": person.ladder_ids(),
        "delegation": [person_id] if person_id else [],
        "notification": [
            person.account_id,
            *notification.board.deliveries_of(person.account_id),
        ],
    }


def erase(stores: Any, person: Person) -> dict[str, list[str]]:
    """Destroys every key of the person; returns the subjects erased, by store. The account's
    sessions end first (SPEC §16): an erased person is logged out everywhere."""
    identity = stores["identity"]
    identity.save(identity.store.revoke_sessions(person.account_id, "erasure"))
    erased: dict[str, list[str]] = {}
    for store, subject_ids in subjects(stores, person).items():
        vault = stores[store].vault
        for subject_id in subject_ids:
            vault.erase(subject_id)
        erased[store] = [str(s) for s in subject_ids]
    # letters not yet collected by the print house: plain PDFs, deleted (no key to destroy)
    stores["notification"].erase_letters_of(person.account_id)
    return erased


def export(stores: Any, person: Person) -> dict[str, Any]:
    """What the stores hold about the person, readable (art. 15), with their timeline: only
    what is still kept (deliveries past their retention are left out, expired values read
    ``[données effacées]``), and how long each kind of data is kept (``retention``)."""
    identity, lockout = stores["identity"], stores["lockout"]
    delegation, notification = stores["delegation"], stores["notification"]
    person_id = person.person_id()
    data = {
        "account_id": str(person.account_id),
        "identity": {"account": _state(identity, person.account_id)},
        "lockout": {"ladders": [s for s in (_state(lockout, i) for i in person.ladder_ids()) if s]},
        "delegation": {
            "person": _state(delegation, person_id) if person_id else None,
            "account": _state(delegation, person.account_record_id()),
            "households": _households(delegation, person),
        },
        "notification": {"deliveries": notification.deliveries(person.account_id)},
        "timeline": [entry.as_dict() for entry in _kept(stores, timeline(stores, person))],
        "retention": retention(stores),
    }
    return data


def retention(stores: Any) -> list[dict[str, str]]:
    """How long each kind of data is kept, with the durations each store's DPO settings say.

    >>> retention(stores)[1]   # doctest: +SKIP
    {'category': 'connection_sources', 'label': 'Adresse IP et navigateur…', 'kept_for': '6 mois'}
    """
    return [
        {
            "category": row.category,
            "label": row.label,
            # the row's (first) store holds the setting of its duration
            "kept_for": row.kept_for(stores[row.store.split(",")[0].strip()].settings),
        }
        for row in TABLE
    ]


def _kept(stores: Any, entries: list[Any]) -> list[Any]:
    """The timeline without the deliveries past their retention."""
    notification = stores["notification"]
    kept_for = ROWS["deliveries"].duration(notification.settings)
    since = notification.clock.now() - kept_for
    return [e for e in entries if e.service != "notification" or e.at > since]


def _state(app: Any, aggregate_id: uuid.UUID) -> dict[str, Any] | None:
    try:
        aggregate = app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None
    return withheld(aggregate_state(aggregate))


def _households(app: Any, person: Person) -> list[dict[str, Any]]:
    """The person's own line in each household file they belong to (not the others')."""
    from delegation.domain import HouseholdFile

    person_id = person.person_id()
    if person_id is None:
        return []
    try:
        member_of = app.repository.get(person_id).dossier_key
    except AggregateNotFoundError:
        return []
    if member_of is None:
        return []
    file = app.repository.get(HouseholdFile.create_id(member_of))
    member = aggregate_state(file)["members"].get(person.nir_key)
    return [{"member": member, "delegation_granted": file.delegation_granted}]
