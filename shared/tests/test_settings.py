"""Settings never print a secret, and secrets are required outside development."""

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from shared import service_registry
from shared.runtime.settings import (
    ServiceSettings,
    SettingsError,
    environment_form,
    shown_default,
)
from shared.testing.secrets import generate

#: what production needs for back-office calls (docs/security.md)
AGENTS = {
    "AGENT_TOKEN_ISSUER": "https://agents.caf.test/realms/caf",
    "AGENT_TOKEN_JWKS_URI": "https://agents.caf.test/realms/caf/certs",
    "AGENT_ROLE_METHODS": json.dumps({"freezes": ["lockout.lift_freeze"]}),
}


def settings_classes():
    classes = [
        service_registry.load(service.settings_class) for service in service_registry.SERVICES
    ]
    return list(dict.fromkeys([ServiceSettings, *classes]))


@pytest.mark.parametrize("cls", settings_classes(), ids=lambda c: c.__name__)
def test_repr_hides_every_secret(cls, tmp_path):
    secrets = generate()
    settings = cls.from_mapping(
        {**secrets, "ENVIRONMENT": "test", "DATA_DIR": str(tmp_path)}, "identity"
    )
    shown = repr(settings)
    assert "***" in shown
    private = json.loads(secrets["NOTIFICATION_SEAL_PRIVATE_JWK"])["d"]
    for value in (secrets["PSEUDONYM_KEY"], secrets["PERSONAL_DATA_MASTER_KEY"], private):
        assert value not in shown
    assert "pseudonym_key': '***'" in shown


def test_secrets_are_required_outside_development(tmp_path):
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY"):
        ServiceSettings.from_mapping(
            {"ENVIRONMENT": "production", "DATA_DIR": str(tmp_path)}, "lockout"
        )


def test_development_generates_and_keeps_its_secrets(tmp_path):
    first = ServiceSettings.from_mapping({"DATA_DIR": str(tmp_path)}, "lockout")
    again = ServiceSettings.from_mapping({"DATA_DIR": str(tmp_path)}, "identity")
    assert first.pseudonym_key == again.pseudonym_key and len(first.pseudonym_key or b"") == 32


def test_a_service_specific_variable_wins_over_the_shared_one(tmp_path):
    settings = ServiceSettings.from_mapping(
        {"DATA_DIR": str(tmp_path), "AMQP_URI": "amqp://a/", "LOCKOUT_AMQP_URI": "amqp://b/"},
        "lockout",
    )
    assert settings.amqp_uri == "amqp://b/"


@pytest.mark.parametrize(
    "weak", [{"ARGON2_MEMORY_KIB": "64"}, {"ARGON2_TIME_COST": "1"}], ids=["memory", "passes"]
)
def test_production_refuses_argon2_below_the_owasp_minimum(weak, tmp_path):
    from identity.settings import IdentitySettings

    config = {**generate(), "ENVIRONMENT": "production", "DATA_DIR": str(tmp_path)}
    assert IdentitySettings.from_mapping(config, "identity").argon2_memory_kib >= 19456
    with pytest.raises(SettingsError, match="OWASP"):
        IdentitySettings.from_mapping({**config, **weak}, "identity")
    # tests may go lower, to stay fast
    assert IdentitySettings.from_mapping({**config, **weak, "ENVIRONMENT": "test"}, "identity")


def test_production_refuses_to_start_without_agents_access_tokens(tmp_path):
    from shared.runtime.agent_gate import require_agent_tokens

    config = {**generate(), "ENVIRONMENT": "production", "DATA_DIR": str(tmp_path)}
    with pytest.raises(SettingsError, match="AGENT_TOKEN_ISSUER"):
        require_agent_tokens(ServiceSettings.from_mapping(config, "lockout"))
    settings = ServiceSettings.from_mapping({**config, **AGENTS}, "lockout")
    require_agent_tokens(settings)
    assert settings.agent_role_methods == {"freezes": ["lockout.lift_freeze"]}
    # development and test may trust the operator argument instead
    assert not ServiceSettings.from_mapping(
        {**config, "ENVIRONMENT": "test"}, "lockout"
    ).agent_token_issuer


@pytest.mark.parametrize("cls", settings_classes(), ids=lambda c: c.__name__)
def test_every_default_is_documented_in_a_form_its_parser_reads_back(cls):
    for field in dataclasses.fields(cls):
        if field.name == "service" or field.default in (None, "", ()):
            continue
        typed = environment_form(field.default)
        assert field.metadata["parse"](typed) == field.default, (field.name, typed)
        assert "(" not in typed and "datetime" not in typed, typed  # no Python reprs


def test_lists_and_dates_are_shown_as_an_operator_types_them():
    paris_midnight = datetime(2024, 2, 21, 23, 0, tzinfo=UTC)
    assert environment_form((600.0, 1200.0, 3600.0, 86400.0)) == "600,1200,3600,86400"
    assert environment_form(paris_midnight) == "2024-02-22"
    assert environment_form(datetime(2024, 2, 22, 9, 30, tzinfo=UTC)) == "2024-02-22T09:30:00+00:00"
    assert environment_form(True) == "true"
    assert shown_default(None) == "unset" and shown_default("") == "empty"


def test_development_generates_the_sms_token_and_keeps_the_smtp_password_optional(tmp_path):
    from notification.settings import NotificationSettings

    mapping = {"ENVIRONMENT": "development", "DATA_DIR": str(tmp_path)}
    first = NotificationSettings.from_mapping(mapping, "notification")
    again = NotificationSettings.from_mapping(mapping, "notification")

    assert first.sms_gateway_token and first.sms_gateway_token == again.sms_gateway_token
    assert first.smtp_password is None
    tested = NotificationSettings.from_mapping(
        {**generate(), "ENVIRONMENT": "test"}, "notification"
    )
    assert tested.sms_gateway_token is None


def test_an_older_dev_secrets_file_gains_the_secrets_added_since(tmp_path):
    from notification.settings import NotificationSettings

    mapping = {"ENVIRONMENT": "development", "DATA_DIR": str(tmp_path)}
    ServiceSettings.from_mapping(mapping, "delegation")
    path = tmp_path / "dev-secrets.json"
    older = json.loads(path.read_text())
    del older["sms_gateway_token"]
    path.write_text(json.dumps(older))

    settings = NotificationSettings.from_mapping(mapping, "notification")

    assert settings.sms_gateway_token
    kept = json.loads(path.read_text())
    assert kept["pseudonym_key"] == older["pseudonym_key"]


def test_a_process_secret_made_by_two_at_once_is_one(tmp_path):
    """Given two processes starting together (the console and its development provider, which
    share the client secret), when both find no file and make a secret, then both read the
    same one, whole, in an owner-only file, and nothing else is left in DATA_DIR."""
    import threading
    import time

    from shared.runtime import dev_secrets

    read: list[bytes] = []

    def start(made: bytes) -> None:
        def make() -> bytes:
            time.sleep(0.2)  # both have seen no file before either writes
            return made

        read.append(dev_secrets.kept(tmp_path, "shared-secret", make))

    both = [threading.Thread(target=start, args=(v,)) for v in (b"a" * 32, b"b" * 32)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join()

    assert read[0] == read[1] and read[0] in (b"a" * 32, b"b" * 32)
    assert [p.name for p in tmp_path.iterdir()] == ["shared-secret"]
    assert (tmp_path / "shared-secret").stat().st_mode & 0o777 == 0o600
