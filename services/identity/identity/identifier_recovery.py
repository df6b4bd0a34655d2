"""Identifier recovery, "Identifiant provisoire oublié ?" (spec §8): birth name, first names,
birth date and captcha; a channel on file; the code; the provisional identifier is sent again
(ProvisionalIdentifierIssued, reason "recovery") to the channel the code went to.

As for the password reset, nobody matching gives a decoy flow. Several provisional accounts
sharing name and birth date (homonyms) cannot be told apart from what is typed: the person is
told to contact their Caf (channels empty), rather than sending someone else's identifier.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from . import messages
from .civil_status import display_name, matching_text
from .decoys import decoy_channels
from .domain import Account
from .flows import IdentifierRecovery
from .indexes import CivilStatusIndex
from .lockout_port import LockoutPort
from .verification_steps import VerificationSteps


class IdentifierRecoveryCommands(VerificationSteps):
    def start_identifier_recovery(
        self,
        birth_name: str,
        first_names: str,
        birth_date: date,
        captcha: dict[str, str],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``app.start_identifier_recovery("MORVAN", "DANIEL", date(1962, 9, 9), captcha, lk)``
        -> ``{"recovery_id": "…", "channels": [{"channel": "email", "masked": "d****n@…"}]}``."""
        self.require_captcha(captcha, lockout)
        looked_up = matching_text(birth_name, first_names, birth_date.isoformat())
        self.note_lookup(self.pseudonyms.of("identifier", "recovery|" + looked_up), source, lockout)
        recovery_id = uuid.uuid4()
        candidates = self.provisional_accounts(birth_name, first_names, birth_date.isoformat())
        account = candidates[0] if len(candidates) == 1 else None
        if account is not None:
            subject, channels = account.id, self.masked_channels(account.contact.value or {})
        elif candidates:
            subject, channels = recovery_id, []
        else:
            seed = "recovery|" + matching_text(birth_name, first_names, birth_date.isoformat())
            subject, channels = recovery_id, decoy_channels(self.pseudonyms.of("identifier", seed))
        recovery = IdentifierRecovery(
            id=recovery_id,  # type: ignore[call-arg]  # eventsourcing's id=
            account_id=account.id if account else None,
            channels=self.personal(subject, channels),
            started_at=self.clock.now(),
        )
        self.save(recovery)
        return {
            "recovery_id": str(recovery.id),
            "channels": channels,
            "message": None if channels else messages.NO_CONTACT_ON_FILE,
        }

    def send_identifier_recovery_code(self, recovery_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "06 ** ** ** 12", "expires_at": "…"}``."""
        recovery: IdentifierRecovery = self.flow(IdentifierRecovery, recovery_id, "recovery_id")
        self.refuse_if_completed(recovery, "recovery_id")
        masked = self.offered_channel(recovery.channels.value or [], channel)
        refusal = self.resend_refusal(recovery)
        if refusal:
            return refusal
        account = self.repository.get(recovery.account_id) if recovery.account_id else None
        sent = self.issue_code(
            recovery,
            purpose="identifier_recovery",
            account_id=recovery.account_id,
            subject_id=recovery.account_id or recovery.id,
            channel=channel,
            address=self.address_for(account.contact.value, channel) if account else None,
            display_name=display_name(account.civil_status.value or {}) if account else None,
        )
        self.save(recovery)
        return {"outcome": "sent", "sent_to": masked, **sent, "message": messages.CODE_SINGLE_USE}

    def complete_identifier_recovery(self, recovery_id: str, code: str) -> dict[str, Any]:
        """The code typed; if right, the identifier is sent:
        ``{"outcome": "identifier_sent", "sent_to": "d****n@t***.fr", …}``."""
        recovery: IdentifierRecovery = self.flow(IdentifierRecovery, recovery_id, "recovery_id")
        self.refuse_if_completed(recovery, "recovery_id")
        result = self.enter_code(recovery, code)
        if not result["verified"] or recovery.account_id is None:
            self.save(recovery)
            return result
        account: Account = self.repository.get(recovery.account_id)
        now = self.clock.now()
        channel = str(recovery.verified_channel)
        address = recovery.verified_address.value if recovery.verified_address else None
        recovery.complete(at=now)
        if not account.is_provisional:  # a NIR was assigned since the recovery started
            self.save(recovery)
            return {**result, "outcome": "nir_assigned", "sent_to": None,
                    "message": messages.LOG_IN_WITH_NIR}  # fmt: skip
        sealed = self.seal(
            {
                "identifier": account.identifier.value,
                "address": address,
                "display_name": display_name(account.civil_status.value or {}),
            }
        )
        account.send_provisional_identifier(
            reason="recovery", channel=channel, sealed=self.personal(account.id, sealed), at=now
        )
        self.save(account, recovery)
        masked = self.offered_channel(recovery.channels.value or [], channel)
        return {**result, "outcome": "identifier_sent", "sent_to": masked,
                "message": messages.PROVISIONAL_IDENTIFIER_SENT}  # fmt: skip

    def provisional_accounts(
        self, birth_name: str, first_names: str, birth_date: str
    ) -> list[Account]:
        index = self.find(self.civil_index_id(birth_name, first_names, birth_date))
        if not isinstance(index, CivilStatusIndex):
            return []
        accounts: list[Account] = [self.repository.get(i) for i in index.account_ids]
        return [account for account in accounts if account.is_provisional]
