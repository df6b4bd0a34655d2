"""« Se déconnecter de tous les appareils »: a per-account cut-off, so that every session opened
(``auth_time``, to the millisecond in the token's ``auth_time_ms``) at or before it is refused
by ``verify_session``, on every replica, since the cut-off is an event in the store; a login the
same second after it lives."""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

CUTOFF_NAMESPACE = uuid.UUID("6d1f3b0e-52a4-4c5e-9a57-8f0c1f2b7d31")


class SessionsCutoff(Aggregate):
    """Sessions of the account opened until ``at`` are over."""

    @staticmethod
    def create_id(account_id: uuid.UUID) -> uuid.UUID:
        return uuid.uuid5(CUTOFF_NAMESPACE, str(account_id))

    @event("Set")
    def __init__(self, *, account_id: uuid.UUID, at: datetime) -> None:
        self.account_id = account_id
        self.at = at

    @event("Moved")
    def move(self, at: datetime) -> None:
        self.at = at
