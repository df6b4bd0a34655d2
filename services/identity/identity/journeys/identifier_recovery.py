"""Identifier recovery, "Identifiant provisoire oublié ?" (spec §8): birth name, first names,
birth date and captcha; a channel on file; the code; the provisional identifier is sent again
(ProvisionalIdentifierIssued, reason "recovery") to the channel the code went to.

As for the password reset, nobody matching gives a decoy flow. Several provisional accounts
sharing name and birth date (homonyms) cannot be told apart from what is typed: the person is
told to contact their Caf (channels empty), rather than sending someone else's identifier.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.sealing import Sealer

from .. import messages
from ..civil_status import display_name, matching_text
from ..decoys import decoy_channels
from ..domain import Account, CivilStatusIndex, CodeFlow
from ..lockout_port import LockoutPort
from ..store import IdentityStore
from .captcha import require_captcha
from .channels import masked_channels, offered_channel
from .code_on_file import CodeOnFile, refuse_if_completed
from .code_steps import CodeSteps


@dataclass
class IdentifierRecovery:
    store: IdentityStore
    clock: Clock
    steps: CodeSteps
    sealer: Sealer

    def __post_init__(self) -> None:
        self.on_file = CodeOnFile(self.store, self.steps)

    def start(
        self,
        birth_name: str,
        first_names: str,
        birth_date: date,
        captcha: dict[str, str],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``identifier_recovery.start("MORVAN", "DANIEL", date(1962, 9, 9), captcha, lockout)``
        -> ``{"recovery_id": "…", "channels": [{"channel": "email", "masked": "d****n@…"}]}``."""
        require_captcha(captcha, lockout)
        looked_up = matching_text(birth_name, first_names, birth_date.isoformat())
        lookup_key = self.store.pseudonyms.of("identifier", "recovery|" + looked_up)
        self.store.note_lookup(lookup_key, source, lockout)
        recovery_id = uuid.uuid4()
        candidates = self.provisional_accounts(birth_name, first_names, birth_date.isoformat())
        account = candidates[0] if len(candidates) == 1 else None
        if account is not None:
            subject, channels = account.id, masked_channels(account.contact.value or {})
        elif candidates:
            subject, channels = recovery_id, []
        else:
            seed = "recovery|" + matching_text(birth_name, first_names, birth_date.isoformat())
            subject = recovery_id
            channels = decoy_channels(self.store.pseudonyms.of("identifier", seed))
        recovery = CodeFlow.identifier_recovery(
            id=recovery_id,
            account_id=account.id if account else None,
            channels=self.store.personal(subject, channels),
            started_at=self.clock.now(),
        )
        self.store.save(recovery)
        return {
            "recovery_id": str(recovery.id),
            "channels": channels,
            "message": None if channels else messages.NO_CONTACT_ON_FILE,
        }

    def send_code(self, recovery_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "06 ** ** ** 12", "expires_at": "…"}``."""
        return self.on_file.send(self.open(recovery_id), channel)

    def complete(self, recovery_id: str, code: str) -> dict[str, Any]:
        """The code typed; if right, the identifier is sent:
        ``{"outcome": "identifier_sent", "sent_to": "d****n@t***.fr", …}``."""
        recovery = self.open(recovery_id)
        refuse_if_completed(recovery)
        result = self.steps.enter(recovery, code)
        if not result["verified"] or recovery.account_id is None:
            self.store.save(recovery)
            return result
        account: Account = self.store.get(recovery.account_id)
        now = self.clock.now()
        channel = str(recovery.verified_channel)
        address = recovery.verified_address.value if recovery.verified_address else None
        recovery.complete(at=now)
        if not account.is_provisional:  # a NIR was assigned since the recovery started
            self.store.save(recovery)
            return {**result, "outcome": "nir_assigned", "sent_to": None,
                    "message": messages.LOG_IN_WITH_NIR}  # fmt: skip
        sealed = self.sealer.seal(
            {
                "identifier": account.identifier.value,
                "address": address,
                "display_name": display_name(account.civil_status.value or {}),
            }
        )
        account.send_provisional_identifier(
            reason="recovery",
            channel=channel,
            sealed=self.store.personal(account.id, sealed),
            at=now,
        )
        self.store.save(account, recovery)
        masked = offered_channel(recovery.channels.value or [], channel)  # type: ignore[union-attr]
        return {**result, "outcome": "identifier_sent", "sent_to": masked,
                "message": messages.PROVISIONAL_IDENTIFIER_SENT}  # fmt: skip

    def open(self, recovery_id: str) -> CodeFlow:
        return self.store.code_flow("identifier_recovery", recovery_id, "recovery_id")

    def provisional_accounts(
        self, birth_name: str, first_names: str, birth_date: str
    ) -> list[Account]:
        index = self.store.find(self.store.civil_index_id(birth_name, first_names, birth_date))
        if not isinstance(index, CivilStatusIndex):
            return []
        accounts: list[Account] = [self.store.get(i) for i in index.account_ids]
        return [account for account in accounts if account.is_provisional]
