"""The audit tool and the retention job start with the stores' keys only: no session-signing key,
no provider's or channel's credential (docs/security.md, "Least privilege"). Given an
environment without them, the tool runs its commands; given one with them, it holds none."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from identity.settings import IdentitySettings
from notification.settings import NotificationSettings

from audit import cli
from audit.stores import Stores
from shared.runtime.settings import SettingsError
from shared.testing import secrets as test_secrets

SERVICE_ONLY = {
    "SESSION_SIGNING_JWK",
    "FRANCECONNECT_CLIENT_SECRET",
    "NOTIFICATION_SEAL_PRIVATE_JWK",
    "SMTP_PASSWORD",
    "SMS_GATEWAY_TOKEN",
}


def tool_environment(tmp_path: Path) -> dict[str, Any]:
    """What the audit Job and the retention CronJobs get (deploy/k8s): the stores' keys."""
    keys = {k: v for k, v in test_secrets.generate().items() if k not in SERVICE_ONLY}
    return {"ENVIRONMENT": "test", "DATA_DIR": str(tmp_path / "data"), **keys}


def test_the_services_settings_require_what_the_tool_goes_without(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SESSION_SIGNING_JWK"):
        IdentitySettings.from_mapping(tool_environment(tmp_path), "identity")
    with pytest.raises(SettingsError, match="NOTIFICATION_SEAL_PRIVATE_JWK"):
        NotificationSettings.from_mapping(tool_environment(tmp_path), "notification")


def test_the_tool_runs_without_the_session_key_nor_the_channels_credentials(
    tmp_path: Path,
) -> None:
    config = tool_environment(tmp_path)
    out = io.StringIO()
    assert cli.main(["retention"], config=config, out=out) == 0
    assert "identity" in out.getvalue() and "notification" in out.getvalue()
    assert cli.main(["replay-check"], config=config, out=io.StringIO()) == 0


def test_the_tool_holds_none_of_them_even_when_the_environment_has_them(tmp_path: Path) -> None:
    config = {
        **tool_environment(tmp_path),
        **test_secrets.generate(),
        "FRANCECONNECT_CLIENT_SECRET": "from-franceconnect",
        "SMTP_PASSWORD": "relay-password",
        "SMS_GATEWAY_TOKEN": "sms-token",
        # what only the running service calls is not checked for the tool
        "ENVIRONMENT": "production",
        "SMS_GATEWAY_URL": "",
    }
    identity = IdentitySettings.for_tool(config, "identity")
    notification = NotificationSettings.for_tool(config, "notification")
    assert identity.session_private_jwk is None and identity.franceconnect_client_secret is None
    assert notification.notification_private_jwk is None
    assert notification.smtp_password is None and notification.sms_gateway_token is None
    assert identity.personal_data_master_key is not None and identity.pseudonym_key is not None
    stores = Stores({**config, "ENVIRONMENT": "test"})
    try:
        with pytest.raises(RuntimeError, match="no session-signing key"):
            stores["identity"].sessions.tokens.jwks()
    finally:
        stores.close()
