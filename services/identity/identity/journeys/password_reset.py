"""Password reset, "Mot de passe oublié" (spec §8): NIR + birth name + captcha, a channel on
file, a code, a new password. Completing it publishes PasswordChanged (reason "reset"): lockout
lifts any freeze, notification tells the person.

Unknown NIR and wrong birth name answer exactly like a real account: a ``reset_id`` and one
plausible masked channel (see :mod:`identity.decoys`); nothing is ever sent and no code matches.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from shared.identifiers import Identifier
from shared.runtime.clock import Clock

from .. import messages
from ..civil_status import fold_name
from ..decoys import decoy_channels
from ..domain import Account, CodeFlow
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..passwords import PasswordPolicy
from ..store import IdentityStore
from .captcha import require_captcha
from .channels import masked_channels
from .code_on_file import CodeOnFile, refuse_if_completed
from .code_steps import CodeSteps
from .new_password import require_new_password


@dataclass
class PasswordReset:
    store: IdentityStore
    clock: Clock
    steps: CodeSteps
    hasher: PasswordHasher
    passwords: PasswordPolicy

    def __post_init__(self) -> None:
        self.on_file = CodeOnFile(self.store, self.steps)

    def start(
        self,
        identifier: Identifier,
        birth_name: str,
        captcha: dict[str, str],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """``password_reset.start(nir, "MORVAN", {"captcha_id": …, "answer": …}, lockout)``
        -> ``{"reset_id": "…", "channels": [{"channel": "email", "masked": "d****n@t***.fr"}]}``."""
        require_captcha(captcha, lockout)
        self.store.note_lookup(self.store.identifier_key(identifier), source, lockout)
        account = self.store.account_for(identifier)
        reset_id = uuid.uuid4()
        if account is not None and same_birth_name(account, birth_name):
            subject, channels = account.id, masked_channels(account.contact.value or {})
        else:
            account = None
            seed = self.store.identifier_key(identifier) + "|" + fold_name(birth_name)
            subject = reset_id
            channels = decoy_channels(self.store.pseudonyms.of("identifier", seed))
        reset = CodeFlow.password_reset(
            id=reset_id,
            account_id=account.id if account else None,
            channels=self.store.personal(subject, channels),
            started_at=self.clock.now(),
        )
        self.store.save(reset)
        return {
            "reset_id": str(reset.id),
            "channels": channels,
            "message": None if channels else messages.NO_CONTACT_ON_FILE,
        }

    def send_code(self, reset_id: str, channel: str) -> dict[str, Any]:
        """``{"outcome": "sent", "sent_to": "d****n@t***.fr", "expires_at": "…"}``."""
        return self.on_file.send(self.open(reset_id), channel)

    def verify_code(self, reset_id: str, code: str) -> dict[str, Any]:
        """``{"verified": True, "attempts_left": 3, "outcome": "verified", …}``."""
        reset = self.open(reset_id)
        refuse_if_completed(reset)
        result = self.steps.enter(reset, code)
        self.store.save(reset)
        return result

    def complete(self, reset_id: str, password: str, confirmation: str) -> dict[str, Any]:
        """The new password (policy and confirmation checked first):
        ``{"outcome": "password_changed", "message": "Nouveau mot de passe enregistré"}``."""
        require_new_password(self.passwords, password, confirmation)
        reset = self.open(reset_id)
        if reset.completed:
            return {"outcome": "already_completed", "message": messages.NEW_PASSWORD_SAVED}
        if reset.account_id is None or not self.steps.may_complete(reset):
            return {"outcome": "code_not_verified", "message": messages.CODE_OUTCOMES["no_code"]}
        account_id = reset.account_id
        new_hash = self.hasher.hash(password)

        def change() -> list[Any]:
            current_reset: CodeFlow = self.store.get(reset.id)
            if current_reset.completed:
                return []
            account: Account = self.store.get(account_id)
            now = self.clock.now()
            account.change_password(
                password_hash=self.store.personal(account.id, new_hash), reason="reset", at=now
            )
            current_reset.complete(at=now)
            ended = self.store.revoke_sessions(account.id, "password_reset")  # all of them
            return [account, current_reset, ended]

        self.store.save_with_retry(change)
        return {"outcome": "password_changed", "message": messages.NEW_PASSWORD_SAVED}

    def open(self, reset_id: str) -> CodeFlow:
        return self.store.code_flow("password_reset", reset_id, "reset_id")


def same_birth_name(account: Account, birth_name: str) -> bool:
    civil = account.civil_status.value or {}
    return bool(civil) and fold_name(civil.get("birth_name", "")) == fold_name(birth_name)
