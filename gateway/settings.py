"""The gateway's settings: the platform's (``AMQP_URI``, ``ENVIRONMENT``…) plus the portal's own.

Read once at start-up from the environment, like every service's settings (docs/configuration.md
is generated from these declarations). Variables may be prefixed ``GATEWAY_`` like a service's.

>>> settings = GatewaySettings.from_mapping({"ENVIRONMENT": "development"}, "gateway")
>>> settings.port
8080
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import string
from pathlib import Path
from typing import Any, ClassVar

from connexion_client.reply_queue import check_caller
from shared.runtime import dev_secrets
from shared.runtime.settings import (
    DevelopmentSecrets,
    ServiceSettings,
    SettingsError,
    parse_bool,
    parse_key,
    setting,
)

from .api_clients import ApiClient, parse_api_clients
from .oidc.keys import parse_signing_keys

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Environments in which the development mailbox and test shortcuts may run (spec §15, §16).
DEVELOPMENT_ENVIRONMENTS = ("development", "test")


#: The characters of a configured path (gateway/redirects.py follows no other).
PLAIN_PATH = frozenset(string.ascii_letters + string.digits + "/-_.")
#: A benefit-request code, as identity accepts it (``benefit_request``).
BENEFIT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def parse_benefit_requests(raw: str) -> tuple[str, ...]:
    """``ALS=/mon-compte/rubrique/demande-prestation, AAH=https://…``: each code the benefit
    entry accepts and the address the person goes to once logged in (a path of the portal or an
    https address; never one read from a request).

    >>> parse_benefit_requests("ALS=/mon-compte/rubrique/demande-prestation")
    ('ALS=/mon-compte/rubrique/demande-prestation',)
    """
    entries = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        code, _, address = part.partition("=")
        code, address = code.strip(), address.strip()
        if not BENEFIT_CODE.match(code):
            raise ValueError(f"{code!r}: a code is 1 to 32 letters, digits, - or _")
        local = address.startswith("/") and not address.startswith("//")
        if not (local or address.startswith("https://")) or any(c in address for c in " \\"):
            raise ValueError(f"{code}: expected a path of the portal (/…) or an https:// address")
        if local and not set(address) <= PLAIN_PATH:  # as gateway/redirects.py follows it
            raise ValueError(f"{code}: a path holds only letters, digits and / - _ .")
        entries.append(f"{code}={address}")
    return tuple(entries)


def parse_rate_limits(raw: str) -> str:
    """``600 per minute; 6000 per hour`` (the ``limits`` notation), checked at start-up."""
    from limits import parse_many

    if not parse_many(raw):
        raise ValueError("expected limits such as '600 per minute; 6000 per hour'")
    return raw


def parse_networks(raw: str) -> tuple[Network, ...]:
    """``10.0.0.0/8, 192.0.2.10``: addresses or CIDR ranges, comma-separated."""
    return tuple(ipaddress.ip_network(part.strip()) for part in raw.split(",") if part.strip())


def parse_token_ttl(raw: str) -> int:
    seconds = int(raw)
    if not 30 <= seconds <= 900:
        raise ValueError("expected 30 to 900 seconds: access tokens are short-lived")
    return seconds


def parse_refresh_ttl(raw: str) -> int:
    seconds = int(raw)
    if not 300 <= seconds <= 400 * 86400:
        raise ValueError("expected 300 seconds to 400 days")
    return seconds


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class GatewaySettings(ServiceSettings):
    api_clients: tuple[ApiClient, ...] = setting(
        "API_CLIENTS",
        (),  # no client: every API call is refused (401)
        parse=parse_api_clients,
        doc='the one client registry, JSON: {"appli-mobile": {"secret_sha256": "…",'
        ' "trusted_source": true}, "appli-caf": {"type": "public", "redirect_uris": […], …}}'
        " (API clients, and Caf connect's public and confidential clients: docs/oidc-provider.md;"
        " make an entry with python -m gateway.api.clients NAME [--public|--confidential …])",
    )
    api_token_ttl_s: int = setting(
        "API_TOKEN_TTL_S",
        300,
        parse=parse_token_ttl,
        doc="lifetime of access tokens, the API's and Caf connect's (s)",
    )
    oidc_refresh_ttl_public_s: int = setting(
        "OIDC_REFRESH_TTL_PUBLIC_S",
        30 * 86400,
        parse=parse_refresh_ttl,
        doc="lifetime of a Caf connect refresh token family for a public client (the mobile app),"
        " from the login, rotation included (s); it also ends with its portal session"
        ' (docs/oidc-provider.md, "Refresh tokens")',
    )
    oidc_refresh_ttl_confidential_s: int = setting(
        "OIDC_REFRESH_TTL_CONFIDENTIAL_S",
        7 * 86400,
        parse=parse_refresh_ttl,
        doc="lifetime of a Caf connect refresh token family for a confidential client (a server),"
        " from the login (s)",
    )
    oidc_signing_keys: dict[str, Any] | None = setting(
        "OIDC_SIGNING_KEYS",
        None,
        parse=parse_signing_keys,
        secret=True,
        doc='the one ES256 key set of the authorization server, JSON {"current": JWK, "next": JWK,'
        ' "retired": [...]} (python -m gateway.oidc.keys new | rotate; generated in development'
        " and test)",
    )
    port: int = setting("PORT", 8080, parse=int, doc="HTTP port of the portal")
    bind: str = setting("BIND", "127.0.0.1", doc="listening address (0.0.0.0 in a container)")
    broker_caller: str = setting(
        "BROKER_CALLER",
        "portal",
        parse=check_caller,
        doc="the caller whose broker user AMQP_URI logs in as (portal, back-office): names the"
        " reply queues its permissions allow (docs/security.md)",
    )
    secret_key: bytes | None = setting(
        "SECRET_KEY",
        None,
        parse=parse_key,
        secret=True,
        doc="signs the session cookie and seals « Se souvenir de moi » (base64, ≥32 bytes)",
    )
    trusted_proxies: tuple[Network, ...] = setting(
        "TRUSTED_PROXIES",
        (),
        parse=parse_networks,
        doc="proxies whose X-Forwarded-For is believed, e.g. 10.0.0.0/8 (empty: none)",
    )
    public_url: str = setting(
        "PUBLIC_URL", "http://localhost:8080", doc="the portal's address as people type it"
    )
    session_warning_s: int = setting(
        "SESSION_WARNING_S", 120, parse=int, doc="the expiry warning shows this long before the end"
    )
    benefit_requests: tuple[str, ...] = setting(
        "BENEFIT_REQUESTS",
        (
            "ALS=/mon-compte/rubrique/demande-prestation",
            "AAH=/mon-compte/rubrique/demande-aah",
        ),
        parse=parse_benefit_requests,
        doc="the benefit requests /connexion?prestation=CODE accepts, each CODE=address where the"
        " person goes once logged in or registered (a path of the portal or an https address),"
        " comma-separated; another code shows the plain CONNEXION page",
    )
    session_idle_timeout_s: int = setting(
        "SESSION_IDLE_TIMEOUT_S",
        900,
        parse=int,
        doc="a portal session unused this long ends (identity's SESSION_LIFETIME_S, s)",
    )
    session_absolute_timeout_s: int = setting(
        "SESSION_ABSOLUTE_TIMEOUT_S",
        28800,
        parse=int,
        doc="a portal session ends this long after it opened, used or not"
        " (identity's SESSION_MAX_LIFETIME_S, s)",
    )
    rate_limit_per_source: str = setting(
        "RATE_LIMIT_PER_SOURCE",
        "600 per minute; 6000 per hour",
        parse=parse_rate_limits,
        doc="requests of one source address (portal, token endpoint, unauthenticated API calls);"
        " over it: 429 with Retry-After",
    )
    rate_limit_per_api_client: str = setting(
        "RATE_LIMIT_PER_API_CLIENT",
        "3000 per minute",
        parse=parse_rate_limits,
        doc="authenticated HTTP API calls of one API client; over it: 429 with Retry-After",
    )
    rate_limit_storage_uri: str = setting(
        "RATE_LIMIT_STORAGE_URI",
        "memory://",
        doc="where the counts are kept: memory:// per replica (the ingress limits in front), or"
        " redis://host:6379 to share them across replicas",
    )
    theme_dir: Path | None = setting(
        "THEME_DIR",
        None,
        parse=Path,
        doc="the agency's charte (theme.css, logo.svg), mounted at deployment; unset: neutral",
    )
    dev_mailbox: bool = setting(
        "DEV_MAILBOX",
        False,
        parse=parse_bool,
        doc="serve /dev/messages (development and test only; refused elsewhere)",
    )
    dev_mailbox_dir: Path | None = setting(
        "DEV_MAILBOX_DIR", None, parse=Path, doc="where the mailbox keeps mails and SMS"
    )
    letter_spool_dir: Path | None = setting(
        "LETTER_SPOOL_DIR", None, parse=Path, doc="letters shown by /dev/messages"
    )
    smtp_sink_port: int = setting("DEV_SMTP_PORT", 2525, parse=int, doc="dev mailbox's SMTP")
    sms_sink_port: int = setting("DEV_SMS_PORT", 8025, parse=int, doc="dev mailbox's SMS gateway")

    def _check_environment(self) -> None:
        super()._check_environment()
        if not 60 <= self.session_idle_timeout_s <= self.session_absolute_timeout_s <= 86400:
            raise SettingsError(
                "SESSION_IDLE_TIMEOUT_S and SESSION_ABSOLUTE_TIMEOUT_S: 60 s ≤ idle ≤ absolute"
                " ≤ 24 h"
            )
        if self.dev_mailbox and self.environment not in DEVELOPMENT_ENVIRONMENTS:
            raise SettingsError(
                "DEV_MAILBOX: the development mailbox runs only in ENVIRONMENT development or test"
            )

    #: one key per checkout, kept in DATA_DIR, so sessions survive a restart of `make run`
    own_development_secrets: ClassVar[DevelopmentSecrets] = {
        "secret_key": dev_secrets.cookie_key("gateway-dev-secret.key")
    }

    def all_secret_fields(self) -> list[str]:
        return ["secret_key"]  # the gateway holds no service key

    def signing_keys(self) -> dict[str, Any]:
        """``OIDC_SIGNING_KEYS``, or in development and test the checkout's generated set
        (``DATA_DIR/dev-secrets.json``); required everywhere else."""
        if self.oidc_signing_keys is not None:
            return self.oidc_signing_keys
        if self.environment not in DEVELOPMENT_ENVIRONMENTS:
            raise SettingsError("GATEWAY_OIDC_SIGNING_KEYS: required outside development and test")
        return dict(dev_secrets.load_or_create(self.data_dir)["oidc_signing_keys"])

    @property
    def mailbox_dir(self) -> Path:
        return self.dev_mailbox_dir or self.data_dir / "dev-mailbox"

    @property
    def letters_dir(self) -> Path:
        return self.letter_spool_dir or self.data_dir / "letters"

    @property
    def benefit_addresses(self) -> dict[str, str]:
        """Code -> the configured address: the only places a benefit request leads to."""
        return dict(entry.partition("=")[::2] for entry in self.benefit_requests)

    @property
    def shows_demonstration_banner(self) -> bool:
        return self.environment != "production"
