"""The delivery board: which deliveries are due, and whose they are, folded from the store.

A read model of the notification log (Delivery events only), rebuilt from position 0 when the
process starts and caught up before each use, so it also sees what other replicas recorded. It
keeps ids and times only: the store stays the truth, the board just says where to look.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from shared.runtime.personal_data import PersonalData

from .domain import Delivery

if TYPE_CHECKING:
    from .application import NotificationApplication

BATCH = 500


class DeliveryBoard:
    def __init__(self, app: NotificationApplication) -> None:
        self.app = app
        self.position = 0
        self.due_at: dict[uuid.UUID, datetime] = {}  # unfinished deliveries: when to look again
        self.by_account: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        self.unerased: set[uuid.UUID] = set()  # finished, sealed payload not yet erased
        self._mapper = _mapper_without_personal_data()
        self._topics = [get_topic(cls) for cls in _FOLDED]
        self._lock = threading.Lock()

    def catch_up(self) -> None:
        """Folds the Delivery events recorded since the last call (by any replica)."""
        with self._lock:
            while True:
                notifications = self.app.process_recorder.select_notifications(
                    start=self.position, limit=BATCH, topics=self._topics, inclusive_of_start=False
                )
                for notification in notifications:
                    self._fold(self._mapper.to_domain_event(notification))
                    self.position = notification.id
                if len(notifications) < BATCH:
                    return

    def due(self, now: datetime, limit: int) -> list[uuid.UUID]:
        """Deliveries to look at now, the longest waiting first."""
        ready = [(at, i) for i, at in self.due_at.items() if at <= now]
        return [i for _, i in sorted(ready)[:limit]]

    def deliveries_of(self, account_id: uuid.UUID) -> list[uuid.UUID]:
        return list(self.by_account.get(account_id, ()))

    def _fold(self, event: Any) -> None:
        delivery_id = event.originator_id
        if isinstance(event, Delivery.Requested):
            self.due_at[delivery_id] = event.requested_at
            if event.account_id is not None:
                self.by_account[event.account_id].append(delivery_id)
        elif isinstance(event, Delivery.AttemptStarted):
            self.due_at[delivery_id] = event.lease_until  # looked at again if never concluded
        elif isinstance(event, Delivery.Failed):
            self.due_at[delivery_id] = event.next_attempt_at
        elif isinstance(event, Delivery.Sent | Delivery.GivenUp):
            self.due_at.pop(delivery_id, None)
            self.unerased.add(delivery_id)
        elif isinstance(event, Delivery.SealedMessageErased):
            self.unerased.discard(delivery_id)


_FOLDED = (
    Delivery.Requested,
    Delivery.AttemptStarted,
    Delivery.Failed,
    Delivery.Sent,
    Delivery.GivenUp,
    Delivery.SealedMessageErased,
)


class _PersonalDataUnread(Transcoding):
    """The board never needs personal data: it is not decrypted (no key lookup at all)."""

    type = PersonalData
    name = "personal_data"

    def encode(self, obj: PersonalData) -> Any:
        raise TypeError("the delivery board never writes")

    def decode(self, data: Any) -> PersonalData:
        return PersonalData.erased_for(uuid.UUID(hex=data["s"]))


def _mapper_without_personal_data() -> Mapper[uuid.UUID]:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), _PersonalDataUnread()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)
