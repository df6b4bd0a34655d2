"""The sending loop's work: attempt every due delivery once, from the state in the store.

Each attempt is claimed in the store first (so two replicas never send the same delivery at
the same time), then the sealed payload is opened, the message composed and handed to its
channel, and the outcome recorded. A process that dies mid-attempt leaves a claim whose lease
runs out: the attempt then counts as failed and the delivery is retried.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from jinja2 import TemplateError

from shared.runtime import correlation

from .application import NotificationApplication
from .channels import Channel, DeliveryFailure
from .domain import Delivery
from .messages import MessageComposer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelSet:
    """The channels this process can use, and the composer of their messages."""

    channels: dict[str, Channel]
    composer: MessageComposer


class DeliverySender:
    """>>> DeliverySender(app, channel_set).send_due()   # doctest: +SKIP
    2"""

    def __init__(self, app: NotificationApplication, channel_set: ChannelSet) -> None:
        self.app = app
        self.channels = channel_set.channels
        self.composer = channel_set.composer

    def send_due(self) -> int:
        """Attempts what is due now; returns how many messages went out."""
        board = self.app.board
        board.catch_up()
        for delivery_id in list(board.unerased):  # left over by a process that died
            self.app.erase_sealed(delivery_id)
        due = board.due(self.app.clock.now(), self.app.settings.delivery_batch_size)
        went = {delivery_id: self.attempt(delivery_id) for delivery_id in due}
        # A code held for an announcement of this same batch goes in this run once that went
        # (what failed is not due again yet: looking once more costs a read, sends nothing).
        again = [d for d, sent in went.items() if not sent] if any(went.values()) else []
        return sum(went.values()) + sum(self.attempt(delivery_id) for delivery_id in again)

    def attempt(self, delivery_id: uuid.UUID) -> bool:
        # The attempt logs and records under the id of the request that asked for the message.
        restore = correlation.current.set(self.app.correlation_of(delivery_id))
        try:
            return self._attempt(delivery_id)
        finally:
            correlation.current.reset(restore)

    def _attempt(self, delivery_id: uuid.UUID) -> bool:
        delivery = self.app.claim(delivery_id)
        if delivery is None:
            return False
        failure = self._send(delivery)
        self.app.conclude(delivery, failure)
        if delivery.finished:
            self.app.erase_sealed(delivery.id)
        if failure is None:
            log.info("delivery %s (%s by %s) sent", delivery.id, delivery.kind, delivery.channel)
        else:
            log.warning(
                "delivery %s (%s by %s) attempt %d failed: %s%s",
                delivery.id,
                delivery.kind,
                delivery.channel,
                delivery.attempts,
                failure.code,
                ", given up" if delivery.finished else "",
            )
        return failure is None

    def _send(self, delivery: Delivery) -> DeliveryFailure | None:
        channel = self.channels.get(delivery.channel)
        try:
            if channel is None:
                raise DeliveryFailure("channel_not_configured")
            recipient, details = self.app.recipient_and_details(delivery)
            message = self.composer.compose(delivery.kind, recipient, details)
            channel.send(delivery.id, recipient, message)
        except DeliveryFailure as failure:
            return failure
        except TemplateError:
            return DeliveryFailure("template_error", permanent=True)
        except Exception as error:  # never let one delivery stop the loop
            # The type only: an exception's text may quote an address.
            log.error("delivery %s: unexpected %s", delivery.id, type(error).__name__)
            return DeliveryFailure("internal_error")
        return None
