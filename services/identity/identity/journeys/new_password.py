"""The check every command that sets a password makes first (spec §7): the policy, then the
confirmation. Registration, password reset and "Modifier mon mot de passe" call it themselves,
so the application never trusts its caller to have checked."""

from __future__ import annotations

from shared.runtime.rpc import InvalidInput

from ..passwords import PasswordPolicy


def require_new_password(policy: PasswordPolicy, password: str, confirmation: str) -> None:
    """InvalidInput ``password_policy`` (with the checklist) or ``password_confirmation``."""
    checklist = policy.check(password)
    if not checklist.valid:
        raise InvalidInput(
            code="password_policy",
            message="Le mot de passe ne respecte pas les règles.",
            fields={"password": [rule.label for rule in checklist.failed]},
            # Rule names only: nameko turns booleans in an error's detail into strings.
            failed_rules=[rule.rule for rule in checklist.failed],
        )
    if password != confirmation:
        raise InvalidInput(
            code="password_confirmation",
            fields={"confirmation": ["Les deux mots de passe ne sont pas identiques."]},
        )
