"""The agents' console's settings: the platform's (``AMQP_URI``, ``ENVIRONMENT``…, the agency's
role table ``AGENT_ROLE_METHODS``) plus its own, read under the name ``console``
(``CONSOLE_PORT`` or ``PORT``). docs/configuration.md is generated from these declarations.

>>> ConsoleSettings.from_mapping({"ENVIRONMENT": "development"}, "console").port
8092
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path
from typing import ClassVar

from flask import current_app

from connexion_client.reply_queue import check_caller
from shared.runtime import dev_secrets
from shared.runtime.settings import (
    DevelopmentSecrets,
    ServiceSettings,
    SettingsError,
    parse_key,
    parse_names,
    setting,
)

#: Environments in which the development agents' provider may be used (SPEC §19).
DEVELOPMENT_ENVIRONMENTS = ("development", "test")

#: Where ``create_app`` keeps the settings in the Flask application's config.
CONFIG_KEY = "CONSOLE_SETTINGS"

#: A working day: the longest an agent's console session lasts, used or not.
WORKING_DAY_S = 10 * 3600


def development_client_secret(data_dir: Path) -> str:
    """The console's client secret at the development agents' provider, kept in DATA_DIR (both
    processes of `make run` read it there)."""
    made = dev_secrets.kept(
        data_dir, "console-dev-client-secret", lambda: secrets.token_urlsafe(32).encode()
    )
    return made.decode().strip()


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class ConsoleSettings(ServiceSettings):
    port: int = setting("PORT", 8092, parse=int, doc="HTTP port of the agents' console")
    bind: str = setting("BIND", "127.0.0.1", doc="listening address (0.0.0.0 in a container)")
    public_url: str = setting(
        "PUBLIC_URL",
        "http://localhost:8092",
        doc="the console's address as agents type it (the provider sends them back to it)",
    )
    broker_caller: str = setting(
        "BROKER_CALLER",
        "back-office",
        parse=check_caller,
        doc="the broker user AMQP_URI logs in as: back-office (docs/security.md)",
    )
    secret_key: bytes | None = setting(
        "SECRET_KEY",
        None,
        parse=parse_key,
        secret=True,
        doc="signs the console's session cookie (base64, ≥32 bytes)",
    )
    oidc_issuer: str = setting(
        "OIDC_ISSUER",
        "",
        doc="the agency's OpenID provider for agents (its discovery document at"
        " ISSUER/.well-known/openid-configuration); required",
    )
    oidc_client_id: str = setting(
        "OIDC_CLIENT_ID", "caf-console", doc="the console's client at the agents' provider"
    )
    oidc_client_secret: str | None = setting(
        "OIDC_CLIENT_SECRET",
        None,
        secret=True,
        doc="the console's client secret at the agents' provider (code and token exchange)",
    )
    oidc_acr_values: tuple[str, ...] = setting(
        "OIDC_ACR_VALUES",
        ("mfa",),
        parse=parse_names,
        doc="the multi-factor acr values the console asks for and accepts (comma-separated);"
        " a sign-in at another level is refused",
    )
    oidc_roles_claim: str = setting(
        "OIDC_ROLES_CLAIM",
        "roles",
        doc="the ID token claim holding the agent's roles from the agency's role table",
    )
    oidc_agency_claim: str = setting(
        "OIDC_AGENCY_CLAIM", "agency", doc="the ID token claim naming the agent's Caf"
    )
    session_idle_timeout_s: int = setting(
        "SESSION_IDLE_TIMEOUT_S", 1800, parse=int, doc="an agent's session unused this long ends"
    )
    session_absolute_timeout_s: int = setting(
        "SESSION_ABSOLUTE_TIMEOUT_S",
        28800,
        parse=int,
        doc="an agent's session ends this long after sign-in (at most a working day, 36000 s)",
    )

    def _check_environment(self) -> None:
        super()._check_environment()
        if not 1 <= self.session_idle_timeout_s <= self.session_absolute_timeout_s <= WORKING_DAY_S:
            raise SettingsError(
                "SESSION_IDLE_TIMEOUT_S and SESSION_ABSOLUTE_TIMEOUT_S: idle ≤ absolute ≤ 36000 s"
                " (a working day)"
            )
        if self.session_idle_timeout_s > 1800:
            raise SettingsError("SESSION_IDLE_TIMEOUT_S: at most 1800 s (30 minutes)")
        if not self.oidc_issuer:
            raise SettingsError("CONSOLE_OIDC_ISSUER: the agents' OpenID provider is required")
        if self.environment == "production" and not (
            self.oidc_issuer.startswith("https://") and self.public_url.startswith("https://")
        ):
            raise SettingsError("OIDC_ISSUER and PUBLIC_URL: https:// in production")
        if self.broker_caller != "back-office":
            raise SettingsError("CONSOLE_BROKER_CALLER: the console calls as back-office only")
        if not self.oidc_acr_values:
            raise SettingsError("OIDC_ACR_VALUES: at least one multi-factor level")

    #: in development, kept in DATA_DIR: sessions survive a restart; the client secret is also
    #: the development agents' provider's
    own_development_secrets: ClassVar[DevelopmentSecrets] = {
        "secret_key": dev_secrets.cookie_key("console-dev-secret.key"),
        "oidc_client_secret": development_client_secret,
    }

    def all_secret_fields(self) -> list[str]:
        return ["secret_key", "oidc_client_secret"]  # the console holds no service key

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/connexion/retour"

    @property
    def post_logout_redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/deconnecte"

    def methods_of(self, roles: tuple[str, ...]) -> frozenset[str]:
        """``service.method`` the agent's roles allow in the agency's role table (menus)."""
        table = self.agent_role_methods or {}
        return frozenset(m for role in roles for m in table.get(role, []) if isinstance(m, str))


def current() -> ConsoleSettings:
    """The settings of the console serving this request (``create_app``'s)."""
    configured: ConsoleSettings = current_app.config[CONFIG_KEY]
    return configured
