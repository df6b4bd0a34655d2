"""The notification service's nameko entrypoints: consumed events, the sending loop, one RPC.

Consumed events only record (exactly once) what must be sent; the timer sends it.
"""

from __future__ import annotations

from typing import Any

from shared.events import Envelope
from shared.runtime.consumer import integration_event_handler
from shared.runtime.dependencies import ApplicationDependency, CorrelationContext
from shared.runtime.observability import Observability
from shared.runtime.rpc import load_or_reject
from shared.runtime.rpc_entrypoint import rpc

from .application import NotificationApplication
from .dependencies import ChannelsDependency, delivery_timer
from .schemas import DeliveriesQuery
from .sender import ChannelSet, DeliverySender
from .settings import NotificationSettings


class NotificationService:
    name = "notification"
    correlation = CorrelationContext()
    app: NotificationApplication = ApplicationDependency(
        NotificationApplication, NotificationSettings
    )
    channels: ChannelSet = ChannelsDependency()
    observability = Observability()

    # --- the contact book ---

    @integration_event_handler("identity", "AccountCreated")
    def on_account_created(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.account_created)

    @integration_event_handler("identity", "ContactsUpdated")
    def on_contacts_updated(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.contacts_updated)

    @integration_event_handler("identity", "NirAssigned")
    def on_nir_assigned(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.nir_assigned)

    # --- messages ---

    @integration_event_handler("identity", "VerificationCodeIssued")
    def on_verification_code_issued(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.verification_code_issued)

    @integration_event_handler("identity", "ProvisionalIdentifierIssued")
    def on_provisional_identifier_issued(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.provisional_identifier_issued)

    @integration_event_handler("identity", "PasswordChanged")
    def on_password_changed(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.password_changed)

    @integration_event_handler("lockout", "AccountFrozen")
    def on_account_frozen(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.account_frozen)

    @integration_event_handler("delegation", "DelegationGranted")
    def on_delegation_granted(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.delegation_granted)

    @integration_event_handler("delegation", "DelegationRevoked")
    def on_delegation_revoked(self, envelope: Envelope) -> None:
        self.app.process(envelope, self.app.triggers.delegation_revoked)

    # --- the sending loop ---

    @delivery_timer
    def send_due_deliveries(self) -> int:
        """Sends what is due (requested, or failed and waiting no more); survives restarts
        because what is due is read back from the store."""
        return DeliverySender(self.app, self.channels).send_due()

    # --- support and audit ---

    @rpc
    def deliveries(self, account_id: Any) -> list[dict[str, Any]]:
        """The messages sent (or not) to an account, oldest first; addresses masked.

        >>> rpc.notification.deliveries("0b0c…")   # doctest: +SKIP
        [{"kind": "freeze_alert", "channel": "email", "status": "sent", "attempts": 1,
          "requested_at": "…", "sent_at": "…", "masked_address": "d****n@t***.fr", …}]
        """
        query = load_or_reject(DeliveriesQuery(), {"account_id": account_id})
        return self.app.deliveries(query["account_id"])
