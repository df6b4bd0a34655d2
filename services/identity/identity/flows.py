"""The three journeys that go through a verification code (spec §7, §8).

- :class:`Registration` — "Créer Mon Compte": état civil, contact proven by a code, password.
- :class:`PasswordReset` — "Mot de passe oublié": NIR + birth name, channel, code, new password.
- :class:`IdentifierRecovery` — "Identifiant provisoire oublié ?": civil status, channel, code,
  and the provisional identifier is sent again.

A reset or recovery started for someone who has no account (or with a wrong name) is a *decoy*:
``account_id`` is None, the channels shown are plausible but nothing is ever sent, and no code
can ever match. It answers exactly like a real one, so the flow does not reveal who has an
account.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import event

from shared.runtime.personal_data import PersonalData

from .code_flow import CodeFlow


class Registration(CodeFlow):
    """A registration in progress; ``account_id`` is drawn at the start so that every personal
    value of the journey is protected by the future account's key (erasure shreds it all)."""

    @event("Started")
    def __init__(
        self,
        *,
        account_id: uuid.UUID,
        form: PersonalData,
        identifier_kind: str,
        identifier_key: str | None,
        supporting_documents_required: bool,
        benefit_request: str | None,
        started_at: datetime,
    ):
        self.account_id = account_id
        self.form = form
        self.identifier_kind = identifier_kind
        self.identifier_key = identifier_key
        self.supporting_documents_required = supporting_documents_required
        self.benefit_request = benefit_request
        self.started_at = started_at
        self._start_code_state()

    @event("Completed")
    def complete(self, *, at: datetime) -> None:
        self.completed_at = at


class PasswordReset(CodeFlow):
    """A "mot de passe oublié" journey; ``account_id`` None makes it a decoy."""

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Started")
    def __init__(
        self, *, account_id: uuid.UUID | None, channels: PersonalData, started_at: datetime
    ):
        self.account_id = account_id
        self.channels = channels
        self.started_at = started_at
        self._start_code_state()

    @event("Completed")
    def complete(self, *, at: datetime) -> None:
        self.completed_at = at


class IdentifierRecovery(CodeFlow):
    """An "identifiant provisoire oublié" journey; ``account_id`` None makes it a decoy."""

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    @event("Started")
    def __init__(
        self, *, account_id: uuid.UUID | None, channels: PersonalData, started_at: datetime
    ):
        self.account_id = account_id
        self.channels = channels
        self.started_at = started_at
        self._start_code_state()

    @event("Completed")
    def complete(self, *, at: datetime) -> None:
        self.completed_at = at
