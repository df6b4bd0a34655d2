"""The console's settings refuse what would weaken an agent's session or sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.settings import ConsoleSettings, development_client_secret
from gateway.settings import GatewaySettings
from shared.runtime.settings import SettingsError

BASE = {"ENVIRONMENT": "test", "CONSOLE_SECRET_KEY": "a" * 44, "CONSOLE_OIDC_CLIENT_SECRET": "s"}


def settings(**changes: str) -> ConsoleSettings:
    return ConsoleSettings.from_mapping(
        {**BASE, "CONSOLE_OIDC_ISSUER": "http://127.0.0.1:8091", **changes}, "console"
    )


def test_defaults_are_thirty_minutes_idle_and_a_working_day_at_most() -> None:
    configured = settings()
    assert configured.session_idle_timeout_s == 1800
    assert configured.session_absolute_timeout_s <= 36000
    assert configured.oidc_acr_values == ("mfa",)
    assert configured.broker_caller == "back-office"
    assert configured.redirect_uri == "http://localhost:8092/connexion/retour"


@pytest.mark.parametrize(
    "changes",
    [
        {"CONSOLE_SESSION_IDLE_TIMEOUT_S": "3600", "CONSOLE_SESSION_ABSOLUTE_TIMEOUT_S": "7200"},
        {"CONSOLE_SESSION_ABSOLUTE_TIMEOUT_S": "86400"},
        {"CONSOLE_OIDC_ISSUER": ""},
        {"CONSOLE_OIDC_ACR_VALUES": ","},
        {"CONSOLE_BROKER_CALLER": "citizen"},
    ],
)
def test_weaker_settings_are_refused(changes: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        settings(**changes)


def test_production_needs_https_and_its_secrets() -> None:
    with pytest.raises(SettingsError):
        settings(ENVIRONMENT="production")
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        ConsoleSettings.from_mapping(
            {
                "ENVIRONMENT": "production",
                "CONSOLE_OIDC_ISSUER": "https://agents.caf.fr",
                "CONSOLE_PUBLIC_URL": "https://console.caf.fr",
            },
            "console",
        )


def test_the_menus_follow_the_agency_role_table() -> None:
    configured = settings(
        AGENT_ROLE_METHODS='{"accueil": ["lockout.lift_freeze"],'
        ' "gestion": ["identity.assign_nir"]}'
    )
    assert configured.methods_of(("accueil",)) == {"lockout.lift_freeze"}
    assert configured.methods_of(("accueil", "gestion")) == {
        "lockout.lift_freeze",
        "identity.assign_nir",
    }
    assert configured.methods_of(("inconnu",)) == frozenset()


def test_development_makes_the_console_secrets_once_in_data_dir(tmp_path: Path) -> None:
    """Given no secrets in development, when the console reads its settings twice and the portal
    once from one DATA_DIR, then the console's cookie key and client secret are made once,
    owner-only, and read again (the development provider reads the same client secret); the
    portal's cookie key is its own, and neither holds a service key."""
    mapping = {
        "ENVIRONMENT": "development",
        "DATA_DIR": str(tmp_path),
        "CONSOLE_OIDC_ISSUER": "http://127.0.0.1:8093",
    }
    first = ConsoleSettings.from_mapping(mapping, "console")
    again = ConsoleSettings.from_mapping(mapping, "console")
    portal = GatewaySettings.from_mapping(mapping, "gateway")

    assert first.secret_key == again.secret_key and len(first.secret_key or b"") == 32
    assert first.oidc_client_secret == again.oidc_client_secret
    assert first.oidc_client_secret == development_client_secret(tmp_path)
    assert portal.secret_key is not None and portal.secret_key != first.secret_key
    assert first.pseudonym_key is None and portal.pseudonym_key is None
    files = {path.name: path.stat().st_mode & 0o777 for path in tmp_path.iterdir()}
    assert files == {
        "console-dev-secret.key": 0o600,
        "console-dev-client-secret": 0o600,
        "gateway-dev-secret.key": 0o600,
    }
