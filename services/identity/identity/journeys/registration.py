"""Registration, "Créer Mon Compte" (spec §7): état civil, contact proven by a code, password,
récapitulatif.

One account per NIR and unique provisional identifiers hold under concurrency: the account is
saved together with its :class:`IdentifierIndex`; if another registration saved the same index
first, the store refuses the whole save, and we answer "already has an account" (NIR) or draw
another identifier (provisional).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any, cast

from eventsourcing.persistence import IntegrityError

from shared.contacts import mask_email, mask_phone
from shared.identifiers import Identifier
from shared.runtime import metrics
from shared.runtime.clock import Clock
from shared.runtime.rpc import InvalidInput
from shared.runtime.sealing import Sealer

from .. import messages
from ..civil_status import civil_status_of, display_name
from ..domain import Account, AccountExistsAnswer, CodeFlow, IdentifierIndex
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..passwords import PasswordPolicy
from ..store import NO_ACCOUNT, IdentityStore
from .captcha import require_captcha
from .code_steps import CodeSteps
from .new_password import require_new_password

STEPS = [
    {"step": "etat_civil", "label": "Je renseigne mon état civil et mes coordonnées de contact"},
    {"step": "code", "label": "Je saisis le code de vérification reçu par SMS ou par mail"},
    {"step": "mot_de_passe", "label": "Je choisis mon mot de passe"},
]


@dataclass
class Registration:
    store: IdentityStore
    clock: Clock
    steps: CodeSteps
    hasher: PasswordHasher
    passwords: PasswordPolicy
    sealer: Sealer

    def start(
        self,
        form: dict[str, Any],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Step 1 (état civil), ``form`` as loaded by ``schemas.RegistrationForm``. Always
        captcha-gated; with a NIR the lookup counts on the ``source`` (per-source throttle) and
        an ``account_exists`` answer is recorded and counted (SPEC §16).

        >>> registration.start({"has_nir": True, "nir": "1630631555082", …}, lockout)
        {"outcome": "started", "registration_id": "…", "steps": [...], …}   # doctest: +SKIP
        """
        form = dict(form)
        captcha = form.pop("captcha", None)
        require_captcha(captcha, lockout)
        identifier_key = None
        if form["has_nir"]:
            nir = Identifier("nir", form["nir"])
            identifier_key = self.store.identifier_key(nir)
            source_key = self.store.note_lookup(identifier_key, source, lockout)
            if self.store.identifier_taken(nir):
                found = self.store.find(self.store.identifier_index_id(nir))
                index = cast(IdentifierIndex | None, found)
                account_id = index.active_account_id if index is not None else None
                return self.account_exists_answered(account_id, "registration", source_key)
        account_id = uuid.uuid4()
        without_document = form["identity_document"]["type"] == "none"
        registration = CodeFlow.registration(
            id=uuid.uuid4(),
            account_id=account_id,
            form=self.store.personal(account_id, form),
            identifier_kind="nir" if form["has_nir"] else "provisional",
            identifier_key=identifier_key,
            supporting_documents_required=without_document,
            benefit_request=form.get("benefit_request"),
            started_at=self.clock.now(),
        )
        self.store.save(registration)
        return {
            "outcome": "started",
            "registration_id": str(registration.id),
            "steps": STEPS,
            "announce": messages.REGISTRATION_STEPS_ANNOUNCE,
            "supporting_documents_required": without_document,
            "message": messages.NO_IDENTITY_DOCUMENT if without_document else None,
        }

    def send_code(self, registration_id: str, channel: str, address: str) -> dict[str, Any]:
        """Step 2: a 6-digit code to the mobile or mail typed (twice, checked by the schema).

        >>> registration.send_code(rid, "sms", "0612345612")   # doctest: +SKIP
        {"outcome": "sent", "sent_to": "06 ** ** ** 12", "expires_at": "…"}
        """
        registration = self.open(registration_id)
        refusal = self.steps.resend_refusal(registration)
        if refusal:
            return refusal
        sent = self.steps.issue(
            registration,
            purpose="registration",
            # The account-to-be: its deliveries join the person's timeline once it exists.
            account_id=registration.account_id,
            subject_id=registration.account_id,  # type: ignore[arg-type]  # drawn at the start
            channel=channel,
            address=address,
            display_name=display_name(registration.form.value),  # type: ignore[union-attr]
        )
        self.store.save(registration)
        masked = mask_phone(address) if channel == "sms" else mask_email(address)
        note = messages.CODE_SINGLE_USE_THEN_PASSWORD
        return {"outcome": "sent", "sent_to": masked, **sent, "message": note}

    def verify_code(self, registration_id: str, code: str) -> dict[str, Any]:
        """Step 2, the code typed: ``{"verified": True, "attempts_left": 3, …}``."""
        registration = self.open(registration_id)
        result = self.steps.enter(registration, code)
        self.store.save(registration)
        return result

    def complete(self, registration_id: str, password: str, confirmation: str) -> dict[str, Any]:
        """Step 3: the password (policy and confirmation checked first); the récapitulatif.

        >>> registration.complete(rid, "Bonjour2024Caf", "Bonjour2024Caf")   # doctest: +SKIP
        {"outcome": "created", "identifier": "P33392250", …}
        """
        require_new_password(self.passwords, password, confirmation)
        registration = self.open(registration_id)
        if not self.steps.may_complete(registration):
            raise InvalidInput(
                code="contact_not_verified",
                fields={"code": ["Saisissez d'abord le code de vérification reçu."]},
            )
        password_hash = self.hasher.hash(password)
        for _ in range(20):
            account, index, identifier = self.new_account(registration, password_hash)
            if account is None:
                return account_exists()
            civil = civil_status_of(registration.form.value)  # type: ignore[union-attr]
            registration.complete(at=self.clock.now())
            civil_index = self.store.civil_index_with(account.id, civil)
            try:
                self.store.save(account, index, civil_index, registration)
            except IntegrityError:
                # Another registration saved this NIR's index first: one account per NIR.
                if registration.identifier_kind == "nir" and self.store.find(index.id) is not None:
                    return account_exists()
                registration = self.open(registration_id)
                continue
            return recap(account, identifier, civil)
        raise RuntimeError("could not save the registration")

    def abandon(self, registration_id: str) -> dict[str, Any]:
        """ "Quitter" on any step: the registration ends here and keeps nothing of the form
        (its key, the would-be account's, is destroyed). Asking again answers the same.

        >>> registration.abandon(rid)   # doctest: +SKIP
        {"outcome": "abandoned", "registration_id": "6f0e…", "step": "code"}
        """
        registration = self.store.code_flow("registration", registration_id, "registration_id")
        if registration.completed:
            raise InvalidInput(
                code="registration_completed",
                fields={"registration_id": ["Ce compte est déjà créé : connectez-vous."]},
            )
        if not registration.abandoned:
            registration.abandon(step=registration.reached_step, at=self.clock.now())
            self.store.save(registration)
        # After the event: a crash in between leaves the key to the retention job, which
        # shreds every registration never completed.
        assert registration.account_id is not None  # drawn when the registration started
        self.store.shred(registration.account_id)
        return {
            "outcome": "abandoned",
            "registration_id": str(registration.id),
            "step": registration.reached_step,
        }

    # -- helpers -------------------------------------------------------------------------------

    def account_exists_answered(
        self, account_id: uuid.UUID | None, journey: str, source_key: str | None
    ) -> dict[str, Any]:
        """The answer that reveals an account: recorded and counted before it is given."""
        now = self.clock.now()
        # the source's pseudonym is kept as long as connection sources are (docs/privacy.md)
        expiring_source = (
            self.store.expiring(account_id or NO_ACCOUNT, source_key, "connection_sources", now)
            if source_key
            else None
        )
        self.store.save(
            AccountExistsAnswer(
                account_id=account_id, journey=journey, source_key=expiring_source, at=now
            )
        )
        metrics.ACCOUNT_EXISTS_ANSWERS.labels(journey=journey).inc()
        return account_exists()

    def open(self, registration_id: str) -> CodeFlow:
        registration = self.store.code_flow("registration", registration_id, "registration_id")
        if registration.completed:
            raise InvalidInput(
                code="registration_completed",
                fields={"registration_id": ["Ce compte est déjà créé : connectez-vous."]},
            )
        if registration.abandoned:
            raise InvalidInput(
                code="registration_abandoned",
                fields={"registration_id": [messages.REGISTRATION_ABANDONED]},
            )
        return registration

    def new_account(
        self, registration: CodeFlow, password_hash: str
    ) -> tuple[Account | None, IdentifierIndex, Identifier]:
        """The account to save and its identifier index; None if the NIR is already taken."""
        form = registration.form.value  # type: ignore[union-attr]
        assert registration.account_id is not None  # drawn when the registration started
        if registration.identifier_kind == "nir":
            identifier = Identifier("nir", form["nir"])
        else:
            identifier = self.draw_provisional_identifier()
        index = IdentifierIndex(
            account_id=registration.account_id,
            identifier_key=self.store.identifier_key(identifier),
            id=self.store.identifier_index_id(identifier),  # type: ignore[call-arg]
        )
        if self.store.identifier_taken(identifier):
            return None, index, identifier
        return self.account_from(registration, identifier, password_hash), index, identifier

    def draw_provisional_identifier(self) -> Identifier:
        """ "P" + 8 random digits (CSPRNG), never one already drawn (retired ones included)."""
        while True:
            candidate = Identifier("provisional", f"P{secrets.randbelow(10**8):08d}")
            if not self.store.identifier_taken(candidate):
                return candidate

    def account_from(
        self, registration: CodeFlow, identifier: Identifier, password_hash: str
    ) -> Account:
        account_id = registration.account_id
        assert account_id is not None
        personal = self.store.personal
        channel = registration.verified_channel
        address = registration.verified_address.value if registration.verified_address else None
        contact = {
            "email": address if channel == "email" else None,
            "phone": address if channel == "sms" else None,
            "postal_address": None,
            "preferred": channel,
        }
        civil = civil_status_of(registration.form.value)  # type: ignore[union-attr]
        name = display_name(civil)
        sealed_contact = self.sealer.seal(
            {"display_name": name, "civility": civil["civility"], **contact}
        )
        account = Account(
            id=account_id,  # type: ignore[call-arg]  # eventsourcing's id=
            identifier_kind=identifier.kind,
            identifier_key=self.store.identifier_key(identifier),
            nir_key=self.store.nir_key(identifier),
            identifier=personal(account_id, identifier.value),
            civil_status=personal(account_id, civil),
            contact=personal(account_id, contact),
            password_hash=personal(account_id, password_hash),
            registered_at=self.clock.now(),
            supporting_documents_required=registration.supporting_documents_required,
            benefit_request=registration.benefit_request,
            sealed_contact=personal(account_id, sealed_contact),
            registration_id=registration.id,
        )
        if identifier.kind == "provisional":
            sealed = self.sealer.seal(
                {"identifier": identifier.value, "address": address, "display_name": name}
            )
            account.send_provisional_identifier(
                reason="registration",
                channel=str(channel),
                sealed=personal(account_id, sealed),
                at=self.clock.now(),
            )
        return account


def account_exists() -> dict[str, Any]:
    return {
        "outcome": "account_exists",
        "registration_id": None,
        "steps": [],
        "message": messages.ACCOUNT_EXISTS,
    }


def recap(account: Account, identifier: Identifier, civil: dict[str, Any]) -> dict[str, Any]:
    provisional = identifier.kind == "provisional"
    return {
        "outcome": "created",
        "account_id": str(account.id),
        "identifier": identifier.value,
        "identifier_display": identifier.display,
        "identifier_kind": identifier.kind,
        "civil_status": civil,
        "contact": account.contact.value,
        "supporting_documents_required": account.supporting_documents_required,
        "message": messages.KEEP_PROVISIONAL_IDENTIFIER if provisional else None,
    }
