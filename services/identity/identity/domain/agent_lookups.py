"""One agent's look-ups of a person in one day (UTC), SPEC §19: each look-up is recorded here,
the account found or not, and the daily limit (``AGENT_LOOKUPS_PER_DAY``) counts them. The
aggregate is saved with the look-up, so two replicas cannot both take the last one.

The agent is named by a keyed pseudonym (``agent_key``); the operator (name and subject) is a
personal value under the account's key (or ``NO_ACCOUNT``'s) that expires with the
``agent_actions`` row of the retention table.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

from shared.runtime.personal_data import PersonalData

LOOKUPS_NAMESPACE = uuid.UUID("3b7e2f90-5c1d-4a8e-b6f4-0d9a1c2e7f58")


class AgentLookups(Aggregate):
    """The look-ups of the agent ``agent_key`` on ``day`` (``YYYY-MM-DD``, UTC)."""

    @staticmethod
    def create_id(agent_key: str, day: str) -> uuid.UUID:
        return uuid.uuid5(LOOKUPS_NAMESPACE, f"{agent_key}|{day}")

    @event("Opened")
    def __init__(self, *, agent_key: str, day: str) -> None:
        self.agent_key = agent_key
        self.day = day
        self.count = 0

    @event("AccountLookedUp")
    def record(
        self,
        *,
        account_id: uuid.UUID | None,
        operator: PersonalData,
        agency: str,
        reason: str,
        at: datetime,
    ) -> None:
        """A look-up by NIR or provisional identifier; ``account_id`` None: no account."""
        self.count += 1
