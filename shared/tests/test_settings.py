"""Settings never print a secret, and secrets are required outside development."""

import json

import pytest

from shared.reference_docs import SETTINGS_CLASSES
from shared.runtime.settings import ServiceSettings, SettingsError
from shared.testing.secrets import generate

#: what production needs for back-office calls (docs/security.md)
AGENTS = {
    "AGENT_TOKEN_ISSUER": "https://agents.caf.test/realms/caf",
    "AGENT_TOKEN_JWKS_URI": "https://agents.caf.test/realms/caf/certs",
    "AGENT_ROLE_METHODS": json.dumps({"freezes": ["lockout.lift_freeze"]}),
}


def settings_classes():
    import importlib

    classes = [ServiceSettings]
    for path in SETTINGS_CLASSES.values():
        module, _, name = path.partition(":")
        classes.append(getattr(importlib.import_module(module), name))
    return classes


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

    config = {**generate(), **AGENTS, "ENVIRONMENT": "production", "DATA_DIR": str(tmp_path)}
    assert IdentitySettings.from_mapping(config, "identity").argon2_memory_kib >= 19456
    with pytest.raises(SettingsError, match="OWASP"):
        IdentitySettings.from_mapping({**config, **weak}, "identity")
    # tests may go lower, to stay fast
    assert IdentitySettings.from_mapping({**config, **weak, "ENVIRONMENT": "test"}, "identity")


def test_production_refuses_to_start_without_agents_access_tokens(tmp_path):
    config = {**generate(), "ENVIRONMENT": "production", "DATA_DIR": str(tmp_path)}
    with pytest.raises(SettingsError, match="AGENT_TOKEN_ISSUER"):
        ServiceSettings.from_mapping(config, "lockout")
    settings = ServiceSettings.from_mapping({**config, **AGENTS}, "lockout")
    assert settings.agent_role_methods == {"freezes": ["lockout.lift_freeze"]}
    # development and test may trust the operator argument instead
    assert not ServiceSettings.from_mapping(
        {**config, "ENVIRONMENT": "test"}, "lockout"
    ).agent_token_issuer
