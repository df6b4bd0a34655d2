"""The password policy's checklist (spec §4), with the agency's exact labels."""

from __future__ import annotations

import pytest
from identity.passwords import PasswordPolicy

LABELS = {
    "length": "10 à 64 caractères",
    "digit": "1 chiffre",
    "lower": "1 lettre minuscule",
    "upper": "1 lettre majuscule",
    "alnum": "chiffres et lettres uniquement",
    "common": "mot de passe courant refusé",
}


def failed(password: str, policy: PasswordPolicy | None = None) -> set[str]:
    return {r.rule for r in (policy or PasswordPolicy()).check(password).rules if not r.ok}


def test_a_good_password_turns_every_bubble_green_with_the_agencys_labels():
    checklist = PasswordPolicy().check("Bonjour2024Caf")

    assert checklist.valid is True
    assert [(r.rule, r.label) for r in checklist.rules] == list(LABELS.items())
    assert all(r.ok for r in checklist.rules)


@pytest.mark.parametrize(
    ("password", "rules"),
    [
        ("Xwq7Lmrtz", {"length"}),  # 9 characters
        ("B" + "onjour2024" * 6 + "abcd", {"length"}),  # 65 characters
        ("BonjourCafLyon", {"digit"}),
        ("BONJOUR2024CAF", {"lower"}),
        ("bonjour2024caf", {"upper"}),
        ("Bonjour 2024 Caf", {"alnum"}),
        ("Bonjour2024Café", {"alnum"}),
        ("Bonjour!2024Caf", {"alnum"}),
        ("", {"length", "digit", "lower", "upper", "alnum"}),
    ],
)
def test_each_rule_fails_on_its_own(password, rules):
    assert failed(password) == rules


@pytest.mark.parametrize("password", ["Azertyuiop1", "Password2024", "Qwertyuiop12", "1Motdepasse"])
def test_common_passwords_are_refused_even_dressed_up(password):
    assert failed(password) == {"common"}


def test_the_common_rule_can_be_switched_off_and_lengths_are_configuration():
    policy = PasswordPolicy(min_length=12, max_length=20, refuse_common=False)

    checklist = policy.check("Azertyuiop12")

    assert [r.rule for r in checklist.rules] == ["length", "digit", "lower", "upper", "alnum"]
    assert checklist.rules[0].label == "12 à 20 caractères"
    assert checklist.valid
