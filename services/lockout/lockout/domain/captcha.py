"""An image challenge: only a keyed digest of its answer is kept; single use; short-lived.

The image and the digest are made outside (the application): the aggregate only compares.

>>> challenge = CaptchaChallenge(                                      # doctest: +SKIP
...     challenge_id=cid, answer_digest="…", issued_at=now, expires_at=later)
>>> challenge.consume("…", now)                                        # doctest: +SKIP
True
"""

from __future__ import annotations

import hmac
import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event


class CaptchaChallenge(Aggregate):
    """One challenge; its id is random (uuid4) and is what the portal sends back."""

    @staticmethod
    def create_id(challenge_id: uuid.UUID) -> uuid.UUID:
        # The id is drawn before the answer's digest, which is bound to it.
        return challenge_id

    @event("Issued")
    def __init__(
        self, challenge_id: uuid.UUID, answer_digest: str, issued_at: datetime, expires_at: datetime
    ) -> None:
        self.answer_digest = answer_digest
        self.expires_at = expires_at
        self.used = False

    def consume(self, answer_digest: str, now: datetime) -> bool:
        """Checks an answer; the challenge is spent whether right, wrong or expired."""
        if self.used:
            return False
        valid = now < self.expires_at and hmac.compare_digest(answer_digest, self.answer_digest)
        self._consumed(at=now, valid=valid)
        return valid

    @event("Consumed")
    def _consumed(self, at: datetime, valid: bool) -> None:
        self.used = True
