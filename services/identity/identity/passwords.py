"""The password policy for every new password, and its per-rule checklist (spec §4).

The portal shows one bubble per rule turning green as the person types; the labels are the
agency's own words. The policy is configuration: lengths and the common-password rule come from
the settings, the rule set is fixed.

>>> PasswordPolicy().check("Bonjour2024Caf").valid
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

_ASCII_ALNUM = re.compile(r"^[A-Za-z0-9]*$")
_EDGE_DIGITS = re.compile(r"^\d*(.*?)\d*$")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    ok: bool
    label: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "ok": self.ok, "label": self.label}


@dataclass(frozen=True)
class Checklist:
    rules: tuple[RuleResult, ...]

    @property
    def valid(self) -> bool:
        return all(result.ok for result in self.rules)

    @property
    def failed(self) -> list[RuleResult]:
        return [result for result in self.rules if not result.ok]

    def as_dict(self) -> dict[str, object]:
        return {"valid": self.valid, "rules": [result.as_dict() for result in self.rules]}


@cache
def _common_passwords(size: int) -> frozenset[str]:
    # zxcvbn ships the most frequent leaked passwords, most frequent first.
    return frozenset(FREQUENCY_LISTS["passwords"][:size])


@dataclass(frozen=True)
class PasswordPolicy:
    """Rules for a new password (registration, reset, change); never applied at login.

    ``refuse_common``: refuse a password that is, or is built on, one of the ``common_list_size``
    most frequent leaked passwords ("Azertyuiop1", "Marseille2024").
    """

    min_length: int = 10
    max_length: int = 64
    refuse_common: bool = True
    common_list_size: int = 30000

    def check(self, password: str) -> Checklist:
        """The checklist of ``password``: ``PasswordPolicy().check("abc").valid`` is False."""
        rules = [
            RuleResult(
                "length",
                self.min_length <= len(password) <= self.max_length,
                f"{self.min_length} à {self.max_length} caractères",
            ),
            RuleResult("digit", any(c in "0123456789" for c in password), "1 chiffre"),
            RuleResult("lower", any("a" <= c <= "z" for c in password), "1 lettre minuscule"),
            RuleResult("upper", any("A" <= c <= "Z" for c in password), "1 lettre majuscule"),
            RuleResult(
                "alnum",
                bool(password) and bool(_ASCII_ALNUM.match(password)),
                "chiffres et lettres uniquement",
            ),
        ]
        if self.refuse_common:
            rules.append(
                RuleResult("common", not self.is_common(password), "mot de passe courant refusé")
            )
        return Checklist(tuple(rules))

    def is_common(self, password: str) -> bool:
        common = _common_passwords(self.common_list_size)
        lowered = password.lower()
        core = _EDGE_DIGITS.match(lowered)
        stem = core.group(1) if core else lowered
        return lowered in common or (len(stem) >= 4 and stem in common)
