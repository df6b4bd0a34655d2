"""The identity service's settings: the common ones plus passwords, codes, sessions, campaign.

Every value has the spec's default; production defaults are OWASP's for argon2 (tests lower
them through the nameko config). ``SESSION_SIGNING_JWK`` is a secret: generated in development,
required elsewhere.

>>> IdentitySettings.from_mapping({"ENVIRONMENT": "development"}, "identity").argon2_memory_kib
19456
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from shared.runtime.settings import (
    ServiceSettings,
    SettingsError,
    parse_bool,
    parse_json,
    setting,
)

from .password_hashing import OWASP_MEMORY_KIB, OWASP_PARALLELISM, OWASP_TIME_COST
from .passwords import PasswordPolicy
from .renewal_campaign import (
    CHANGED_BEFORE,
    ENCOURAGE_FROM,
    ENFORCE_FROM,
    RenewalCampaign,
    paris_midnight,
)
from .sources import parse_ranges
from .verification_codes import CodePolicy


def parse_uris(raw: str) -> tuple[str, ...]:
    """``https://a/cb, https://b/cb`` -> ``("https://a/cb", "https://b/cb")``."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_instant(raw: str) -> datetime:
    """``2024-03-08`` (midnight, Paris) or a full ISO 8601 instant with its offset."""
    text = raw.strip()
    if len(text) == 10:
        return paris_midnight(date.fromisoformat(text))
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError("expected a date or an instant with its UTC offset")
    return instant


