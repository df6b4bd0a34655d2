"""The notification application: deliveries requested by triggers, attempted by the loop.

Commands speak the domain: ``request_delivery`` (from a trigger, inside ``process``),
``claim`` / ``conclude`` (one attempt of the sending loop), ``erase_sealed`` (after the end).
The only query is ``deliveries(account_id)`` for support and audit.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from typing import Any

from eventsourcing.persistence import IntegrityError

from shared.privacy.buckets import bucketed
from shared.privacy.retention import ROWS
from shared.runtime import metrics
from shared.runtime.clock import Clock
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.personal_data import PersonalData
from shared.runtime.sealing import NoUnsealingKey, SealError, Unsealer

from . import announcement_first, integration, retention, spool
from .board import DeliveryBoard
from .channels import DeliveryFailure
from .contacts import CONTACT_SHAPE, MESSAGE_SHAPE, Contact, Recipient
from .domain import INTERRUPTED, Delivery, DeliveryNotDue, delivery_id_for
from .masking import mask_address
from .settings import NotificationSettings
from .triggers import Triggers

log = logging.getLogger(__name__)

SECRET_FIELDS = ("code", "identifier")
UNREADABLE = "adresse illisible"


class NotificationApplication(ServiceApplication):
    name = "notification"
    settings: NotificationSettings

    def __init__(
        self,
        settings: NotificationSettings,
        clock: Clock | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(settings, clock, env)
        # None in the audit tool (NotificationSettings.for_tool): it opens no sealed value.
        self.unsealer = (
            Unsealer(settings.notification_private_jwk)
            if settings.notification_private_jwk is not None
            else NoUnsealingKey()
        )
        self.policy = settings.retry_policy
        self.triggers = Triggers(self)
        self.board = DeliveryBoard(self.sql, self.process_recorder)

    # --- requests (from triggers) -------------------------------------------------------

    def request_delivery(
        self,
        trigger: str,
        kind: str,
        channel: str,
        account_id: uuid.UUID | None,
        sealed: str,
        shape: str,
        details: dict[str, Any],
    ) -> Delivery:
        """A new delivery, to save with the trigger's tracking record (``process``).

        >>> app.request_delivery("identity:42", "password_changed", "email", account_id,
        ...                      sealed_contact, CONTACT_SHAPE, {})   # doctest: +SKIP
        """
        delivery_id = delivery_id_for(trigger, kind)
        now = self.clock.now()
        try:
            masked = mask_address(channel, self._recipient(channel, sealed, shape)[0].address)
        except (SealError, ValueError):
            masked = UNREADABLE  # the sending loop gives it up, visibly
        return Delivery(
            trigger=trigger,
            kind=kind,
            channel=channel,
            account_id=account_id,
            # Kept as long as deliveries are (docs/privacy.md): the person's key (or the
            # delivery's, when no account is known) and the month's.
            masked_address=bucketed(account_id or delivery_id, masked, "deliveries", now),
            sealed=PersonalData(delivery_id, {"shape": shape, "sealed": sealed}),
            details=details,
            requested_at=now,
        )

    def open_contact(self, sealed_contact: Any) -> Contact | None:
        """The contact behind a contact book's sealed value, None if absent or unreadable."""
        if not isinstance(sealed_contact, PersonalData) or not sealed_contact.value:
            return None
        try:
            return Contact.from_unsealed(self.unsealer.unseal(sealed_contact.value))
        except SealError:
            log.error("a sealed contact cannot be opened (wrong NOTIFICATION_SEAL_PRIVATE_JWK?)")
            return None

    # --- one attempt (the sending loop) -------------------------------------------------

    def claim(self, delivery_id: uuid.UUID) -> Delivery | None:
        """Records the start of an attempt if the delivery is due; None if it is not, or if
        another sender claimed it first (saving the claim conflicts on the version)."""
        delivery = self.find(delivery_id)
        now = self.clock.now()
        if not isinstance(delivery, Delivery) or not delivery.is_due(now):
            return None
        if self.waits_for_announcement(delivery):
            log.info("delivery %s waits for the contact change's announcement", delivery.id)
            return None
        try:
            if delivery.attempt_interrupted(now):
                delivery.record_failure(now, INTERRUPTED, permanent=False, policy=self.policy)
                self.save(delivery)
                return None
            delivery.start_attempt(now, self.policy)
            self.save(delivery)
        except (IntegrityError, DeliveryNotDue):
            return None
        return delivery

    def waits_for_announcement(self, delivery: Delivery) -> bool:
        """A code to an account whose contact change is not announced yet (and not for longer
        than CODE_HOLD_FOR_ANNOUNCEMENT_S): see ``announcement_first``."""
        if delivery.account_id is None or not announcement_first.may_be_held(delivery):
            return False
        account = [self.find(i) for i in self.board.deliveries_of(delivery.account_id)]
        return announcement_first.held_back(
            delivery,
            [d for d in account if isinstance(d, Delivery)],
            self.clock.now(),
            self.settings.code_hold_for_announcement,
        )

    def recipient_and_details(self, delivery: Delivery) -> tuple[Recipient, dict[str, Any]]:
        """Opens the delivery's sealed payload: where to send, and what the template shows."""
        sealed = delivery.sealed
        if not isinstance(sealed, PersonalData) or sealed.erased or not sealed.value:
            raise DeliveryFailure("sealed_message_erased", permanent=True)
        try:
            recipient, secrets = self._recipient(
                delivery.channel, sealed.value["sealed"], sealed.value["shape"]
            )
        except SealError:
            raise DeliveryFailure("sealed_message_unreadable", permanent=True) from None
        if not recipient.address:
            raise DeliveryFailure("address_missing", permanent=True)
        return recipient, {**delivery.details, **secrets}

    def conclude(self, delivery: Delivery, failure: DeliveryFailure | None) -> None:
        """Records the outcome of the attempt ``claim`` started."""
        now = self.clock.now()
        if failure is None:
            delivery.record_sent(now)
        else:
            delivery.record_failure(now, failure.code, failure.permanent, self.policy)
        self.save(delivery)
        metrics.DELIVERIES.labels(channel=delivery.channel, status=delivery.status).inc()

    def erase_sealed(self, delivery_id: uuid.UUID) -> None:
        """Once a delivery is over, its sealed payload becomes unreadable for good: only the
        masked address, kind and status remain (crypto-shredding of the delivery's own key)."""
        self.vault.erase(delivery_id)
        delivery = self.find(delivery_id)
        if isinstance(delivery, Delivery) and delivery.finished and not delivery.sealed_erased:
            delivery.record_sealed_erased(self.clock.now())
            with contextlib.suppress(IntegrityError):  # another replica recorded it first
                self.save(delivery)

    # --- queries ------------------------------------------------------------------------

    def deliveries(self, account_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every delivery to an account still kept (``RETENTION_DELIVERIES_DAYS``), oldest
        first, for support and audit.

        >>> app.deliveries(account_id)[0]["status"]   # doctest: +SKIP
        'sent'
        """
        self.board.catch_up()
        kept_for = ROWS["deliveries"].duration(self.settings)
        assert kept_for is not None
        since = self.clock.now() - kept_for
        found = [self.find(i) for i in self.board.deliveries_of(account_id)]
        kept = [d for d in found if d and d.requested_at > since]
        return [delivery_view(d) for d in sorted(kept, key=lambda d: d.requested_at)]

    def erase_letters_of(self, account_id: uuid.UUID) -> int:
        """Deletes the account's letters still in the print spool (an erasure): how many."""
        return spool.erase_letters(self.settings.spool_dir, self.board.deliveries_of(account_id))

    def expire_retention(self) -> dict[str, int]:
        """Destroys the month keys of expired deliveries: counts by category (never content).

        >>> app.expire_retention()   # doctest: +SKIP
        {'deliveries': 1}
        """
        return retention.expire(self)

    # --- integration events -------------------------------------------------------------

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        return integration.integration_event(self.repository, domain_event)

    # --- helpers ------------------------------------------------------------------------

    def message_address(self, channel: str, sealed: str) -> Any:
        """Where a sealed message (a code) is addressed; None if it cannot be opened."""
        try:
            return self._recipient(channel, sealed, MESSAGE_SHAPE)[0].address
        except (SealError, ValueError):
            return None

    def _recipient(self, channel: str, sealed: str, shape: str) -> tuple[Recipient, dict[str, Any]]:
        opened = self.unsealer.unseal(sealed)
        if shape == CONTACT_SHAPE:
            return Contact.from_unsealed(opened).recipient(channel), {}
        recipient = Recipient(
            channel, opened.get("address"), opened.get("display_name"), opened.get("civility")
        )
        return recipient, {name: opened[name] for name in SECRET_FIELDS if name in opened}


def opened(value: Any) -> Any:
    """A stored value as the caller reads it: a PersonalData opened, None once erased."""
    if isinstance(value, PersonalData):
        return None if value.erased else value.value
    return value


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    return {
        "delivery_id": str(delivery.id),
        "kind": delivery.kind,
        # which code it was: support tells "my registration code never came" from a reset
        "purpose": delivery.details.get("purpose"),
        "channel": delivery.channel,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "requested_at": delivery.requested_at.isoformat(),
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
        "masked_address": opened(delivery.masked_address),
        "last_error": delivery.last_error,
    }
