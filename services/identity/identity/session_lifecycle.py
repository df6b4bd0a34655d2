"""A session's life beyond login and logout: extended by one action (``refresh_session``, RGAA
13.1) and ended on every device at once (``logout_everywhere``).

"Everywhere" is a per-account cut-off: every session opened (``auth_time``) at or before it is
refused by ``verify_session``, on every replica, since the cut-off is an event in the store.

>>> app.refresh_session(token)        # doctest: +SKIP
{'outcome': 'refreshed', 'session': {'token': 'eyJ…', 'token_type': 'Bearer', 'expires_at': '…'}}
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from .my_account import MyAccountCommands
from .sessions import SessionClaims

CUTOFF_NAMESPACE = uuid.UUID("6d1f3b0e-52a4-4c5e-9a57-8f0c1f2b7d31")


class SessionsCutoff(Aggregate):
    """« Se déconnecter de tous les appareils »: sessions opened until ``at`` are over."""

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


class SessionLifecycleCommands(MyAccountCommands):
    def refresh_session(self, token: str) -> dict[str, Any]:
        """``{"outcome": "refreshed", "session": {…}}`` or ``{"outcome": "maximum_reached",
        "session": None, "expires_at": …}`` (log in again); a dead session is bad input."""
        claims = self.live_session(token)
        renewed = self.sessions.refresh(claims, self.clock.now())
        if renewed is None:
            return {
                "outcome": "maximum_reached",
                "session": None,
                "expires_at": claims.expires_at.isoformat(),
            }
        return {
            "outcome": "refreshed",
            "session": {
                "token": renewed.token,
                "token_type": "Bearer",
                "expires_at": renewed.expires_at.isoformat(),
            },
            "expires_at": renewed.expires_at.isoformat(),
        }

    def logout_everywhere(self, token: str) -> dict[str, Any]:
        """Ends every session of the account, this one included: ``{"outcome": "logged_out"}``."""
        claims = self.live_session(token)
        now = self.clock.now()
        cutoff = self.find(SessionsCutoff.create_id(claims.account_id))
        if cutoff is None:
            cutoff = SessionsCutoff(account_id=claims.account_id, at=now)
        else:
            cutoff.move(now)
        self.save(cutoff)
        return {"outcome": "logged_out"}

    def is_revoked(self, claims: SessionClaims) -> bool:
        if super().is_revoked(claims):
            return True
        cutoff = self.find(SessionsCutoff.create_id(claims.account_id))
        return cutoff is not None and claims.auth_time <= cutoff.at
