"""The steps every code journey shares: send a code to a channel on file, enter it.

The code is drawn here (CSPRNG), sealed for notification and hashed for the flow; it is never
kept in plaintext anywhere. Mixed into registration, password reset and identifier recovery.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.runtime.rpc import InvalidInput

from . import messages
from .code_flow import CodeFlow
from .contacts import LETTER_MASK, mask_email, mask_phone
from .core import IdentityCore
from .verification_codes import new_code


class VerificationSteps(IdentityCore):
    def issue_code(
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
        expires_at = now + self.code_policy.lifetime(channel)
        if address is None:
            flow.issue_code(
                purpose=purpose, account_id=None, channel=channel, code_hash=None,
                expires_at=expires_at, address=None, sealed=None, issued_at=now,
            )  # fmt: skip
            return {"expires_at": expires_at.isoformat()}
        code = new_code()
        sealed = self.seal({"code": code, "address": address, "display_name": display_name})
        flow.issue_code(
            purpose=purpose,
            account_id=account_id,
            channel=channel,
            code_hash=self.codes.digest(flow.id, code),
            expires_at=expires_at,
            address=self.personal(subject_id, address),
            sealed=self.personal(subject_id, sealed),
            issued_at=now,
        )
        return {"expires_at": expires_at.isoformat()}

    def resend_refusal(self, flow: CodeFlow) -> dict[str, Any] | None:
        wait = flow.resend_wait_s(self.clock.now(), self.code_policy)
        if wait is None:
            return None
        return {"outcome": "rate_limited", "sent_to": None, "retry_after_s": wait,
                "message": messages.RESEND_TOO_SOON}  # fmt: skip

    def enter_code(self, flow: CodeFlow, code: str) -> dict[str, Any]:
        matches = self.codes.matches(flow.code_hash, flow.id, code)
        entry = flow.enter_code(matches=matches, now=self.clock.now(), policy=self.code_policy)
        return {
            "outcome": entry.outcome,
            "verified": entry.verified,
            "attempts_left": entry.attempts_left,
            "message": messages.CODE_OUTCOMES[entry.outcome],
        }

    # -- contacts as shown ---------------------------------------------------------------------

    @staticmethod
    def masked_channels(contact: dict[str, Any]) -> list[dict[str, str]]:
        channels = []
        if contact.get("email"):
            channels.append({"channel": "email", "masked": mask_email(contact["email"])})
        if contact.get("phone"):
            channels.append({"channel": "sms", "masked": mask_phone(contact["phone"])})
        if contact.get("postal_address"):
            channels.append({"channel": "letter", "masked": LETTER_MASK})
        return channels

    @staticmethod
    def offered_channel(channels: list[dict[str, str]], channel: str) -> str:
        """The masked form of ``channel`` if the flow offered it; InvalidInput otherwise."""
        for offered in channels:
            if offered["channel"] == channel:
                return offered["masked"]
        raise InvalidInput(
            code="channel_unavailable",
            fields={"channel": ["Choisissez un des moyens de réception proposés."]},
        )

    @staticmethod
    def address_for(contact: dict[str, Any], channel: str) -> Any:
        """The address a code goes to on ``channel``, as notification expects it."""
        return {
            "email": contact.get("email"),
            "sms": contact.get("phone"),
            "letter": contact.get("postal_address"),
        }[channel]
