"""What every identity command stands on: policies from the settings, lookups through the
indexes, sealing to notification, verification codes.

The commands themselves live in one module per journey (registration, login, …) as mixins of
:class:`IdentityCore`; :mod:`identity.application` assembles them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, ClassVar, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from eventsourcing.application import AggregateNotFoundError

from shared.identifiers import Identifier
from shared.privacy.buckets import bucketed
from shared.runtime.clock import Clock
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.personal_data import PersonalData
from shared.runtime.rpc import InvalidInput
from shared.runtime.sealing import Sealer

from . import messages
from .civil_status import matching_text
from .code_flow import CodeFlow
from .domain import Account
from .indexes import CivilStatusIndex, IdentifierIndex
from .lockout_port import LockoutPort
from .password_hashing import PasswordHasher
from .session_revocation import Cause, SessionRevocations
from .sessions import SessionClaims, SessionTokens
from .settings import IdentitySettings
from .sources import SourceClassifier
from .verification_codes import CodeHasher


def derive_key(master: bytes, purpose: bytes) -> bytes:
    """A key for one purpose, derived from the service's master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


#: the key subject of values about no account (failures of unknown identifiers, answers about
#: NIRs): nobody to erase them for, they expire with their month only (docs/privacy.md)
NO_ACCOUNT = uuid.UUID("8d3e5a41-7c2b-4f90-a6e1-2b9c0d4f7e63")


