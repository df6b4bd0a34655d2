"""Login with a NIR or a provisional identifier and a password (spec §5).

The lockout service is asked *before* any password check: when it says frozen, captcha required
or source throttled, no hash is computed at all. When it grants the attempt, the password is
verified (against a dummy hash if there is no account: same cost, same answer) and the result is
reported back, so the ladder counts every check, across replicas.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.identifiers import Identifier
from shared.runtime import after_answer
from shared.runtime.clock import Clock
from shared.runtime.request_outcomes import answer_for_redelivery
from shared.runtime.rpc_entrypoint import Request

from .. import messages
from ..domain import Account, RefusedLoginAttempt
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..renewal_campaign import RenewalCampaign
from ..sessions import SessionTokens
from ..store import IdentityStore

SOURCES = "connection_sources"  # the retention table's row (docs/privacy.md)
#: a checked password that was wrong, and whose failure froze the account (spec §5: the
#: history tells it from an attempt refused with no check because the account was frozen)
CHECKED_AND_FROZE = "invalid_credentials_froze"
CHECKED_FAILURES = ("invalid_credentials", CHECKED_AND_FROZE)


@dataclass
class Login:
    store: IdentityStore
    clock: Clock
    hasher: PasswordHasher
    tokens: SessionTokens
    campaign: RenewalCampaign

    def attempt(
        self,
        identifier: Identifier,
        password: str,
        lockout: LockoutPort,
        captcha: dict[str, str] | None = None,
        source: dict[str, str] | None = None,
        request: Request | None = None,
        later: Callable[[Callable[[], Any]], None] = after_answer.now,
    ) -> dict[str, Any]:
        """``login.attempt(parse_identifier("1 63 06 31 555 082"), "Bonjour2024Caf", lockout)``
        -> ``{"outcome": "ok", "session": {"token": "eyJ…", …}, …}``.

        The same ``request`` delivered again (identity killed mid-login) acts once: lockout
        keys its reservation by the request, and a login that already recorded its outcome
        answers it again (a success with a fresh session, the password not checked twice).
        A failure is recorded on the account ``later`` (the service: after the answer has
        left), and not at all for an unknown identifier: the two answer in the same time and
        random identifiers do not grow the store (SPEC §16)."""
        redelivered = request is not None and request.redelivered
        first = self.store.recorded_outcome(request, "login") if redelivered else None
        if first is not None and first.answer is not None:
            return self.answered_again(first.answer)
        identifier_key = self.store.identifier_key(identifier)
        source_key, partner = self.store.source_of(source)
        reservation = lockout.reserve_attempt(
            identifier_key,
            source_key=source_key,
            source_partner=partner,
            captcha_id=(captcha or {}).get("captcha_id"),
            captcha_answer=(captcha or {}).get("answer"),
            request_id=request.id if request else None,
        )
        account = self.store.account_for(identifier, read_only=True)
        decision = reservation["decision"]
        if decision != "check":
            # decision is frozen, captcha_required or source_throttled: recorded as such
            result = login_result(
                "frozen" if decision == "frozen" else "captcha_required",
                reservation,
                identifier_kind=identifier.kind,
            )
            answer_for_redelivery({"result": result})
            later(
                lambda: self.record_failure(account, identifier_key, decision, source, source_key)
            )
            return result

        stored_hash = account.password_hash.value if account else None
        ok = self.hasher.verify(stored_hash, password)
        state = lockout.report_attempt(reservation["reservation_id"], ok)
        if not ok or account is None:
            # Checked and wrong; if this failure froze the account, it says so (not a refusal).
            froze = bool(state.get("frozen_until"))
            outcome = "frozen" if froze else "invalid_credentials"
            result = login_result(outcome, state, identifier_kind=identifier.kind)
            answer_for_redelivery({"result": result})
            reason = CHECKED_AND_FROZE if froze else "invalid_credentials"
            later(lambda: self.record_failure(account, identifier_key, reason, source, source_key))
            return result

        now = self.clock.now()
        campaign = self.campaign.decision(changed_at=account.password_changed_at, now=now)
        if campaign == "reset_required":
            result = login_result("password_reset_required", state)
            answer_for_redelivery({"result": result})
            later(
                lambda: self.record_failure(
                    account, identifier_key, "password_reset_required", source, source_key
                )
            )
            return result
        session = self.tokens.issue(
            account_id=account.id,
            identifier_kind=account.identifier_kind,
            auth_method="password",
            now=now,
            generation=self.store.session_generation(account.id),
        )
        new_hash = (
            self.hasher.hash(password) if self.hasher.needs_rehash(str(stored_hash)) else None
        )

        def record() -> list[Account]:
            current: Account = self.store.get(account.id)  # a copy: it is changed
            if new_hash is not None:
                current.rehash_password(password_hash=self.store.personal(current.id, new_hash))
            current.record_login(
                at=now,
                method="password",
                source=self.store.expiring(current.id, source, SOURCES, now) if source else None,
                source_key=self._expiring_key(current.id, source_key, now),
                session_id=session.session_id,
            )
            return [current]

        result = login_result("ok", state, recommended=campaign == "recommended")
        # Never the session: a redelivery gets a fresh one for this account.
        answer_for_redelivery({"result": result, "account_id": str(account.id)})
        self.store.save_with_retry(record)
        return {**result, "session": session_answer(session)}

    def answered_again(self, answer: dict[str, Any]) -> dict[str, Any]:
        """What a login delivered again answers: the recorded outcome; a success gets a new
        session (no password is checked, nothing is recorded again)."""
        result = dict(answer["result"])
        if result["outcome"] != "ok":
            return result
        account: Account = self.store.get(uuid.UUID(answer["account_id"]))
        session = self.tokens.issue(
            account_id=account.id,
            identifier_kind=account.identifier_kind,
            auth_method="password",
            now=self.clock.now(),
        )
        return {**result, "session": session_answer(session)}

    def _expiring_key(self, subject_id: uuid.UUID, source_key: str | None, now: Any) -> Any:
        """A source pseudonym, kept as long as connection sources are."""
        return self.store.expiring(subject_id, source_key, SOURCES, now) if source_key else None

    def record_failure(
        self,
        account: Account | None,
        identifier_key: str,
        reason: str,
        source: dict[str, str] | None,
        source_key: str | None,
    ) -> None:
        """On the account's history (or apart, if refused before any check); nothing for an
        identifier with no account: lockout's ladder counts it, identity's store must not grow
        with random identifiers (older ``UnattributedLoginFailure`` events still replay)."""
        now = self.clock.now()
        if account is None:
            return
        account_id = account.id
        if reason not in CHECKED_FAILURES:  # refused before any check: see RefusedLoginAttempt
            self.store.save(
                RefusedLoginAttempt(
                    account_id=account_id,
                    identifier_key=identifier_key,
                    reason=reason,
                    source_key=self._expiring_key(account_id, source_key, now),
                    at=now,
                )
            )
            return

        def record() -> list[Account]:
            current: Account = self.store.get(account_id)
            current.record_failed_login(
                at=now,
                method="password",
                reason=reason,
                source=self.store.expiring(account_id, source, SOURCES, now) if source else None,
                source_key=self._expiring_key(account_id, source_key, now),
            )
            return [current]

        self.store.save_with_retry(record)


def session_answer(session: Any) -> dict[str, Any]:
    return {
        "token": session.token,
        "token_type": "Bearer",
        "expires_at": session.expires_at.isoformat(),
    }


def login_result(
    outcome: str,
    state: dict[str, Any],
    recommended: bool = False,
    identifier_kind: str = "nir",
) -> dict[str, Any]:
    """The contract's shape, whatever the outcome (same keys for every answer). The wording
    names what was typed (a NIR or a provisional identifier), never what is on file."""
    retry_after_s = state.get("retry_after_s")
    attempts_left = int(state.get("attempts_left") or 0)
    wrong = messages.attempts_left_message(
        attempts_left, provisional=identifier_kind == "provisional", failures=state.get("failures")
    )
    captcha = (
        messages.CAPTCHA_INVALID if state.get("captcha_invalid") else messages.CAPTCHA_REQUIRED
    )
    text = {
        "ok": messages.PASSWORD_CHANGE_RECOMMENDED if recommended else None,
        "invalid_credentials": wrong,
        "captcha_required": captcha,
        "frozen": messages.frozen_message(retry_after_s),
        "password_reset_required": messages.PASSWORD_RESET_REQUIRED,
    }[outcome]
    return {
        "outcome": outcome,
        "attempts_left": state.get("attempts_left"),
        "captcha_required": bool(state.get("captcha_required")) or outcome == "captcha_required",
        "captcha_invalid": bool(state.get("captcha_invalid")),
        "frozen_until": state.get("frozen_until") if outcome == "frozen" else None,
        "retry_after_s": retry_after_s if outcome == "frozen" else None,
        "password_change_recommended": recommended,
        "session": None,
        "message": text,
    }
