"""The console's settings refuse what would weaken an agent's session or sign-in."""

from __future__ import annotations

import pytest

from console.settings import ConsoleSettings
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
