""" "Mon profil" › « Modifier » (issue #29): a person changes their own mail or mobile.

1. ``start``: a live session, at most ``CONTACT_CHANGES_PER_DAY`` changes in 24 hours, the
   current password checked through the login's ladder (:mod:`.current_password`), the lookup
   counted on the source (per-source throttle); a 6-digit code goes to the NEW address.
2. ``confirm``: the code entered (attempts limited like every code); right, the change is
   recorded by the journey the agents' changes use (:mod:`.contact_change`): the previous
   contacts are told first, codes to the new ones wait.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.contacts import mask_email, mask_phone
from shared.runtime.clock import Clock
from shared.runtime.rpc import InvalidInput
from shared.runtime.sealing import Sealer

from .. import messages
from ..civil_status import display_name
from ..domain import Account, CodeFlow
from ..domain.account import SELF
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..store import IdentityStore
from .code_on_file import refuse_if_completed
from .code_steps import CodeSteps
from .contact_change import record_contact_change
from .current_password import current_password_check
from .sessions import Sessions

#: which contact field a channel changes
FIELD = {"email": "email", "sms": "phone"}


@dataclass
class MyContacts:
    store: IdentityStore
    clock: Clock
    sessions: Sessions
    steps: CodeSteps
    hasher: PasswordHasher
    sealer: Sealer
    changes_per_day: int

    def start(
        self,
        token: str,
        current_password: str,
        channel: str,
        address: str,
        lockout: LockoutPort,
        captcha: dict[str, str] | None = None,
        source: dict[str, str] | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """``my_contacts.start(token, "Bonjour2024Caf", "email", "d@test.fr", lockout)`` ->
        ``{"outcome": "code_sent", "change_id": "…", "sent_to": "d****@t***.fr", …}``; refused:
        ``limit_reached``, or the login's ``invalid_current_password``, ``captcha_required``,
        ``frozen`` with their messages."""
        claims = self.sessions.live(token)
        account: Account = self.store.get(claims.account_id)
        now = self.clock.now()
        if account.contact_changes_since(now - timedelta(days=1)) >= self.changes_per_day:
            return {"outcome": "limit_reached", "message": messages.CONTACT_CHANGES_LIMIT}
        check = current_password_check(
            self.hasher, account, current_password, lockout, captcha, request_id
        )
        if not check.passed:
            return check.answer
        self.store.note_lookup(account.identifier_key, source, lockout)
        change = CodeFlow.contact_change(
            id=uuid.uuid4(),
            account_id=account.id,
            form=self.store.personal(account.id, {"channel": channel, "address": address}),
            started_at=now,
        )
        sent = self.steps.issue(
            change,
            purpose="contact_change",
            account_id=account.id,
            subject_id=account.id,
            channel=channel,
            address=address,
            display_name=display_name(account.civil_status.value or {}),
        )
        self.store.save(change)
        masked = mask_phone(address) if channel == "sms" else mask_email(address)
        return {
            "outcome": "code_sent",
            "change_id": str(change.id),
            "sent_to": masked,
            **sent,
            "message": messages.CODE_SINGLE_USE,
        }

    def confirm(self, token: str, change_id: str, code: str) -> dict[str, Any]:
        """``{"outcome": "changed", "message": "Vos coordonnées de contact sont modifiées."}``,
        or the code's outcome (``invalid_code`` with ``attempts_left``, ``too_many_attempts``,
        ``code_expired``)."""
        claims = self.sessions.live(token)
        change = self.store.code_flow("contact_change", change_id, "change_id")
        if change.account_id != claims.account_id:  # another person's change: unknown here
            raise InvalidInput(
                code="change_id_unknown",
                fields={"change_id": ["Cette démarche est introuvable ou a expiré : recommencez."]},
            )
        refuse_if_completed(change)
        entered = self.steps.enter(change, code)
        if not entered["verified"]:
            self.store.save(change)
            return entered
        wanted = change.form.value  # type: ignore[union-attr]
        change.complete(at=self.clock.now())

        def changed(contact: dict[str, Any]) -> dict[str, Any]:
            new = {**contact, FIELD[wanted["channel"]]: wanted["address"]}
            return {**new, "preferred": contact.get("preferred") or wanted["channel"]}

        record_contact_change(
            self.store, self.clock, self.sealer, claims.account_id, changed, SELF, also=[change],
            session_kept=claims.session_id,
        )  # fmt: skip
        return {"outcome": "changed", "message": messages.CONTACTS_CHANGED}
