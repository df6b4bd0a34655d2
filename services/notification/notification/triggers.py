"""What each consumed integration event does here (run inside ``app.process``, exactly once).

Each handler returns the aggregates to save with the event's tracking record: the contact book
and identifier index it updates, and the delivery it requests, if any. Nothing is sent here.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Protocol

from shared.events import Envelope
from shared.runtime.personal_data import PersonalData

from .contact_book import (
    ContactBook,
    IdentifierIndex,
    contact_book_id_for,
    identifier_index_id_for,
)
from .contacts import CONTACT_SHAPE, MESSAGE_SHAPE, Contact
from .domain import Delivery

log = logging.getLogger(__name__)

#: A change of contact details is announced on every electronic channel on file.
CHANGE_ANNOUNCED_BY = ("email", "sms")
#: the purpose of a code sent to a contact that is not on file yet (identity's contact change)
NEW_ADDRESS = "contact_change"


class ContactBookMissing(Exception):
    """An event about an account arrived before its AccountCreated: retried later."""


class DeliveryDesk(Protocol):
    """What the triggers ask of the application (``NotificationApplication`` is one)."""

    def find(self, aggregate_id: uuid.UUID) -> Any | None: ...

    def request_delivery(
        self,
        trigger: str,
        kind: str,
        channel: str,
        account_id: uuid.UUID | None,
        sealed: str,
        shape: str,
        details: dict[str, Any],
    ) -> Delivery: ...

    def open_contact(self, sealed_contact: Any) -> Contact | None: ...

    def message_address(self, channel: str, sealed: str) -> Any: ...


class Triggers:
    def __init__(self, app: DeliveryDesk) -> None:
        self.app = app

    # --- the contact book ---------------------------------------------------------------

    def account_created(self, envelope: Envelope) -> list[Any]:
        p = envelope.payload
        book = self._book(p["account_id"])
        book.replace_contact(
            self._sealed_contact(p["account_id"], p["sealed_contact"]), envelope.position
        )
        book.follow_identifier(p["identifier_key"], envelope.position)
        return [book, self._new_index(p["identifier_key"], p["account_id"])]

    def contacts_updated(self, envelope: Envelope) -> list[Any]:
        """The previous contacts hear of the change (mail and SMS, whichever are on file), in
        the transaction that replaces them: before any code can go to the new ones (a code for
        an account waits until its contact book knows its address, ``verification_code_issued``).
        This is the social-engineering path of "contactez votre Caf" (SPEC §16)."""
        p = envelope.payload
        book = self._book(p["account_id"])
        announcements = self._to_previous_contacts(envelope, book)
        book.replace_contact(
            self._sealed_contact(p["account_id"], p["sealed_contact"]), envelope.position
        )
        return [book, *announcements]

    def nir_assigned(self, envelope: Envelope) -> list[Any]:
        p = envelope.payload
        book = self._existing_book(p["account_id"])
        book.follow_identifier(p["identifier_key"], envelope.position)
        index = self._new_index(p["identifier_key"], p["account_id"])
        return [book, index, self._from_book(envelope, "nir_assigned", book, {})]

    # --- messages to the contacts on file -----------------------------------------------

    def password_changed(self, envelope: Envelope) -> list[Any]:
        book = self._existing_book(envelope.payload["account_id"])
        return [self._from_book(envelope, "password_changed", book, {})]

    def account_frozen(self, envelope: Envelope) -> list[Any]:
        p = envelope.payload
        index = self.app.find(identifier_index_id_for(p["identifier_key"]))
        if index is None:  # no account behind this identifier: nobody to tell
            return []
        book = self._existing_book(index.account_id)
        details = {"frozen_until": p["frozen_until"].isoformat(), "duration_s": p["duration_s"]}
        return [self._from_book(envelope, "freeze_alert", book, details)]

    def delegation_granted(self, envelope: Envelope) -> list[Any]:
        return self._to_spouse(envelope, "delegation_granted", {})

    def delegation_revoked(self, envelope: Envelope) -> list[Any]:
        return self._to_spouse(
            envelope, "delegation_revoked", {"reason": envelope.payload["reason"]}
        )

    # --- messages whose address travels with them ---------------------------------------

    def verification_code_issued(self, envelope: Envelope) -> list[Any]:
        p = envelope.payload
        # A contact change's code goes to the NEW address, not on file until it is entered.
        if p.get("account_id") is not None and p.get("sealed") and p["purpose"] != NEW_ADDRESS:
            self._wait_for_the_book(p["account_id"], p["channel"], p["sealed"])
        details = {"purpose": p["purpose"], "expires_at": p["expires_at"].isoformat()}
        return [self._from_sealed(envelope, "verification_code", p.get("account_id"), details)]

    def provisional_identifier_issued(self, envelope: Envelope) -> list[Any]:
        p = envelope.payload
        details = {"reason": p["reason"]}
        return [self._from_sealed(envelope, "provisional_identifier", p["account_id"], details)]

    # --- helpers ------------------------------------------------------------------------

    def _from_sealed(
        self, envelope: Envelope, kind: str, account_id: uuid.UUID | None, details: dict[str, Any]
    ) -> Delivery | None:
        sealed = envelope.payload.get("sealed")
        if not sealed:
            log.warning(
                "%s without sealed payload at %s: nothing to send", kind, trigger_of(envelope)
            )
            return None
        channel = envelope.payload["channel"]
        return self.app.request_delivery(
            trigger_of(envelope), kind, channel, account_id, sealed, MESSAGE_SHAPE, details
        )

    def _from_book(
        self, envelope: Envelope, kind: str, book: ContactBook, details: dict[str, Any]
    ) -> Delivery | None:
        contact = self.app.open_contact(book.sealed_contact)
        channel = contact.channel_for(kind) if contact else None
        if channel is None:
            log.info("no contact to send %s to account %s", kind, book.account_id)
            return None
        return self.app.request_delivery(
            trigger_of(envelope),
            kind,
            channel,
            book.account_id,
            book.sealed_contact.value,
            CONTACT_SHAPE,
            details,
        )

    def _to_previous_contacts(self, envelope: Envelope, book: ContactBook) -> list[Delivery]:
        contact = self.app.open_contact(book.sealed_contact)
        if contact is None:
            return []
        return [
            self.app.request_delivery(
                f"{trigger_of(envelope)}/{channel}",
                "contacts_changed",
                channel,
                book.account_id,
                book.sealed_contact.value,
                CONTACT_SHAPE,
                {},
            )
            for channel in CHANGE_ANNOUNCED_BY
            if contact.address_for(channel)
        ]

    def _wait_for_the_book(self, account_id: uuid.UUID, channel: str, sealed: str) -> None:
        """A code to an account's contact goes out only once the contact book holds that
        address: a ContactsUpdated still in its queue is processed (and the old contacts told)
        first. Until then the event is retried (then dead-lettered, visibly). With no book yet
        there is no previous contact to tell."""
        book = self.app.find(contact_book_id_for(account_id))
        if book is None:
            return
        contact = self.app.open_contact(book.sealed_contact)
        address = self.app.message_address(channel, sealed)
        if contact is None or _plain(contact.address_for(channel)) != _plain(address):
            raise ContactBookMissing(f"{account_id}: contacts not caught up")

    def _to_spouse(self, envelope: Envelope, kind: str, details: dict[str, Any]) -> list[Any]:
        spouse = envelope.payload.get("spouse_account_id")
        if spouse is None:  # the spouse has no account: no contact on file
            return []
        return [self._from_book(envelope, kind, self._existing_book(spouse), details)]

    def _book(self, account_id: uuid.UUID) -> ContactBook:
        book = self.app.find(contact_book_id_for(account_id))
        return book if book is not None else ContactBook(account_id=account_id)

    def _existing_book(self, account_id: uuid.UUID) -> ContactBook:
        book = self.app.find(contact_book_id_for(account_id))
        if book is None:
            raise ContactBookMissing(str(account_id))
        return book

    def _new_index(self, identifier_key: str, account_id: uuid.UUID) -> IdentifierIndex | None:
        if self.app.find(identifier_index_id_for(identifier_key)) is not None:
            return None
        return IdentifierIndex(identifier_key=identifier_key, account_id=account_id)

    @staticmethod
    def _sealed_contact(account_id: uuid.UUID, sealed: str | None) -> PersonalData | None:
        return PersonalData(account_id, sealed) if sealed else None


def _plain(address: Any) -> str:
    return "".join(str(address or "").split()).lower()


def trigger_of(envelope: Envelope) -> str:
    """The trigger's identity: its producer and its position in the producer's log."""
    return f"{envelope.producer}:{envelope.position}"