# repr=False: keep ServiceSettings.__repr__, which masks secrets (a generated one prints them).
@dataclasses.dataclass(frozen=True, repr=False)
class IdentitySettings(ServiceSettings):
    session_private_jwk: dict[str, Any] | None = setting(
        "SESSION_SIGNING_JWK",
        None,
        parse=parse_json,
        secret=True,
        doc="private EC P-256 key (JWK JSON) signing session tokens (ES256)",
    )
    session_previous_public_jwks: tuple[dict[str, Any], ...] = setting(
        "SESSION_PREVIOUS_PUBLIC_JWKS",
        (),
        parse=lambda raw: tuple(parse_json(raw)),
        doc="JSON list of retired public keys still published during a key rotation",
    )
    session_lifetime_s: int = setting("SESSION_LIFETIME_S", 900, parse=int, doc="session expiry")
    session_max_lifetime_s: int = setting(
        "SESSION_MAX_LIFETIME_S",
        28800,
        parse=int,
        doc="refresh_session slides the expiry, never past this long after the login",
    )
    argon2_memory_kib: int = setting(
        "ARGON2_MEMORY_KIB", OWASP_MEMORY_KIB, parse=int, doc="argon2id memory (KiB, ≥ 19456)"
    )
    argon2_time_cost: int = setting(
        "ARGON2_TIME_COST", OWASP_TIME_COST, parse=int, doc="argon2id passes (≥ 2)"
    )
    argon2_parallelism: int = setting(
        "ARGON2_PARALLELISM", OWASP_PARALLELISM, parse=int, doc="argon2id lanes"
    )
    password_min_length: int = setting("PASSWORD_MIN_LENGTH", 10, parse=int, doc="new passwords")
    password_max_length: int = setting("PASSWORD_MAX_LENGTH", 64, parse=int, doc="new passwords")
    password_refuse_common: bool = setting(
        "PASSWORD_REFUSE_COMMON", True, parse=parse_bool, doc="rule 'common' (zxcvbn lists)"
    )
    password_common_list_size: int = setting(
        "PASSWORD_COMMON_LIST_SIZE", 30000, parse=int, doc="most frequent passwords refused"
    )
    code_lifetime_sms_s: int = setting("CODE_LIFETIME_SMS_S", 900, parse=int, doc="SMS code")
    code_lifetime_email_s: int = setting("CODE_LIFETIME_EMAIL_S", 900, parse=int, doc="mail code")
    code_lifetime_letter_s: int = setting(
        "CODE_LIFETIME_LETTER_S", 30 * 24 * 3600, parse=int, doc="code sent by letter"
    )
    code_max_wrong_entries: int = setting(
        "CODE_MAX_WRONG_ENTRIES", 3, parse=int, doc="wrong entries that invalidate a code"
    )
    code_resend_interval_s: int = setting(
        "CODE_RESEND_INTERVAL_S", 60, parse=int, doc="minimum delay between two codes of a flow"
    )
    code_max_sends: int = setting("CODE_MAX_SENDS", 5, parse=int, doc="codes per flow")
    code_completion_window_s: int = setting(
        "CODE_COMPLETION_WINDOW_S", 1800, parse=int, doc="to finish a flow once its code is entered"
    )
    renewal_campaign_enabled: bool = setting(
        "RENEWAL_CAMPAIGN_ENABLED", True, parse=parse_bool, doc="forced password renewal"
    )
    renewal_encourage_from: datetime = setting(
        "RENEWAL_ENCOURAGE_FROM",
        ENCOURAGE_FROM,
        parse=parse_instant,
        doc="date (Paris) or ISO instant: logins carry password_change_recommended",
    )
    renewal_enforce_from: datetime = setting(
        "RENEWAL_ENFORCE_FROM",
        ENFORCE_FROM,
        parse=parse_instant,
        doc="from then, outcome password_reset_required for old passwords",
    )
    renewal_changed_before: datetime = setting(
        "RENEWAL_CHANGED_BEFORE",
        CHANGED_BEFORE,
        parse=parse_instant,
        doc="passwords last changed before this date are concerned",
    )
    connection_history_limit: int = setting(
        "CONNECTION_HISTORY_LIMIT",
        50,
        parse=int,
        doc="entries returned by connection_history (at most 50: an account keeps its last 50 "
        "connections in its state, the events keep them all)",
    )
    contact_changes_per_day: int = setting(
        "CONTACT_CHANGES_PER_DAY",
        3,
        parse=int,
        doc="changes of contact details a person may make themself from « Mon profil » in 24 "
        "hours (an agent's changes are not counted)",
    )
    freeze_cache_size: int = setting(
        "FREEZE_CACHE_SIZE",
        10_000,
        parse=int,
        doc="lockout's freezes each replica keeps to answer « frozen » without asking lockout "
        "(least recently used dropped first; 0: none kept, every login asks lockout)",
    )
    freeze_cache_max_age_s: int = setting(
        "FREEZE_CACHE_MAX_AGE_S",
        60,
        parse=int,
        doc="a freeze kept is asked of lockout again after this long at the latest, even "
        "without AccountUnfrozen (an event the replica missed refuses no longer than this)",
    )
    partner_source_ranges: tuple[str, ...] = setting(
        "PARTNER_SOURCE_RANGES",
        (),
        parse=parse_ranges,
        doc="comma-separated address ranges of partners where many people log in from one "
        "address (France Services desks, …), e.g. 192.0.2.0/24, 2001:db8:40::/48: their "
        "sources get lockout's LOCKOUT_SOURCE_PARTNER_MAX_IDENTIFIERS",
    )
    # --- FranceConnect (docs/franceconnect.md) ---
    franceconnect_issuer: str = setting(
        "FRANCECONNECT_ISSUER",
        "",
        doc="FranceConnect's issuer; its discovery document is <issuer>/.well-known/"
        "openid-configuration (integration: https://fcp-low.integ01.dev-franceconnect.fr/api/v2,"
        " production: https://oidc.franceconnect.gouv.fr/api/v2). Empty: FranceConnect is off",
    )
    franceconnect_client_id: str = setting(
        "FRANCECONNECT_CLIENT_ID", "", doc="client id given by FranceConnect for this platform"
    )
    franceconnect_client_secret: str | None = setting(
        "FRANCECONNECT_CLIENT_SECRET",
        None,
        secret=True,
        doc="client secret given by FranceConnect (token endpoint); required when "
        "FRANCECONNECT_ISSUER is set",
    )
    franceconnect_redirect_uris: tuple[str, ...] = setting(
        "FRANCECONNECT_REDIRECT_URIS",
        (),
        parse=parse_uris,
        doc="comma-separated callback URLs registered at FranceConnect; the first is the default",
    )
    franceconnect_post_logout_redirect_uri: str = setting(
        "FRANCECONNECT_POST_LOGOUT_REDIRECT_URI",
        "",
        doc="where FranceConnect sends the person back after its logout (registered there)",
    )
    franceconnect_scope: str = setting(
        "FRANCECONNECT_SCOPE",
        "openid given_name family_name birthdate gender birthplace birthcountry",
        doc="scopes asked: openid and the pivot identity",
    )
    franceconnect_acr_values: str = setting(
        "FRANCECONNECT_ACR_VALUES", "eidas1", doc="level asked and required in the ID token"
    )
    franceconnect_state_lifetime_s: int = setting(
        "FRANCECONNECT_STATE_LIFETIME_S", 600, parse=int, doc="to come back from FranceConnect"
    )
    franceconnect_link_lifetime_s: int = setting(
        "FRANCECONNECT_LINK_LIFETIME_S",
        1800,
        parse=int,
        doc="a pending link token (no match) waits this long for a password login",
    )
    franceconnect_discovery_ttl_s: int = setting(
        "FRANCECONNECT_DISCOVERY_TTL_S", 3600, parse=int, doc="cache of discovery and keys"
    )
    franceconnect_http_timeout_s: float = setting(
        "FRANCECONNECT_HTTP_TIMEOUT_S", 5.0, parse=float, doc="each call to FranceConnect"
    )
    franceconnect_clock_leeway_s: int = setting(
        "FRANCECONNECT_CLOCK_LEEWAY_S", 30, parse=int, doc="clock skew tolerated on exp and iat"
    )

    secret_fields: ClassVar[tuple[str, ...]] = (
        "pseudonym_key",
        "personal_data_master_key",
        "session_private_jwk",
        "franceconnect_client_secret",
    )

    service_only_secrets: ClassVar[tuple[str, ...]] = (
        "session_private_jwk",
        "franceconnect_client_secret",
    )

    def all_secret_fields(self) -> list[str]:
        # FranceConnect's secret is given by FranceConnect, never generated: checked below.
        return [n for n in super().all_secret_fields() if n != "franceconnect_client_secret"]

    @classmethod
    def documented_variables(cls) -> list[tuple[str, str, str]]:
        rows = super().documented_variables()
        given = "secret (from FranceConnect, never generated)"
        return [(v, given if v == "FRANCECONNECT_CLIENT_SECRET" else d, t) for v, d, t in rows]

    def _check_environment(self) -> None:
        super()._check_environment()
        # Tests may lower argon2 to stay fast; production never goes below OWASP's minimum.
        if self.environment == "production" and (
            self.argon2_memory_kib < OWASP_MEMORY_KIB or self.argon2_time_cost < OWASP_TIME_COST
        ):
            raise SettingsError(
                f"ARGON2_MEMORY_KIB must be ≥ {OWASP_MEMORY_KIB} and ARGON2_TIME_COST ≥ "
                f"{OWASP_TIME_COST} in production (OWASP minimum for argon2id)"
            )

    def _check_calls(self) -> None:
        super()._check_calls()
        if self.franceconnect_issuer and not (
            self.franceconnect_client_id
            and self.franceconnect_client_secret
            and self.franceconnect_redirect_uris
        ):
            raise SettingsError(
                "FRANCECONNECT_ISSUER is set: FRANCECONNECT_CLIENT_ID, "
                "FRANCECONNECT_CLIENT_SECRET and FRANCECONNECT_REDIRECT_URIS are required"
            )

    def password_policy(self) -> PasswordPolicy:
        return PasswordPolicy(
            min_length=self.password_min_length,
            max_length=self.password_max_length,
            refuse_common=self.password_refuse_common,
            common_list_size=self.password_common_list_size,
        )

    def code_policy(self) -> CodePolicy:
        return CodePolicy(
            lifetimes={
                "sms": timedelta(seconds=self.code_lifetime_sms_s),
                "email": timedelta(seconds=self.code_lifetime_email_s),
                "letter": timedelta(seconds=self.code_lifetime_letter_s),
            },
            max_wrong_entries=self.code_max_wrong_entries,
            resend_interval=timedelta(seconds=self.code_resend_interval_s),
            max_sends=self.code_max_sends,
            completion_window=timedelta(seconds=self.code_completion_window_s),
        )

    def renewal_campaign(self) -> RenewalCampaign:
        return RenewalCampaign(
            encourage_from=self.renewal_encourage_from,
            enforce_from=self.renewal_enforce_from,
            changed_before=self.renewal_changed_before,
            enabled=self.renewal_campaign_enabled,
        )
