"""The identity application: the bounded context of logins, accounts and their journeys.

It keeps the store and hands out the journeys, each a small class built here with what it uses
(the store, the clock, the hasher, the sealer, the session tokens); the lockout port comes with
each call (in the service it is the worker's RPC proxy).

>>> app = IdentityApplication(IdentitySettings.from_env("identity"))          # doctest: +SKIP
>>> app.login.attempt(parse_identifier("P33392250"), "Bonjour2024Caf", lockout)  # doctest: +SKIP
{"outcome": "ok", "session": {"token": "eyJ…", …}, …}
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.runtime.clock import Clock
from shared.runtime.eventstore import ServiceApplication
from shared.runtime.sealing import Sealer

from .domain import Account
from .franceconnect.config import FranceConnectConfig
from .franceconnect.journey import FranceConnect
from .freeze_cache import FreezeCache
from .integration import integration_event
from .journeys.agent_console import AgentConsole
from .journeys.back_office import BackOffice
from .journeys.code_steps import CodeSteps
from .journeys.identifier_recovery import IdentifierRecovery
from .journeys.login import Login
from .journeys.my_account import MyAccount
from .journeys.my_contacts import MyContacts
from .journeys.password_reset import PasswordReset
from .journeys.registration import Registration
from .journeys.sessions import Sessions
from .password_hashing import PasswordHasher
from .provider.backchannel import Backchannel, logouts_due
from .provider.claims import Subjects
from .provider.journey import Provider, _session_claims
from .provider.refresh import TokenLife
from .retention import expire
from .sessions import NoSigningKey, SessionTokens
from .settings import IdentitySettings
from .sources import SourceClassifier
from .store import IdentityStore
from .verification_codes import CodeHasher


def derive_key(master: bytes, purpose: bytes) -> bytes:
    """A key for one purpose, derived from the service's master key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class IdentityApplication(ServiceApplication):
    # The store's schema, tables and relay producer are named after it.
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
        self.hasher = PasswordHasher(
            settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism
        )
        assert settings.personal_data_master_key is not None
        assert settings.notification_public_jwk is not None
        codes = CodeHasher(
            derive_key(settings.personal_data_master_key, b"identity/verification-codes")
        )
        # The audit tool's settings hold no signing key (IdentitySettings.for_tool).
        tokens = (
            SessionTokens(
                settings.session_private_jwk,
                timedelta(seconds=settings.session_lifetime_s),
                settings.session_previous_public_jwks,
                max_lifetime=timedelta(seconds=settings.session_max_lifetime_s),
            )
            if settings.session_private_jwk is not None
            else NoSigningKey()
        )
        sealer = Sealer(settings.notification_public_jwk)
        sources = SourceClassifier.from_ranges(settings.partner_source_ranges)
        store = self.store = IdentityStore(self, sources)
        clock, hasher, passwords = self.clock, self.hasher, self.password_policy
        steps = CodeSteps(clock, codes, settings.code_policy(), sealer)

        self.sessions = Sessions(store, clock, tokens)
        #: lockout's freezes as this replica heard of them (refuses earlier, never grants)
        self.freezes = FreezeCache(
            clock, settings.freeze_cache_size, settings.freeze_cache_max_age_s
        )
        self.login = Login(store, clock, hasher, tokens, settings.renewal_campaign(), self.freezes)
        self.registration = Registration(store, clock, steps, hasher, passwords, sealer)
        self.password_reset = PasswordReset(store, clock, steps, hasher, passwords)
        self.identifier_recovery = IdentifierRecovery(store, clock, steps, sealer)
        self.my_account = MyAccount(
            store, clock, self.sessions, hasher, passwords,
            settings.connection_history_limit, settings,
        )  # fmt: skip
        self.my_contacts = MyContacts(
            store, clock, self.sessions, steps, hasher, sealer, settings.contact_changes_per_day
        )
        self.back_office = BackOffice(store, clock, sealer)
        self.agent_console = AgentConsole(
            store, clock, steps, settings, settings.agent_lookups_per_day,
            timedelta(seconds=settings.session_max_lifetime_s),
        )  # fmt: skip
        self.franceconnect = FranceConnect(
            store, clock, tokens, self.sessions, FranceConnectConfig.from_settings(settings)
        )
        assert settings.pseudonym_key is not None
        subjects = Subjects(derive_key(settings.pseudonym_key, b"identity/oidc-subjects"))
        self.provider = Provider(store, clock, self.sessions, subjects)  # Caf connect (§18)
        self.token_life = TokenLife(store, clock, self.sessions)  # its tokens' life (#34)
        self.backchannel = Backchannel(store, clock)  # logouts due to applications (#34)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Saves; a session ended by what is saved (a logout, « tous les appareils », a
        credential change, an erasure…) records, in the same transaction, the back-channel
        logout each application of that session is due (provider/backchannel.py)."""
        settings = getattr(self, "settings", None)
        if isinstance(settings, IdentitySettings):
            due = logouts_due(
                self.find,
                [obj for obj in objs if obj is not None],
                self.clock.now(),
                timedelta(seconds=settings.session_max_lifetime_s),
                _session_claims,
            )
            objs = (*objs, *due)
        return super().save(*objs, **kwargs)

    def check_password(self, password: str) -> dict[str, Any]:
        """The per-rule checklist: ``{"valid": False, "rules": [{"rule": "length", "ok": …,
        "label": "10 à 64 caractères"}, …]}``."""
        return self.password_policy.check(password).as_dict()

    def expire_retention(self) -> dict[str, int]:
        """Expires identity's rows of the retention table: counts by category (never content).

        >>> app.expire_retention()   # doctest: +SKIP
        {'connection_sources': 1, 'agent_actions': 0, 'unfinished_registrations': 2}
        """
        return expire(self)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        return integration_event(domain_event)
