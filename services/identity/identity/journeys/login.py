"""Login with a NIR or a provisional identifier and a password (spec §5).

The lockout service is asked *before* any password check: when it says frozen, captcha required
or source throttled, no hash is computed at all. When it grants the attempt, the password is
verified (against a dummy hash if there is no account: same cost, same answer). The check is
settled on lockout's ladder by the login's own event (``LoginSucceeded`` / ``LoginFailed``
carrying the reservation, issue #28): until then, and for ever if none comes, it counts as a
failure, so the ladder counts every check across replicas with one RPC per login. A success is
also carried by the identifier's next reservation from this replica (:mod:`..successes`), so a
person logging in again is not met by a captcha while the event travels. An identifier with no
account records no event (the store must not grow with random identifiers): its check is
reported to lockout after the answer instead.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.identifiers import Identifier
from shared.runtime import after_answer
from shared.runtime.clock import Clock
from shared.runtime.request_outcomes import answer_for_redelivery
from shared.runtime.rpc_entrypoint import Request

from .. import messages
from ..domain import Account, RefusedLoginAttempt
from ..freeze_cache import FreezeCache
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..renewal_campaign import RenewalCampaign
from ..sessions import SessionTokens
from ..store import IdentityStore
from ..successes import Successes

SOURCES = "connection_sources"  # the retention table's row (docs/privacy.md)
#: a checked password that was wrong, and whose failure froze the account (spec §5: the
#: history tells it from an attempt refused with no check because the account was frozen)
CHECKED_AND_FROZE = "invalid_credentials_froze"
CHECKED_FAILURES = ("invalid_credentials", CHECKED_AND_FROZE)
#: how often a delivery again looks for its first delivery's recorded outcome
FIRST_DELIVERY_POLL_S = 0.05


@dataclass(frozen=True)
class Attempt:
    """One login between its steps: who, from where, and what lockout answered."""

    identifier_key: str
    source: dict[str, str] | None
    source_key: str | None
    account: Account | None
    reservation: dict[str, Any]
    later: Callable[[Callable[[], Any]], None]
    lockout: LockoutPort
    identifier_kind: str  # what was typed (a NIR or a provisional identifier): the wording
    #: the generation a session is issued with, read with the account (before the check)
    session_generation: int = 0

    @property
    def reservation_id(self) -> str | None:
        """The check lockout reserved (None when it refused): the login event settles it."""
        value = self.reservation.get("reservation_id")
        return str(value) if value else None


@dataclass
class Login:
    store: IdentityStore
    clock: Clock
    hasher: PasswordHasher
    tokens: SessionTokens
    campaign: RenewalCampaign
    freezes: FreezeCache
    successes: Successes = field(default_factory=Successes)

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
        answers it again (a success with a fresh session, the password not checked twice); one
        whose check was granted to the first delivery waits for its outcome while lockout does
        (:meth:`_first_answer_within`), then answers a failure, unchecked
        (:meth:`_checked_before`).
        A failure is recorded on the account ``later`` (the service: after the answer has
        left), and not at all for an unknown identifier: the two answer in the same time and
        random identifiers do not grow the store (SPEC §16). Lockout settles the check from
        the recorded login event (an unknown identifier's check: reported after the answer)."""
        first = self._first_answer(request)
        if first is not None:
            return self.answered_again(first)
        attempt = self._reserve(identifier, lockout, captcha, source, request, later)
        if attempt.reservation["decision"] != "check":
            return self._refused(attempt)
        if self._checked_before(attempt, request):
            first = self._first_answer_within(attempt, request)
            return self.answered_again(first) if first is not None else self._failed(attempt)
        if not self._password_matches(attempt.account, password) or attempt.account is None:
            return self._failed(attempt)
        return self._succeeded(attempt, password)

    # -- the steps of a login ------------------------------------------------------------------

    def _first_answer(self, request: Request | None) -> dict[str, Any] | None:
        """What the first delivery of a redelivered login answered, if it recorded it."""
        if request is None or not request.redelivered:
            return None
        first = self.store.recorded_outcome(request, "login")
        return first.answer if first is not None else None

    def _reserve(
        self,
        identifier: Identifier,
        lockout: LockoutPort,
        captcha: dict[str, str] | None,
        source: dict[str, str] | None,
        request: Request | None,
        later: Callable[[Callable[[], Any]], None],
    ) -> Attempt:
        """Asks lockout for one password check (before any hashing) and finds the account.
        A freeze lockout recorded and this replica heard of answers « frozen » without asking
        (:mod:`..freeze_cache`: it refuses earlier, never grants a check); not for a delivery
        again, which lockout answers from its reservation."""
        identifier_key = self.store.identifier_key(identifier)
        source_key, partner = self.store.source_of(source)
        redelivered = request is not None and request.redelivered
        reservation = None if redelivered else self.freezes.refusal(identifier_key)
        if reservation is None:
            asked_at = self.freezes.asked_at()
            successes = self.successes.take(identifier_key)
            carried = [success.reservation_id for success in successes]
            try:
                reservation = lockout.reserve_attempt(
                    identifier_key,
                    source_key=source_key,
                    source_partner=partner,
                    captcha_id=(captcha or {}).get("captcha_id"),
                    captcha_answer=(captcha or {}).get("answer"),
                    request_id=request.id if request else None,
                    **({"successes": carried} if carried else {}),
                )
            except Exception:
                self.successes.give_back(identifier_key, successes)
                raise
            self.freezes.from_answer(identifier_key, reservation, asked_at)
        account, generation = self.store.account_and_generation_for(identifier)
        return Attempt(
            identifier_key, source, source_key, account, reservation, later, lockout,
            identifier.kind, generation,
        )  # fmt: skip

    def _refused(self, attempt: Attempt) -> dict[str, Any]:
        """Lockout said frozen, captcha_required or source_throttled: no hash, recorded so."""
        decision = attempt.reservation["decision"]
        outcome = "frozen" if decision == "frozen" else "captcha_required"
        result = login_result(outcome, attempt.reservation, identifier_kind=attempt.identifier_kind)
        answer_for_redelivery({"result": result})
        attempt.later(lambda: self.record_failure(attempt, decision))
        return result

    def _checked_before(self, attempt: Attempt, request: Request | None) -> bool:
        """A delivery again whose check lockout granted to the first delivery, which recorded
        no outcome (else :meth:`_first_answer` answered): the first may have checked the
        password and lost its answer (a reply lost to the network, a worker killed). The check
        is not made twice (SPEC §6 counts checks): answered as the failure the ladder already
        counts it as, and recorded now (the first delivery recorded nothing). The rare right
        password whose first delivery died before its check is answered as wrong: one attempt
        spent, as the ladder counted it; the caller, who waited for the first, had timed out."""
        redelivered = request is not None and request.redelivered
        return redelivered and bool(attempt.reservation.get("granted_before"))

    def _first_answer_within(self, attempt: Attempt, request: Request | None) -> Any:
        """The first delivery of a request delivered again may still be running: its consumer's
        connection was cut (RabbitMQ requeued the request), not its worker, which checks the
        password, records the outcome and answers, perhaps after this one asked. Its outcome
        is waited for as long as lockout still waits for it (``settles_within_s``, at most
        ``LOCKOUT_RESERVATION_TIMEOUT_S``): so a person whose right password the first
        delivery accepted is not answered « wrong password » by the second (tests/faults).
        Past that bound the check counts as a failure on the ladder, and so does the answer.
        Nothing is ever recorded for an identifier with no account: nothing to wait for."""
        if request is None or attempt.account is None:
            return None
        deadline = time.monotonic() + float(attempt.reservation.get("settles_within_s") or 0)
        while True:
            first = self.store.recorded_outcome(request, "login")
            if first is not None:
                return first.answer
            if time.monotonic() >= deadline:
                return None
            time.sleep(FIRST_DELIVERY_POLL_S)  # green under nameko (eventlet)

    def _password_matches(self, account: Account | None, password: str) -> bool:
        """argon2id against the account's hash, or a dummy one (same cost) without account."""
        return self.hasher.verify(account.password_hash.value if account else None, password)

    def _failed(self, attempt: Attempt) -> dict[str, Any]:
        """Checked and wrong. Lockout's answer already counted this check as a failure: the
        ladder's state after it, and whether it froze the account (then it says so)."""
        state = {**attempt.reservation, "captcha_invalid": False}
        froze = bool(state.get("frozen_until"))
        outcome = "frozen" if froze else "invalid_credentials"
        result = login_result(outcome, state, identifier_kind=attempt.identifier_kind)
        answer_for_redelivery({"result": result})
        reason = CHECKED_AND_FROZE if froze else "invalid_credentials"
        attempt.later(lambda: self.record_failure(attempt, reason))
        return result

    def _succeeded(self, attempt: Attempt, password: str) -> dict[str, Any]:
        """Right password: a session, unless the renewal campaign requires a new password."""
        account = attempt.account
        assert account is not None
        state = attempt.reservation.get("on_success") or attempt.reservation
        now = self.clock.now()
        campaign = self.campaign.decision(changed_at=account.password_changed_at, now=now)
        if campaign == "reset_required":
            result = login_result("password_reset_required", state)
            answer_for_redelivery({"result": result})
            attempt.later(lambda: self.record_failure(attempt, "password_reset_required"))
            return result
        session = self.tokens.issue(
            account_id=account.id,
            identifier_kind=account.identifier_kind,
            auth_method="password",
            now=now,
            generation=attempt.session_generation,
        )
        stored_hash = str(account.password_hash.value)
        new_hash = self.hasher.hash(password) if self.hasher.needs_rehash(stored_hash) else None
        result = login_result("ok", state, recommended=campaign == "recommended")
        # Never the session: a redelivery gets a fresh one for this account.
        answer_for_redelivery({"result": result, "account_id": str(account.id)})
        loaded = [attempt.account]  # first try: the account just read, no read again

        def record() -> list[Account]:
            current = copy.deepcopy(loaded.pop()) if loaded else None  # it is changed
            return self._login_recorded(
                attempt, current, now, session.session_id, new_hash, password
            )

        self.store.save_with_retry(record)
        # The LoginSucceeded just recorded settles the check. Until settled it counts as a
        # failure: a person logging in again and again while events lag (tests/faults) would
        # meet a captcha, so this replica's next reservation for the identifier settles it too
        # (no RPC of its own: the report that followed every success was one round trip more).
        if attempt.reservation_id:
            self.successes.add(attempt.identifier_key, attempt.reservation_id)
        return {**result, "session": session_answer(session)}

    def _login_recorded(
        self,
        attempt: Attempt,
        current: Account | None,
        now: Any,
        session_id: str,
        new_hash: str | None,
        password: str,
    ) -> list[Account]:
        """The login on a copy of the account read before the check (a change saved since
        makes the save conflict: then ``current`` is None and the account is read again)."""
        assert attempt.account is not None
        if current is None:
            current = self.store.get(attempt.account.id)  # a copy: it is changed
        if new_hash is not None:
            current.rehash_password(password_hash=self.store.personal(current.id, new_hash))
        source = attempt.source
        current.record_login(
            at=now,
            method="password",
            source=self.store.expiring(current.id, source, SOURCES, now) if source else None,
            source_key=self._expiring_key(current.id, attempt.source_key, now),
            session_id=session_id,
            reservation_id=attempt.reservation_id,
        )
        return [current]

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
            generation=self.store.session_generation(account.id),  # else ended at once
        )
        return {**result, "session": session_answer(session)}

    def _expiring_key(self, subject_id: uuid.UUID, source_key: str | None, now: Any) -> Any:
        """A source pseudonym, kept as long as connection sources are."""
        return self.store.expiring(subject_id, source_key, SOURCES, now) if source_key else None

    def record_failure(self, attempt: Attempt, reason: str) -> None:
        """On the account's history (or apart, if refused before any check), where the event
        settles lockout's check. Nothing is stored for an identifier with no account: identity's
        store must not grow with random identifiers (older ``UnattributedLoginFailure`` events
        still replay); its check is reported to lockout instead, after the answer like the
        record of a known account's failure, so both settle alike and answer in the same time."""
        now = self.clock.now()
        account = attempt.account
        if account is None:
            if reason in CHECKED_FAILURES and attempt.reservation_id:
                attempt.lockout.report_attempt(attempt.reservation_id, False)
            return
        account_id = account.id
        if reason not in CHECKED_FAILURES:  # refused before any check: see RefusedLoginAttempt
            self.store.save(
                RefusedLoginAttempt(
                    account_id=account_id,
                    identifier_key=attempt.identifier_key,
                    reason=reason,
                    source_key=self._expiring_key(account_id, attempt.source_key, now),
                    at=now,
                    reservation_id=attempt.reservation_id,  # password_reset_required only
                )
            )
            return
        source = attempt.source

        def record() -> list[Account]:
            current: Account = self.store.get(account_id)
            current.record_failed_login(
                at=now,
                method="password",
                reason=reason,
                source=self.store.expiring(account_id, source, SOURCES, now) if source else None,
                source_key=self._expiring_key(account_id, attempt.source_key, now),
                reservation_id=attempt.reservation_id,
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
