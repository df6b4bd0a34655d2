"""The lockout application: failed-login ladders, captchas and credential-stuffing throttles.

Every decision loads the identifier's ladder, decides, and saves the new events under the
store's optimistic concurrency; a concurrent save of the same ladder version (another request,
another replica) makes the save fail, and the decision is taken again on the reloaded ladder.

>>> app = LockoutApplication(settings)                          # doctest: +SKIP
>>> app.reserve_attempt("ab" * 32)["decision"]                  # doctest: +SKIP
'check'
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from shared.identifiers import Identifier
from shared.privacy.buckets import bucketed
from shared.runtime import metrics
from shared.runtime.clock import Clock
from shared.runtime.eventstore import ServiceApplication

from . import integration, retention
from .answers import reservation_answer, state_fields, status_answer
from .captcha_audio import CaptchaSpeaker
from .captcha_images import CaptchaArtist
from .domain import (
    CaptchaChallenge,
    CountedFailure,
    FailedLoginLadder,
    SourceActivity,
    fresh_view,
    plain_source,
)
from .reservations import ReservationId
from .settings import LockoutSettings
from .sources import SourceBook

SOURCES = "connection_sources"  # the retention table's row (docs/privacy.md)


class LockoutApplication(ServiceApplication):
    name = "lockout"
    snapshotted = (FailedLoginLadder, SourceActivity)
    aggregate_cache_size = 20_000  # hot ladders: each login loads its ladder twice

    def __init__(
        self,
        settings: LockoutSettings,
        clock: Clock | None = None,
        env: dict[str, str] | None = None,
    ):
        super().__init__(settings, clock=clock, env=env)
        self.ladder_policy = settings.ladder_policy()
        self.source_policy = settings.source_policy()
        self.captcha_policy = settings.captcha_policy()
        assert settings.pseudonym_key is not None
        self.captchas = CaptchaArtist(self.captcha_policy, settings.pseudonym_key)
        self.speaker = CaptchaSpeaker(settings.voice_dir, settings.audio_captcha_length)
        #: Where captcha answers come from; tests replace it to know the answer (never RPC).
        self.captcha_answers: Callable[[], str] = self.captchas.random_answer
        self.audio_captcha_answers: Callable[[], str] = self.speaker.random_answer
        if settings.captcha_test_answer:  # development and test only (settings refuse it elsewhere)
            known = settings.captcha_test_answer
            self.captcha_answers = self.audio_captcha_answers = lambda: known

    # --- the password-check gate (internal RPC, called by identity) ------------------------

    def reserve_attempt(
        self,
        identifier_key: str,
        source_key: str | None = None,
        captcha_id: uuid.UUID | None = None,
        captcha_answer: str | None = None,
        source_partner: bool = False,
        request_id: str | None = None,
        successes: list[ReservationId] | tuple[ReservationId, ...] = (),
    ) -> dict[str, Any]:
        """Decides whether one password check may happen now, and records it if so.

        A source over its limit (``source_partner``: a partner's address range, higher limit)
        gets ``source_throttled``: the attempt needs a captcha, it is never refused outright.
        The check reserved for a request is keyed by ``request_id`` (the caller's request): the
        same request delivered again gets the same reservation back, counted once, whatever
        the ladder says since (its captcha is not spent twice either).
        ``successes``: earlier checks of this identifier whose password the caller saw right
        (identity's replica, issue #28): settled as successes first, in the same save, as
        their ``LoginSucceeded`` will (which then changes nothing). So a person logging in
        again does not find the last success still counted as a failure while its event
        travels, and no RPC settles it (checks of another ladder, or settled, change nothing).

        >>> app.reserve_attempt("ab" * 32, source_key="cd" * 32)   # doctest: +SKIP
        {'decision': 'check', 'reservation_id': '…', 'failures': 0, 'attempts_left': 4, …}
        """
        answer: dict[str, Any] = {}
        token = ReservationId.token_for(request_id)

        def decide() -> list[Any]:
            now = self.clock.now()
            known, activity = self._ladder_and_source(identifier_key, source_key)
            if known is not None and known.knows(token):
                view = known.view(now, self.ladder_policy)
                again = str(ReservationId(known.id, token))
                success = known.view_after_success(token, now, self.ladder_policy)
                answer.clear()
                answer.update(
                    reservation_answer(
                        "check",
                        view,
                        again,
                        captcha_invalid=False,
                        after_success=success,
                        granted_before=True,
                        settles_within_s=known.unsettled_for_s(token, now),
                    )
                )
                return []
            ladder = known or FailedLoginLadder(identifier_key=identifier_key)
            sources = SourceBook(self.repository, self.source_policy)
            if source_key is not None:
                sources.read_with_the_ladder(source_key, activity)
            if known is not None:
                for carried in successes:
                    if carried.ladder_id == known.id:
                        self._settle_on(known, carried.token, True, now, sources)
            sources.count(ladder.settle(now, self.ladder_policy))
            challenge, captcha_passed = self._spend_captcha(captcha_id, captcha_answer)
            deadline = now + self.ladder_policy.reservation_timeout
            # Only an attempt the ladder would let through without a captcha weighs on the
            # source; a captcha answered passes the source's throttle too.
            if (
                not captcha_passed
                and ladder.view(now, self.ladder_policy).gate == "open"
                and not sources.admit(
                    source_key, identifier_key, token, now, deadline, source_partner
                )
            ):
                decision = "source_throttled"
            else:
                # The source's pseudonym is kept as long as connection sources are.
                source = bucketed(ladder.id, source_key, SOURCES, now) if source_key else None
                decision = ladder.reserve(
                    token,
                    now,
                    self.ladder_policy,
                    captcha_passed=captcha_passed,
                    source_key=source,
                )
            reservation = str(ReservationId(ladder.id, token)) if decision == "check" else None
            answer.clear()
            answer.update(
                reservation_answer(
                    decision,
                    ladder.view(now, self.ladder_policy),
                    reservation,
                    captcha_invalid=captcha_id is not None and not captcha_passed,
                    after_success=(
                        ladder.view_after_success(token, now, self.ladder_policy)
                        if reservation
                        else None
                    ),
                    freeze_recorded=decision == "frozen" and ladder.freeze_recorded(now),
                )
            )
            # A ladder is stored only once a check was reserved on it: refusals cost nothing.
            keep = known is not None or decision == "check"
            return [ladder if keep else None, challenge, *sources.changed()]

        self.save_with_retry(decide)
        return answer

    def report_attempt(self, reservation_id: ReservationId, succeeded: bool) -> dict[str, Any]:
        """Settles a reserved check: success resets the ladder, failure climbs it.

        Logins settle their checks from identity's events (:meth:`settle_from_login`); this
        synchronous form stays for callers that need the ladder's answer at once.

        >>> app.report_attempt(ReservationId.parse("…"), succeeded=False)   # doctest: +SKIP
        {'failures': 1, 'attempts_left': 4, 'captcha_required': False, …}
        """
        answer: dict[str, Any] = {}

        def settle() -> list[Any]:
            aggregates = self._settle(reservation_id, succeeded)
            view = (
                aggregates[0].view(self.clock.now(), self.ladder_policy)
                if aggregates
                else fresh_view(self.ladder_policy)
            )
            answer.clear()
            answer.update(state_fields(view))
            return aggregates

        self.save_with_retry(settle)
        return answer

    def settle_from_login(self, event_type: str, payload: dict[str, Any]) -> list[Any]:
        """Identity's ``LoginSucceeded`` / ``LoginFailed`` settles the check it carries
        (``reservation_id``; events without one, refusals before any check, settle nothing).
        A right password settles as a success, even when the renewal campaign then refused
        the session (``LoginFailed`` ``password_reset_required``): it was the person."""
        raw = payload.get("reservation_id")
        if not raw:
            return []
        try:
            reservation_id = ReservationId.parse(raw)
        except ValueError:
            return []
        succeeded = event_type == "LoginSucceeded" or (
            payload.get("reason") == "password_reset_required"
        )
        return self._settle(reservation_id, succeeded)

    def _settle(self, reservation_id: ReservationId, succeeded: bool) -> list[Any]:
        """The ladder (first) and the sources it changed; [] for a ladder never stored."""
        now = self.clock.now()
        ladder = self.ladder_by_id(reservation_id.ladder_id)
        if ladder is None:
            return []
        sources = SourceBook(self.repository, self.source_policy)
        # This check first: still pending, it is settled as it went, however late its event
        # (the bound only applies to checks a decision finds overdue); then the overdue others.
        self._settle_on(ladder, reservation_id.token, succeeded, now, sources)
        sources.count(ladder.settle(now, self.ladder_policy))
        return [ladder, *sources.changed()]

    def _settle_on(
        self,
        ladder: FailedLoginLadder,
        token: str,
        succeeded: bool,
        now: Any,
        sources: SourceBook,
    ) -> None:
        """Settles one check of ``ladder`` (nothing if it is not pending) and its source."""
        held = ladder.pending.get(token)
        failure = ladder.report(token, succeeded, now, self.ladder_policy)
        sources.count([failure] if failure else [])
        source_key = plain_source(held["source_key"]) if held is not None else None
        if succeeded and source_key:
            sources.release(source_key, token, now)

    def note_lookup(
        self, identifier_key: str, source_key: str | None, source_partner: bool = False
    ) -> dict[str, Any]:
        """A journey whose answer may reveal whether an account exists (registration with a
        NIR, password reset, identifier recovery) counts on its source like a failed login:
        a source that looks up many identifiers is throttled on logins too.

        >>> app.note_lookup("ab" * 32, source_key="cd" * 32)   # doctest: +SKIP
        {'source_throttled': False}
        """
        answer: dict[str, Any] = {"source_throttled": False}
        if source_key is None:
            return answer

        def count() -> list[Any]:
            now = self.clock.now()
            sources = SourceBook(self.repository, self.source_policy)
            sources.count([CountedFailure(identifier_key, source_key, now)], source_partner)
            answer["source_throttled"] = sources.is_throttled(source_key, now)
            return sources.changed()

        self.save_with_retry(count)
        return answer

    def _notify(self, recordings: list[Any]) -> None:
        # Counted once per stored freeze, whichever path decided it (report or timeout).
        super()._notify(recordings)
        for recording in recordings:
            if isinstance(recording.domain_event, FailedLoginLadder.Frozen):  # type: ignore[attr-defined]
                metrics.FREEZES.inc()

    # --- captchas --------------------------------------------------------------------------

    def new_captcha(self) -> dict[str, Any]:
        """Issues an image challenge; only a digest of its answer is stored.

        >>> app.new_captcha()   # doctest: +SKIP
        {'captcha_id': '9f0c…', 'image_png_base64': 'iVBORw0KGgo…'}
        """
        now = self.clock.now()
        answer = self.captcha_answers()
        captcha_id = uuid.uuid4()
        challenge = CaptchaChallenge(
            challenge_id=captcha_id,
            answer_digest=self.captchas.digest(captcha_id, answer),
            issued_at=now,
            expires_at=now + self.captcha_policy.ttl,
        )
        self.save(challenge)
        return {"captcha_id": str(captcha_id), "image_png_base64": self.captchas.png_base64(answer)}

    def new_audio_captcha(self) -> dict[str, Any]:
        """Issues an audio challenge of digits; same single use, expiry and digest as an image's.

        >>> app.new_audio_captcha()   # doctest: +SKIP
        {'captcha_id': '41d2…', 'audio_wav_base64': 'UklGRi…', 'digits': 6}
        """
        now = self.clock.now()
        answer = self.audio_captcha_answers()
        captcha_id = uuid.uuid4()
        challenge = CaptchaChallenge(
            challenge_id=captcha_id,
            answer_digest=self.captchas.digest(captcha_id, answer),
            issued_at=now,
            expires_at=now + self.captcha_policy.ttl,
        )
        audio = self.speaker.wav_base64(answer)
        self.save(challenge)
        return {"captcha_id": str(captcha_id), "audio_wav_base64": audio, "digits": len(answer)}

    def check_captcha(self, captcha_id: uuid.UUID, answer: str) -> dict[str, bool]:
        """Checks and spends a captcha (registration without NIR, password reset start).

        >>> app.check_captcha(captcha_id, "k7PzQ")   # doctest: +SKIP
        {'valid': True}
        """
        result: dict[str, bool] = {}

        def spend() -> list[Any]:
            challenge, valid = self._spend_captcha(captcha_id, answer)
            result["valid"] = valid
            return [challenge]

        self.save_with_retry(spend)
        return result

    # --- back office -------------------------------------------------------------------------

    def status(self, identifier: Identifier) -> dict[str, Any]:
        """Where an identifier stands on the ladder (it never tells whether an account exists).

        >>> app.status(parse_identifier("1 63 06 31 555 082"))   # doctest: +SKIP
        {'state': 'frozen', 'failures': 5, 'attempts_left': 0, …, 'retry_after_s': 540}
        """
        now = self.clock.now()
        ladder = self._ladder(self.identifier_key(identifier))
        if ladder is None:
            return status_answer(fresh_view(self.ladder_policy))
        ladder.settle(now, self.ladder_policy)  # a read: what settling would record is not saved
        return status_answer(ladder.view(now, self.ladder_policy))

    def lift_freeze(
        self,
        identifier: Identifier,
        operator: str,
        reason: str,
        agency: str | None = None,
        reason_code: str | None = None,
    ) -> dict[str, str]:
        """Lifts an active freeze and resets the ladder, recording who and why.

        >>> app.lift_freeze(identifier, "agent-042", "appel de l'allocataire")   # doctest: +SKIP
        {'outcome': 'lifted'}
        """
        outcome: dict[str, str] = {}

        def lift() -> list[Any]:
            now = self.clock.now()
            ladder = self._ladder(self.identifier_key(identifier))
            if ladder is None:
                outcome["outcome"] = "not_frozen"
                return []
            sources = SourceBook(self.repository, self.source_policy)
            sources.count(ladder.settle(now, self.ladder_policy))
            sources.count(ladder.count_in_flight(self.ladder_policy))
            # The reason is free text typed by an agent: it may name the person. It is kept
            # as long as agent actions are (docs/privacy.md), under the month's key.
            note = bucketed(ladder.id, reason, "agent_actions", now)
            lifted = ladder.reset(
                "operator", now, operator=operator, note=note, agency=agency, reason=reason_code
            )
            outcome["outcome"] = "lifted" if lifted else "not_frozen"
            return [ladder, *sources.changed()]

        self.save_with_retry(lift)
        return outcome

    # --- consumed integration events ---------------------------------------------------------

    def freeze_status(self, identifier: Identifier) -> dict[str, Any]:
        """The agents' console's view of the ladder (SPEC §19):
        ``{"frozen": True, "until": "…", "seconds_left": 412, "failures": 5,
        "captcha_required": True}`` or ``{"frozen": False, "failures": 1, …}``."""
        status = self.status(identifier)
        if status["state"] == "frozen" and status["frozen_until"]:
            return {
                "frozen": True,
                "until": status["frozen_until"],
                "seconds_left": status["retry_after_s"],
                "failures": status["failures"],
                "captcha_required": status["captcha_required"],
            }
        return {
            "frozen": False,
            "failures": status["failures"],
            "captcha_required": status["captcha_required"],
        }

    def reset_after_password_reset(self, identifier_key: str) -> list[Any]:
        """PasswordChanged(reason=reset): the ladder is reset and any freeze lifted."""
        return self._reset(identifier_key, "password_reset")

    def reset_after_nir_assigned(self, identifier_key: str) -> list[Any]:
        """NirAssigned: the account's new identifier starts clean (the old ladder stays)."""
        return self._reset(identifier_key, "nir_assigned")

    def _reset(self, identifier_key: str, cause: Any) -> list[Any]:
        now = self.clock.now()
        ladder = self._ladder(identifier_key)
        if ladder is None:
            return []
        sources = SourceBook(self.repository, self.source_policy)
        sources.count(ladder.settle(now, self.ladder_policy))
        sources.count(ladder.count_in_flight(self.ladder_policy))
        ladder.reset(cause, now)
        return [ladder, *sources.changed()]

    # --- retention (docs/privacy.md) ----------------------------------------------------------

    def expire_retention(self) -> dict[str, int]:
        """Forgets idle ladders, shreds expired notes: counts by category (never content).

        >>> app.expire_retention()   # doctest: +SKIP
        {'lockout_ladders': 3, 'connection_sources': 0, 'agent_actions': 0}
        """
        return retention.expire(self)

    # --- plumbing ------------------------------------------------------------------------------

    def identifier_key(self, identifier: Identifier) -> str:
        return self.pseudonyms.of("identifier", identifier.value)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        return integration.integration_event(domain_event)

    def _spend_captcha(
        self, captcha_id: uuid.UUID | None, answer: str | None
    ) -> tuple[CaptchaChallenge | None, bool]:
        if captcha_id is None:
            return None, False
        try:
            challenge: CaptchaChallenge = self.repository.get(captcha_id)
        except AggregateNotFoundError:
            return None, False
        if not isinstance(challenge, CaptchaChallenge):
            return None, False
        digest = self.captchas.digest(captcha_id, answer or "")
        return challenge, challenge.consume(digest, self.clock.now())

    def _ladder_and_source(
        self, identifier_key: str, source_key: str | None
    ) -> tuple[FailedLoginLadder | None, SourceActivity | None]:
        """The identifier's ladder and the source's activity, read together (one statement on
        PostgreSQL, issue #28): what a reservation decides on."""
        ids = [FailedLoginLadder.create_id(identifier_key)]
        if source_key is not None:
            ids.append(SourceActivity.create_id(source_key))
        ladder, *source = self.find_together(*ids)
        found = source[0] if source else None
        return (
            ladder if isinstance(ladder, FailedLoginLadder) else None,
            found if isinstance(found, SourceActivity) else None,
        )

    def _ladder(self, identifier_key: str) -> FailedLoginLadder | None:
        return self.ladder_by_id(FailedLoginLadder.create_id(identifier_key))

    def ladder_by_id(self, ladder_id: uuid.UUID) -> FailedLoginLadder | None:
        try:
            ladder: object = self.repository.get(ladder_id)
        except AggregateNotFoundError:
            return None
        return ladder if isinstance(ladder, FailedLoginLadder) else None
