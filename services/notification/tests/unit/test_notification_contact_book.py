"""ContactBook and IdentifierIndex: late or reordered events never undo newer ones."""

from __future__ import annotations

import uuid

from notification.contact_book import ContactBook, IdentifierIndex, contact_book_id_for

ACCOUNT = uuid.UUID("6f1c7d2e-0000-4000-8000-000000000001")
KEY_P = "a" * 64
KEY_NIR = "b" * 64


def test_the_newest_contact_wins_whatever_the_arrival_order() -> None:
    book = ContactBook(account_id=ACCOUNT)
    assert book.id == contact_book_id_for(ACCOUNT)
    book.replace_contact("sealed-v2", position=7)
    book.replace_contact("sealed-v1", position=3)  # AccountCreated arriving after an update
    book.replace_contact("sealed-v2", position=7)  # the update redelivered
    assert book.sealed_contact == "sealed-v2"
    assert [type(e).__name__ for e in book.collect_events()] == ["Opened", "ContactReplaced"]


def test_the_identifier_follows_the_newest_assignment() -> None:
    book = ContactBook(account_id=ACCOUNT)
    book.follow_identifier(KEY_NIR, position=9)  # NirAssigned
    book.follow_identifier(KEY_P, position=2)  # AccountCreated, late
    assert book.identifier_key == KEY_NIR


def test_an_identifier_index_is_keyed_by_the_identifier_pseudonym() -> None:
    assert (
        IdentifierIndex(identifier_key=KEY_P, account_id=ACCOUNT).id
        == IdentifierIndex(identifier_key=KEY_P, account_id=uuid.uuid4()).id
    )
