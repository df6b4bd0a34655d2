"""What the journeys that could reveal an account leave behind (SPEC §16, no enumeration).

Registration with a NIR that already has an account must say so ("account_exists": the person
is sent to login or mot de passe oublié). That answer is the one a NIR prober looks for, so each
one is recorded (here, apart from the account: probes must not contend on it), counted in the
metric ``caf_account_exists_answers_total`` and counted on the source by lockout.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event


class AccountExistsAnswer(Aggregate):
    """One ``account_exists`` answer: which account, to which source, by which journey."""

    @event("Recorded")
    def __init__(
        self, *, account_id: uuid.UUID | None, journey: str, source_key: Any, at: datetime
    ):
        self.account_id = account_id
        self.journey = journey
        self.source_key = source_key  # the source's pseudonym under a month key (PersonalData)
        self.at = at
