"""argon2id hashes: OWASP defaults, rehash on parameter change, same cost for unknown ids."""

from __future__ import annotations

from typing import Any

from identity.password_hashing import PasswordHasher
from identity.settings import IdentitySettings


def fast(**kwargs: Any) -> PasswordHasher:
    return PasswordHasher(memory_kib=64, time_cost=1, **kwargs)


def test_production_defaults_are_at_least_owasps():
    settings = IdentitySettings.from_mapping({"ENVIRONMENT": "development"}, "identity")

    assert settings.argon2_memory_kib >= 19 * 1024
    assert settings.argon2_time_cost >= 2
    assert settings.argon2_parallelism == 1


def test_a_hash_verifies_its_password_only():
    hasher = fast()
    stored = hasher.hash("Bonjour2024Caf")

    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, "Bonjour2024Caf")
    assert not hasher.verify(stored, "Bonjour2024Cag")


def test_an_old_8_to_24_password_fails_todays_policy_yet_its_hash_still_verifies():
    policy = IdentitySettings.from_mapping({"ENVIRONMENT": "development"}, "identity")
    hasher = fast()

    assert not policy.password_policy().check("Azerty12").valid  # 10 characters at least now
    assert hasher.verify(hasher.hash("Azerty12"), "Azerty12")  # only new passwords are checked


def test_no_account_verifies_against_the_dummy_and_never_succeeds():
    calls: list[Any] = []

    def counted(fn: Any, *args: Any) -> Any:
        calls.append(fn)
        return fn(*args)

    hasher = fast(offload=counted)

    assert hasher.verify(None, "anything") is False
    assert len(calls) == 1  # the dummy hash was really checked: same cost as a wrong password


def test_hashes_made_with_older_parameters_need_a_rehash():
    old = PasswordHasher(memory_kib=64, time_cost=1).hash("Bonjour2024Caf")
    current = PasswordHasher(memory_kib=128, time_cost=1)

    assert current.needs_rehash(old)
    assert not current.needs_rehash(current.hash("Bonjour2024Caf"))
