"""Password reset, "Mot de passe oublié" (spec §8): NIR + birth name + captcha, a channel on
file, a code, a new password. Completing it publishes PasswordChanged (reason "reset"): lockout
lifts any freeze, notification tells the person.

Unknown NIR and wrong birth name answer exactly like a real account: a ``reset_id`` and one
plausible masked channel (see :mod:`identity.decoys`); nothing is ever sent and no code matches.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.identifiers import Identifier

from . import messages
from .civil_status import display_name, fold_name
from .decoys import decoy_channels
from .domain import Account
from .flows import PasswordReset
from .lockout_port import LockoutPort
from .verification_steps import VerificationSteps


class PasswordResetCommands(VerificationSteps):
    def start_password_reset(
        self,
        identifier: Identifier,
        birth_name: str,
        captcha: dict[str, str],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``app.start_password_reset(nir, "MORVAN", {"captcha_id": …, "answer": …}, lockout)``
        -> ``{"reset_id": "…", "channels": [{"channel": "email", "masked": "d****n@t***.fr"}]}``."""
        self.require_captcha(captcha, lockout)
        self.note_lookup(self.identifier_key(identifier), source, lockout)
        account = self.account_for(identifier)
        reset_id = uuid.uuid4()
        if account is not None and self.same_birth_name(account, birth_name):
            subject, channels = account.id, self.masked_channels(account.contact.value or {})
        else:
            account = None
            seed = self.identifier_key(identifier) + "|" + fold_name(birth_name)
            subject, channels = reset_id, decoy_channels(self.pseudonyms.of("identifier", seed))
        reset = PasswordReset(
            id=reset_id,  # type: ignore[call-arg]  # eventsourcing's id=
            account_id=account.id if account else None,
            channels=self.personal(subject, channels),
            started_at=self.clock.now(),
        )
        self.save(reset)
        return {
            "reset_id": str(reset.id),
            "channels": channels,
            "message": None if channels else messages.NO_CONTACT_ON_FILE,
        }

    def send_password_reset_code(self, reset_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "d****n@t***.fr", "expires_at": "…"}``."""
        reset: PasswordReset = self.flow(PasswordReset, reset_id, "reset_id")
        self.refuse_if_completed(reset, "reset_id")
        masked = self.offered_channel(reset.channels.value or [], channel)
        refusal = self.resend_refusal(reset)
        if refusal:
            return refusal
        account = self.repository.get(reset.account_id) if reset.account_id else None
        sent = self.issue_code(
            reset,
            purpose="password_reset",
            account_id=reset.account_id,
            subject_id=reset.account_id or reset.id,
            channel=channel,
            address=self.address_for(account.contact.value, channel) if account else None,
            display_name=display_name(account.civil_status.value or {}) if account else None,
        )
        self.save(reset)
        return {"outcome": "sent", "sent_to": masked, **sent, "message": messages.CODE_SINGLE_USE}

    def verify_password_reset_code(self, reset_id: str, code: str) -> dict[str, Any]:
        """``{"verified": True, "attempts_left": 3, "outcome": "verified", …}``."""
        reset: PasswordReset = self.flow(PasswordReset, reset_id, "reset_id")
        self.refuse_if_completed(reset, "reset_id")
        result = self.enter_code(reset, code)
        self.save(reset)
        return result

    def complete_password_reset(self, reset_id: str, password: str) -> dict[str, Any]:
        """The new password (policy and confirmation checked before):
        ``{"outcome": "password_changed", "message": "Nouveau mot de passe enregistré"}``."""
        reset: PasswordReset = self.flow(PasswordReset, reset_id, "reset_id")
        if reset.completed:
            return {"outcome": "already_completed", "message": messages.NEW_PASSWORD_SAVED}
        if reset.account_id is None or not reset.may_complete(self.clock.now(), self.code_policy):
            return {"outcome": "code_not_verified", "message": messages.CODE_OUTCOMES["no_code"]}
        new_hash = self.hasher.hash(password)

        def change() -> list[Any]:
            current_reset: PasswordReset = self.repository.get(reset.id)
            if current_reset.completed:
                return []
            assert reset.account_id is not None
            account: Account = self.repository.get(reset.account_id)
            now = self.clock.now()
            account.change_password(
                password_hash=self.personal(account.id, new_hash), reason="reset", at=now
            )
            current_reset.complete(at=now)
            ended = self.revoke_sessions(account.id, "password_reset")  # all of them
            return [account, current_reset, ended]

        self.save_with_retry(change)
        return {"outcome": "password_changed", "message": messages.NEW_PASSWORD_SAVED}

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def same_birth_name(account: Account, birth_name: str) -> bool:
        civil = account.civil_status.value or {}
        return bool(civil) and fold_name(civil.get("birth_name", "")) == fold_name(birth_name)
