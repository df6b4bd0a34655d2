"""A journey that proves a contact by a verification code (spec §7, §8): one aggregate for the
three of them, told apart by ``journey``.

- ``registration``: "Créer Mon Compte": état civil (``form``), contact proven by a code, password.
- ``password_reset``: "Mot de passe oublié": NIR + birth name, a channel on file, code, password.
- ``identifier_recovery``: "Identifiant provisoire oublié ?": civil status, a channel, the code,
  and the provisional identifier is sent again.

Rules (spec §7): a new code replaces the old one; a code is single use ("ce code de vérification
est à usage unique"); it expires; 3 wrong entries invalidate it; resends are rate-limited. The
flow keeps only the code's keyed hash; the sealed copy for notification is personal data.

A reset or recovery started for someone who has no account (or with a wrong name) is a *decoy*:
``account_id`` is None, the channels shown are plausible but nothing is ever sent, and no code
can ever match. It answers exactly like a real one, so the flow does not reveal who has an
account.

Stored history: until this module, each journey was a class of its own (``Registration``,
``PasswordReset``, ``IdentifierRecovery`` in ``identity.flows``); their topics still resolve here
(:mod:`.pinned_topics`) and :meth:`CodeFlow.Started.upcast_v1_v2` names the journey of an old
``Started`` event from the class it recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from eventsourcing.domain import Aggregate, event

from shared.runtime.personal_data import PersonalData

from ..verification_codes import CodePolicy

CodeCheck = Literal["verified", "invalid_code", "code_expired", "too_many_attempts", "no_code"]
Journey = Literal["registration", "password_reset", "identifier_recovery", "contact_change"]

#: the class each journey was stored as before it was a CodeFlow (class_version 1)
JOURNEY_OF_OLD_CLASS: dict[str, Journey] = {
    "identity.flows:Registration": "registration",
    "identity.flows:PasswordReset": "password_reset",
    "identity.flows:IdentifierRecovery": "identifier_recovery",
}


@dataclass(frozen=True)
class CodeEntry:
    outcome: CodeCheck
    attempts_left: int

    @property
    def verified(self) -> bool:
        return self.outcome == "verified"


class CodeFlow(Aggregate):
    """One journey through a verification code; ``account_id`` None makes a reset or a
    recovery a decoy. Registration draws ``account_id`` at the start, so that every personal
    value of the journey is protected by the future account's key (erasure shreds it all).

    >>> flow = CodeFlow.password_reset(id=reset_id, account_id=None, channels=pd, started_at=now)
    """

    id: uuid.UUID  # given by the caller (derived or drawn), see eventsourcing's id=

    class Started(Aggregate.Created):
        class_version = 2
        journey: str
        account_id: uuid.UUID | None
        channels: PersonalData | None
        form: PersonalData | None
        identifier_kind: str | None
        identifier_key: str | None
        supporting_documents_required: bool
        benefit_request: str | None
        started_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 was one class per journey: the journey is the class recorded."""
            state["journey"] = JOURNEY_OF_OLD_CLASS[state["originator_topic"]]
            for name in ("channels", "form", "identifier_kind", "identifier_key"):
                state.setdefault(name, None)
            state.setdefault("benefit_request", None)
            state.setdefault("supporting_documents_required", False)

    @event(Started)
    def __init__(
        self,
        *,
        journey: str,
        account_id: uuid.UUID | None,
        channels: PersonalData | None,
        form: PersonalData | None,
        identifier_kind: str | None,
        identifier_key: str | None,
        supporting_documents_required: bool,
        benefit_request: str | None,
        started_at: datetime,
    ):
        self.journey = journey
        self.account_id = account_id
        self.channels = channels
        self.form = form
        self.identifier_kind = identifier_kind
        self.identifier_key = identifier_key
        self.supporting_documents_required = supporting_documents_required
        self.benefit_request = benefit_request
        self.started_at = started_at
        self.code_hash: str | None = None
        self.code_channel: str | None = None
        self.code_expires_at: datetime | None = None
        self.wrong_entries = 0
        self.sends: list[datetime] = []
        self.code_address: PersonalData | None = None
        self.verified_at: datetime | None = None
        self.verified_channel: str | None = None
        self.verified_address: PersonalData | None = None
        self.completed_at: datetime | None = None
        self.abandoned_at: datetime | None = None

    # -- the three journeys ---------------------------------------------------------------------

    @classmethod
    def registration(
        cls,
        *,
        id: uuid.UUID,  # eventsourcing's name for the aggregate's id
        account_id: uuid.UUID,
        form: PersonalData,
        identifier_kind: str,
        identifier_key: str | None,
        supporting_documents_required: bool,
        benefit_request: str | None,
        started_at: datetime,
    ) -> CodeFlow:
        """Step 1 of "Créer Mon Compte": the état civil typed, as personal data."""
        return cls._start(
            "registration", id, account_id, started_at, form=form,
            identifier_kind=identifier_kind, identifier_key=identifier_key,
            supporting_documents_required=supporting_documents_required,
            benefit_request=benefit_request,
        )  # fmt: skip

    @classmethod
    def password_reset(
        cls,
        *,
        id: uuid.UUID,  # eventsourcing's name for the aggregate's id
        account_id: uuid.UUID | None,
        channels: PersonalData,
        started_at: datetime,
    ) -> CodeFlow:
        """ "Mot de passe oublié": the masked channels offered (a decoy's when no account)."""
        return cls._start("password_reset", id, account_id, started_at, channels=channels)

    @classmethod
    def identifier_recovery(
        cls,
        *,
        id: uuid.UUID,  # eventsourcing's name for the aggregate's id
        account_id: uuid.UUID | None,
        channels: PersonalData,
        started_at: datetime,
    ) -> CodeFlow:
        """ "Identifiant provisoire oublié ?": the masked channels offered."""
        return cls._start("identifier_recovery", id, account_id, started_at, channels=channels)

    @classmethod
    def contact_change(
        cls,
        *,
        id: uuid.UUID,  # eventsourcing's name for the aggregate's id
        account_id: uuid.UUID,
        form: PersonalData,
        started_at: datetime,
    ) -> CodeFlow:
        """ "Mon profil" › « Modifier »: the new mail or mobile (``{"channel", "address"}``),
        applied once the code sent to it is entered."""
        return cls._start("contact_change", id, account_id, started_at, form=form)

    @classmethod
    def _start(
        cls,
        journey: Journey,
        flow_id: uuid.UUID,
        account_id: uuid.UUID | None,
        started_at: datetime,
        **details: Any,
    ) -> CodeFlow:
        """Every attribute of Started given (eventsourcing stores what ``__init__`` receives)."""
        given = {
            "channels": None, "form": None, "identifier_kind": None, "identifier_key": None,
            "supporting_documents_required": False, "benefit_request": None, **details,
        }  # fmt: skip
        return cls(  # type: ignore[call-arg]  # eventsourcing's id=
            id=flow_id, journey=journey, account_id=account_id, started_at=started_at, **given
        )

    # -- sending ----------------------------------------------------------------------------------

    def resend_wait_s(self, now: datetime, policy: CodePolicy) -> int | None:
        """Seconds to wait before another code may be sent, or None if one may be sent now."""
        if len(self.sends) >= policy.max_sends:
            return int(policy.lifetime("email").total_seconds())
        if self.sends:
            ready_at = self.sends[-1] + policy.resend_interval
            if now < ready_at:
                return max(1, int((ready_at - now).total_seconds()))
        return None

    @event("CodeIssued")
    def issue_code(
        self,
        *,
        purpose: str,
        account_id: uuid.UUID | None,
        channel: str,
        code_hash: str | None,
        expires_at: datetime,
        address: PersonalData | None,
        sealed: PersonalData | None,
        issued_at: datetime,
    ) -> None:
        """A new code replaces the old one. ``code_hash=None``: nothing sent (decoy flow).

        ``purpose`` and ``account_id`` make the event self-describing for the outbox relay.
        """
        self.code_hash = code_hash
        self.code_channel = channel
        self.code_expires_at = expires_at
        self.code_address = address
        self.wrong_entries = 0
        self.sends.append(issued_at)
        self.verified_at = None  # a new code means the address must be proven again

    # -- entering ---------------------------------------------------------------------------------

    def enter_code(self, *, matches: bool, now: datetime, policy: CodePolicy) -> CodeEntry:
        """Records the entry and says how it went; ``matches`` comes from the CodeHasher."""
        limit = policy.max_wrong_entries
        if self.code_expires_at is None:
            return CodeEntry("no_code", 0)
        if self.wrong_entries >= limit:
            return CodeEntry("too_many_attempts", 0)
        if now >= self.code_expires_at:
            return CodeEntry("code_expired", limit - self.wrong_entries)
        if matches:
            self._accept_code(at=now)
            return CodeEntry("verified", limit - self.wrong_entries)
        self._reject_code(at=now)
        left = limit - self.wrong_entries
        return CodeEntry("invalid_code" if left else "too_many_attempts", left)

    @event("CodeAccepted")
    def _accept_code(self, *, at: datetime) -> None:
        # Single use: the code is gone once accepted.
        self.code_hash = None
        self.code_expires_at = None
        self.verified_at = at
        self.verified_channel = self.code_channel
        self.verified_address = self.code_address

    @event("CodeRejected")
    def _reject_code(self, *, at: datetime) -> None:
        # The limit is policy, applied by enter_code: past it, the code is dead.
        self.wrong_entries += 1

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def may_complete(self, now: datetime, policy: CodePolicy) -> bool:
        """Verified, not completed, and within the window after the code was entered."""
        return (
            self.verified_at is not None
            and self.completed_at is None
            and now < self.verified_at + policy.completion_window
        )

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @event("Completed")
    def complete(self, *, at: datetime) -> None:
        self.completed_at = at

    @property
    def abandoned(self) -> bool:
        # getattr: a snapshot taken before "Abandoned" existed has no such attribute
        return getattr(self, "abandoned_at", None) is not None

    @property
    def reached_step(self) -> str:
        """The last step the person got to: ``etat_civil`` (started), ``code`` (a code was sent)
        or ``mot_de_passe`` (the code was entered)."""
        if self.verified_at is not None:
            return "mot_de_passe"
        return "code" if self.sends else "etat_civil"

    @event("Abandoned")
    def abandon(self, *, step: str, at: datetime) -> None:
        """ "Quitter": the person left; the journey can go no further (its form is shredded by
        the caller, under the would-be account's key)."""
        self.abandoned_at = at
        self.code_hash = None
        self.code_expires_at = None
