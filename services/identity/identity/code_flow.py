"""What every flow that sends a verification code shares (registration, reset, recovery).

Rules (spec §7): a new code replaces the old one; a code is single use ("ce code de vérification
est à usage unique"); it expires; 3 wrong entries invalidate it; resends are rate-limited. The
flow keeps only the code's keyed hash; the sealed copy for notification is personal data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from eventsourcing.domain import Aggregate, event

from shared.runtime.personal_data import PersonalData

from .verification_codes import CodePolicy

CodeCheck = Literal["verified", "invalid_code", "code_expired", "too_many_attempts", "no_code"]


@dataclass(frozen=True)
class CodeEntry:
    outcome: CodeCheck
    attempts_left: int

    @property
    def verified(self) -> bool:
        return self.outcome == "verified"


class CodeFlow(Aggregate):
    """Base of the flows; subclasses call :meth:`_start_code_state` in their ``__init__``."""

    def _start_code_state(self) -> None:
        self.code_hash: str | None = None
        self.code_channel: str | None = None
        self.code_expires_at: datetime | None = None
        self.wrong_entries = 0
        self.sends: list[datetime] = []
        self.code_address: PersonalData | None = None
        self.verified_at: datetime | None = None
        self.verified_channel: str | None = None
        self.verified_address: PersonalData | None = None
        self.completed_at: datetime | None = None

    # -- sending ----------------------------------------------------------------------------------

    def resend_wait_s(self, now: datetime, policy: CodePolicy) -> int | None:
        """Seconds to wait before another code may be sent, or None if one may be sent now."""
        if len(self.sends) >= policy.max_sends:
            return int(policy.lifetime("email").total_seconds())
        if self.sends:
            ready_at = self.sends[-1] + policy.resend_interval
            if now < ready_at:
                return max(1, int((ready_at - now).total_seconds()))
        return None

    @event("CodeIssued")
    def issue_code(
        self,
        *,
        purpose: str,
        account_id: uuid.UUID | None,
        channel: str,
        code_hash: str | None,
        expires_at: datetime,
        address: PersonalData | None,
        sealed: PersonalData | None,
        issued_at: datetime,
    ) -> None:
        """A new code replaces the old one. ``code_hash=None``: nothing sent (decoy flow).

        ``purpose`` and ``account_id`` make the event self-describing for the outbox relay.
        """
        self.code_hash = code_hash
        self.code_channel = channel
        self.code_expires_at = expires_at
        self.code_address = address
        self.wrong_entries = 0
        self.sends.append(issued_at)
        self.verified_at = None  # a new code means the address must be proven again

    # -- entering ---------------------------------------------------------------------------------

    def enter_code(self, *, matches: bool, now: datetime, policy: CodePolicy) -> CodeEntry:
        """Records the entry and says how it went; ``matches`` comes from the CodeHasher."""
        limit = policy.max_wrong_entries
        if self.code_expires_at is None:
            return CodeEntry("no_code", 0)
        if self.wrong_entries >= limit:
            return CodeEntry("too_many_attempts", 0)
        if now >= self.code_expires_at:
            return CodeEntry("code_expired", limit - self.wrong_entries)
        if matches:
            self._accept_code(at=now)
            return CodeEntry("verified", limit - self.wrong_entries)
        self._reject_code(at=now)
        left = limit - self.wrong_entries
        return CodeEntry("invalid_code" if left else "too_many_attempts", left)

    @event("CodeAccepted")
    def _accept_code(self, *, at: datetime) -> None:
        # Single use: the code is gone once accepted.
        self.code_hash = None
        self.code_expires_at = None
        self.verified_at = at
        self.verified_channel = self.code_channel
        self.verified_address = self.code_address

    @event("CodeRejected")
    def _reject_code(self, *, at: datetime) -> None:
        # The limit is policy, applied by enter_code: past it, the code is dead.
        self.wrong_entries += 1

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def may_complete(self, now: datetime, policy: CodePolicy) -> bool:
        """Verified, not completed, and within the window after the code was entered."""
        return (
            self.verified_at is not None
            and self.completed_at is None
            and now < self.verified_at + policy.completion_window
        )

    @property
    def completed(self) -> bool:
        return self.completed_at is not None
