"""FranceConnect's settings: off unless configured, complete when on, the secret never shown."""

from __future__ import annotations

import pytest
from identity.settings import IdentitySettings

from shared.runtime.settings import SettingsError

ON = {
    "ENVIRONMENT": "development",
    "FRANCECONNECT_ISSUER": "https://oidc.franceconnect.gouv.fr/api/v2",
    "FRANCECONNECT_CLIENT_ID": "caf-mon-compte",
    "FRANCECONNECT_CLIENT_SECRET": "le-secret-de-franceconnect",
    "FRANCECONNECT_REDIRECT_URIS": "https://a.caf.test/cb, https://b.caf.test/cb",
}


def test_franceconnect_is_off_by_default(tmp_path):
    settings = IdentitySettings.from_mapping(
        {"ENVIRONMENT": "development", "DATA_DIR": str(tmp_path)}, "identity"
    )
    assert settings.franceconnect_issuer == "" and settings.franceconnect_client_secret is None


def test_configured_franceconnect_needs_its_secret_and_never_shows_it(tmp_path):
    settings = IdentitySettings.from_mapping({**ON, "DATA_DIR": str(tmp_path)}, "identity")
    assert settings.franceconnect_redirect_uris == (
        "https://a.caf.test/cb",
        "https://b.caf.test/cb",
    )
    assert "le-secret-de-franceconnect" not in repr(settings)

    without_secret = {k: v for k, v in ON.items() if k != "FRANCECONNECT_CLIENT_SECRET"}
    with pytest.raises(SettingsError, match="FRANCECONNECT_CLIENT_SECRET"):
        IdentitySettings.from_mapping({**without_secret, "DATA_DIR": str(tmp_path)}, "identity")