class IdentityCore(ServiceApplication):
    name = "identity"
    snapshotted: ClassVar[tuple[type, ...]] = (Account,)
    aggregate_cache_size: ClassVar[int] = 20_000  # accounts and indexes read by every login

    def __init__(
        self,
        settings: IdentitySettings,
        clock: Clock | None = None,
        env: dict[str, str] | None = None,
    ):
        super().__init__(settings, clock=clock, env=env)
        self.settings: IdentitySettings = settings
        self.password_policy = settings.password_policy()
        self.code_policy = settings.code_policy()
        self.campaign = settings.renewal_campaign()
        self.hasher = PasswordHasher(
            settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism
        )
        assert settings.personal_data_master_key is not None
        self.codes = CodeHasher(
            derive_key(settings.personal_data_master_key, b"identity/verification-codes")
        )
        assert settings.session_private_jwk is not None
        self.sessions = SessionTokens(
            settings.session_private_jwk,
            timedelta(seconds=settings.session_lifetime_s),
            settings.session_previous_public_jwks,
            max_lifetime=timedelta(seconds=settings.session_max_lifetime_s),
        )
        assert settings.notification_public_jwk is not None
        self.sealer = Sealer(settings.notification_public_jwk)
        self.sources = SourceClassifier.from_ranges(settings.partner_source_ranges)

    # -- identifiers and indexes ---------------------------------------------------------------

    def identifier_key(self, identifier: Identifier) -> str:
        return self.pseudonyms.of("identifier", identifier.value)

    # -- sessions end when the credential changes (session_revocation.py) ---------------------

    def session_generation(self, account_id: uuid.UUID) -> int:
        """The generation new sessions of the account are issued with."""
        revocations = self.find(SessionRevocations.create_id(account_id))
        return revocations.generation if revocations is not None else 0

    def revoke_sessions(
        self, account_id: uuid.UUID, cause: Cause, keep: str | None = None
    ) -> SessionRevocations:
        """Ends the account's sessions (but ``keep``); save what it returns with the change."""
        revocations = self.find(SessionRevocations.create_id(account_id))
        if revocations is None:
            revocations = SessionRevocations(account_id=account_id)  # id: create_id
        revocations.revoke(at=self.clock.now(), cause=cause, keep=keep)
        return cast(SessionRevocations, revocations)

    def sessions_revoked(self, claims: SessionClaims) -> bool:
        revocations = self.find(SessionRevocations.create_id(claims.account_id))
        return revocations is not None and revocations.revokes(claims.generation, claims.session_id)

    def note_lookup(
        self, identifier_key: str, source: dict[str, str] | None, lockout: LockoutPort
    ) -> str | None:
        """A lookup that may reveal an account counts on its source (per-source throttle);
        returns the source's key."""
        source_key, partner = self.source_of(source)
        if source_key is not None:
            lockout.note_lookup(identifier_key, source_key=source_key, source_partner=partner)
        return source_key

    def source_of(self, source: dict[str, str] | None) -> tuple[str | None, bool]:
        """The per-source throttle's key (IPv6 per /64) and whether it is a partner's range."""
        if not source or not source.get("ip"):
            return None, False
        counted = self.sources.classify(source["ip"])
        return self.pseudonyms.of("source", counted.network), counted.partner

    def nir_key(self, identifier: Identifier) -> str | None:
        return self.pseudonyms.of("nir", identifier.value) if identifier.kind == "nir" else None

    def identifier_index_id(self, identifier: Identifier) -> uuid.UUID:
        return self.pseudonyms.uuid_of("identifier", identifier.value)

    def civil_index_id(self, birth_name: str, first_names: str, birth_date: str) -> uuid.UUID:
        # Domain-separated by its prefix: an identifier is never "civil-status:…".
        text = "civil-status:" + matching_text(birth_name, first_names, birth_date)
        return self.pseudonyms.uuid_of("identifier", text)

    def find(self, aggregate_id: uuid.UUID) -> Any | None:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def account_for(self, identifier: Identifier, read_only: bool = False) -> Account | None:
        """The account that logs in with ``identifier`` now (not a retired provisional one).
        ``read_only``: the cached aggregate itself, not a copy (never change nor save it): a
        copy costs with the account's size, which must not show in a login's time."""
        index = cast(IdentifierIndex | None, self.find(self.identifier_index_id(identifier)))
        if index is None or index.active_account_id is None:
            return None
        account: Account = self.repository.get(
            index.active_account_id, deepcopy_from_cache=not read_only
        )
        return account

    def identifier_taken(self, identifier: Identifier) -> bool:
        return self.find(self.identifier_index_id(identifier)) is not None

    def civil_index_with(self, account_id: uuid.UUID, civil: dict[str, Any]) -> CivilStatusIndex:
        index_id = self.civil_index_id(
            civil["birth_name"], civil["first_names"], civil["birth_date"]
        )
        index = cast(CivilStatusIndex | None, self.find(index_id))
        if index is None:
            return CivilStatusIndex(account_id=account_id, id=index_id)  # type: ignore[call-arg]
        index.add(account_id=account_id)
        return index

    def flow(self, flow_class: type[CodeFlow], flow_id: Any, field: str) -> Any:
        """The flow named by the caller, or InvalidInput (an unknown id is bad input)."""
        try:
            found = self.find(uuid.UUID(str(flow_id)))
        except ValueError:
            found = None
        if not isinstance(found, flow_class):
            raise InvalidInput(
                code=f"{field}_unknown",
                fields={field: ["Cette démarche est introuvable ou a expiré : recommencez."]},
            )
        return found

    def refuse_if_completed(self, flow: CodeFlow, field: str) -> None:
        if flow.completed:
            raise InvalidInput(
                code="flow_completed",
                fields={field: ["Cette démarche est terminée : recommencez si besoin."]},
            )

    @staticmethod
    def require_captcha(captcha: dict[str, str] | None, lockout: LockoutPort) -> None:
        """Asks lockout (single use: consumed right or wrong); InvalidInput when wrong."""
        valid = bool(captcha) and lockout.check_captcha(
            captcha["captcha_id"],  # type: ignore[index]
            captcha["answer"],  # type: ignore[index]
        ).get("valid")
        if not valid:
            raise InvalidInput(
                code="captcha_invalid", fields={"captcha": [messages.CAPTCHA_INVALID]}
            )

    def require_new_password(self, password: str, confirmation: str) -> None:
        """InvalidInput ``password_policy`` (with the checklist) or ``password_confirmation``."""
        checklist = self.password_policy.check(password)
        if not checklist.valid:
            raise InvalidInput(
                code="password_policy",
                message="Le mot de passe ne respecte pas les règles.",
                fields={"password": [rule.label for rule in checklist.failed]},
                # Rule names only: nameko turns booleans in an error's detail into strings.
                failed_rules=[rule.rule for rule in checklist.failed],
            )
        if password != confirmation:
            raise InvalidInput(
                code="password_confirmation",
                fields={"confirmation": ["Les deux mots de passe ne sont pas identiques."]},
            )

    # -- personal data, sealing, codes ---------------------------------------------------------

    @staticmethod
    def personal(subject_id: uuid.UUID, value: Any) -> PersonalData:
        return PersonalData(subject_id, value)

    @staticmethod
    def expiring(subject_id: uuid.UUID, value: Any, category: str, at: datetime) -> PersonalData:
        """A personal value that also expires with its month (a row of the retention table,
        docs/privacy.md): ``self.expiring(account.id, source, "connection_sources", now)``."""
        return bucketed(subject_id, value, category, at)

    def seal(self, payload: dict[str, Any]) -> str:
        return self.sealer.seal(payload)
