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
from typing import Any, cast

from eventsourcing.persistence import IntegrityError

from shared.identifiers import Identifier
from shared.runtime import metrics
from shared.runtime.rpc import InvalidInput

from . import messages
from .civil_status import civil_status_of, display_name
from .contacts import mask_email, mask_phone
from .core import NO_ACCOUNT
from .domain import Account
from .enumeration_records import AccountExistsAnswer
from .flows import Registration
from .indexes import IdentifierIndex
from .lockout_port import LockoutPort
from .verification_steps import VerificationSteps

STEPS = [
    {"step": "etat_civil", "label": "Je renseigne mon état civil et mes coordonnées de contact"},
    {"step": "code", "label": "Je saisis le code de vérification reçu par SMS ou par mail"},
    {"step": "mot_de_passe", "label": "Je choisis mon mot de passe"},
]


class RegistrationCommands(VerificationSteps):
    def start_registration(
        self,
        form: dict[str, Any],
        lockout: LockoutPort,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Step 1 (état civil), ``form`` as loaded by ``schemas.RegistrationForm``. Always
        captcha-gated; with a NIR the lookup counts on the ``source`` (per-source throttle) and
        an ``account_exists`` answer is recorded and counted (SPEC §16).

        >>> app.start_registration({"has_nir": True, "nir": "1630631555082", …}, lockout)
        {"outcome": "started", "registration_id": "…", "steps": [...], …}   # doctest: +SKIP
        """
        form = dict(form)
        captcha = form.pop("captcha", None)
        self.require_captcha(captcha, lockout)
        identifier_key = None
        if form["has_nir"]:
            nir = Identifier("nir", form["nir"])
            identifier_key = self.identifier_key(nir)
            source_key = self.note_lookup(identifier_key, source, lockout)
            if self.identifier_taken(nir):
                index = cast(IdentifierIndex | None, self.find(self.identifier_index_id(nir)))
                account_id = index.active_account_id if index is not None else None
                return self.account_exists_answered(account_id, "registration", source_key)
        account_id = uuid.uuid4()
        without_document = form["identity_document"]["type"] == "none"
        registration = Registration(
            account_id=account_id,
            form=self.personal(account_id, form),
            identifier_kind="nir" if form["has_nir"] else "provisional",
            identifier_key=identifier_key,
            supporting_documents_required=without_document,
            benefit_request=form.get("benefit_request"),
            started_at=self.clock.now(),
        )
        self.save(registration)
        return {
            "outcome": "started",
            "registration_id": str(registration.id),
            "steps": STEPS,
            "announce": messages.REGISTRATION_STEPS_ANNOUNCE,
            "supporting_documents_required": without_document,
            "message": messages.NO_IDENTITY_DOCUMENT if without_document else None,
        }

    def send_registration_code(
        self, registration_id: str, channel: str, address: str
    ) -> dict[str, Any]:
        """Step 2: a 6-digit code to the mobile or mail typed (twice, checked by the schema).

        >>> app.send_registration_code(rid, "sms", "0612345612")   # doctest: +SKIP
        {"outcome": "sent", "sent_to": "06 ** ** ** 12", "expires_at": "…"}
        """
        registration = self.open_registration(registration_id)
        refusal = self.resend_refusal(registration)
        if refusal:
            return refusal
        form = registration.form.value
        sent = self.issue_code(
            registration,
            purpose="registration",
            # The account-to-be: its deliveries join the person's timeline once it exists.
            account_id=registration.account_id,
            subject_id=registration.account_id,
            channel=channel,
            address=address,
            display_name=display_name(form),
        )
        self.save(registration)
        masked = mask_phone(address) if channel == "sms" else mask_email(address)
        return {"outcome": "sent", "sent_to": masked, **sent, "message": messages.CODE_SINGLE_USE}

    def verify_registration_code(self, registration_id: str, code: str) -> dict[str, Any]:
        """Step 2, the code typed: ``{"verified": True, "attempts_left": 3, …}``."""
        registration = self.open_registration(registration_id)
        result = self.enter_code(registration, code)
        self.save(registration)
        return result

    def complete_registration(self, registration_id: str, password: str) -> dict[str, Any]:
        """Step 3: the password (policy and confirmation checked before); the récapitulatif."""
        registration = self.open_registration(registration_id)
        if not registration.may_complete(self.clock.now(), self.code_policy):
            raise InvalidInput(
                code="contact_not_verified",
                fields={"code": ["Saisissez d'abord le code de vérification reçu."]},
            )
        password_hash = self.hasher.hash(password)
        for _ in range(20):
            account, index, identifier = self.new_account(registration, password_hash)
            if account is None:
                return self.account_exists()
            civil = civil_status_of(registration.form.value)
            registration.complete(at=self.clock.now())
            try:
                self.save(account, index, self.civil_index_with(account.id, civil), registration)
            except IntegrityError:
                # Another registration saved this NIR's index first: one account per NIR.
                if registration.identifier_kind == "nir" and self.find(index.id) is not None:
                    return self.account_exists()
                registration = self.open_registration(registration_id)
                continue
            return self.recap(account, identifier, civil)
        raise RuntimeError("could not save the registration")

    # -- helpers -------------------------------------------------------------------------------

    def account_exists_answered(
        self, account_id: uuid.UUID | None, journey: str, source_key: str | None
    ) -> dict[str, Any]:
        """The answer that reveals an account: recorded and counted before it is given."""
        now = self.clock.now()
        # the source's pseudonym is kept as long as connection sources are (docs/privacy.md)
        expiring_source = (
            self.expiring(account_id or NO_ACCOUNT, source_key, "connection_sources", now)
            if source_key
            else None
        )
        self.save(
            AccountExistsAnswer(
                account_id=account_id, journey=journey, source_key=expiring_source, at=now
            )
        )
        metrics.ACCOUNT_EXISTS_ANSWERS.labels(journey=journey).inc()
        return self.account_exists()

    @staticmethod
    def account_exists() -> dict[str, Any]:
        return {
            "outcome": "account_exists",
            "registration_id": None,
            "steps": [],
            "message": messages.ACCOUNT_EXISTS,
        }

    def open_registration(self, registration_id: str) -> Registration:
        registration: Registration = self.flow(Registration, registration_id, "registration_id")
        if registration.completed:
            raise InvalidInput(
                code="registration_completed",
                fields={"registration_id": ["Ce compte est déjà créé : connectez-vous."]},
            )
        return registration

    def new_account(
        self, registration: Registration, password_hash: str
    ) -> tuple[Account | None, IdentifierIndex, Identifier]:
        """The account to save and its identifier index; None if the NIR is already taken."""
        form = registration.form.value
        if registration.identifier_kind == "nir":
            identifier = Identifier("nir", form["nir"])
        else:
            identifier = self.draw_provisional_identifier()
        index = IdentifierIndex(
            account_id=registration.account_id,
            identifier_key=self.identifier_key(identifier),
            id=self.identifier_index_id(identifier),  # type: ignore[call-arg]  # eventsourcing's id=
        )
        if self.identifier_taken(identifier):
            return None, index, identifier
        account = self.account_from(registration, identifier, password_hash)
        return account, index, identifier

    def draw_provisional_identifier(self) -> Identifier:
        """ "P" + 8 random digits (CSPRNG), never one already drawn (retired ones included)."""
        while True:
            candidate = Identifier("provisional", f"P{secrets.randbelow(10**8):08d}")
            if not self.identifier_taken(candidate):
                return candidate

    def account_from(
        self, registration: Registration, identifier: Identifier, password_hash: str
    ) -> Account:
        account_id = registration.account_id
        form = registration.form.value
        channel = registration.verified_channel
        address = registration.verified_address.value if registration.verified_address else None
        contact = {
            "email": address if channel == "email" else None,
            "phone": address if channel == "sms" else None,
            "postal_address": None,
            "preferred": channel,
        }
        civil = civil_status_of(form)
        name = display_name(civil)
        sealed_contact = self.seal({"display_name": name, "civility": civil["civility"], **contact})
        account = Account(
            id=account_id,  # type: ignore[call-arg]  # eventsourcing's id=
            identifier_kind=identifier.kind,
            identifier_key=self.identifier_key(identifier),
            nir_key=self.pseudonyms.of("nir", identifier.value)
            if identifier.kind == "nir"
            else None,
            identifier=self.personal(account_id, identifier.value),
            civil_status=self.personal(account_id, civil),
            contact=self.personal(account_id, contact),
            password_hash=self.personal(account_id, password_hash),
            registered_at=self.clock.now(),
            supporting_documents_required=registration.supporting_documents_required,
            benefit_request=registration.benefit_request,
            sealed_contact=self.personal(account_id, sealed_contact),
            registration_id=registration.id,
        )
        if identifier.kind == "provisional":
            sealed = self.seal(
                {"identifier": identifier.value, "address": address, "display_name": name}
            )
            account.send_provisional_identifier(
                reason="registration",
                channel=str(channel),
                sealed=self.personal(account_id, sealed),
                at=self.clock.now(),
            )
        return account

    def recap(
        self, account: Account, identifier: Identifier, civil: dict[str, Any]
    ) -> dict[str, Any]:
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
