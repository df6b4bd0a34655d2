"""The steps every code journey shares: send a code to a channel, enter it (spec §7).

The code is drawn here (CSPRNG), sealed for notification and hashed for the flow; it is never
kept in plaintext anywhere. Used by registration, password reset and identifier recovery.

>>> steps.issue(flow, purpose="password_reset", account_id=aid, subject_id=aid,  # doctest: +SKIP
...             channel="email", address="d@test.fr", display_name="Daniel MORVAN")
{"expires_at": "2024-03-05T09:45:00+00:00"}
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.personal_data import PersonalData
from shared.runtime.sealing import Sealer

from .. import messages
from ..domain import CodeFlow
from ..verification_codes import CodeHasher, CodePolicy, new_code


@dataclass
class CodeSteps:
    clock: Clock
    codes: CodeHasher
    policy: CodePolicy
    sealer: Sealer

    def issue(
        self,
        flow: CodeFlow,
        *,
        purpose: str,
        account_id: uuid.UUID | None,
        subject_id: uuid.UUID,
        channel: str,
        address: Any,
        display_name: str | None,
    ) -> dict[str, Any]:
        """Draws a code, records its hash and its sealed copy on ``flow``; ``address=None``
        (decoy flow) records a send with no code at all."""
        now = self.clock.now()
        expires_at = now + self.policy.lifetime(channel)
        if address is None:
            flow.issue_code(
                purpose=purpose, account_id=None, channel=channel, code_hash=None,
                expires_at=expires_at, address=None, sealed=None, issued_at=now,
            )  # fmt: skip
            return {"expires_at": expires_at.isoformat()}
        code = new_code()
        sealed = self.sealer.seal({"code": code, "address": address, "display_name": display_name})
        flow.issue_code(
            purpose=purpose,
            account_id=account_id,
            channel=channel,
            code_hash=self.codes.digest(flow.id, code),
            expires_at=expires_at,
            address=PersonalData(subject_id, address),
            sealed=PersonalData(subject_id, sealed),
            issued_at=now,
        )
        return {"expires_at": expires_at.isoformat()}

    def resend_refusal(self, flow: CodeFlow) -> dict[str, Any] | None:
        """The "too soon" answer if no code may be sent now, else None."""
        wait = flow.resend_wait_s(self.clock.now(), self.policy)
        if wait is None:
            return None
        return {"outcome": "rate_limited", "sent_to": None, "retry_after_s": wait,
                "message": messages.RESEND_TOO_SOON}  # fmt: skip

    def enter(self, flow: CodeFlow, code: str) -> dict[str, Any]:
        """Records the entry on ``flow``: ``{"verified": True, "attempts_left": 3, …}``."""
        matches = self.codes.matches(flow.code_hash, flow.id, code)
        entry = flow.enter_code(matches=matches, now=self.clock.now(), policy=self.policy)
        return {
            "outcome": entry.outcome,
            "verified": entry.verified,
            "attempts_left": entry.attempts_left,
            "message": messages.CODE_OUTCOMES[entry.outcome],
        }

    def may_complete(self, flow: CodeFlow) -> bool:
        """Verified, not completed, and still within the window after the code was entered."""
        return flow.may_complete(self.clock.now(), self.policy)
