"""The identity application: the bounded context of logins, accounts and their journeys.

Each journey is a mixin in its own module; this class only assembles them and names what the
outbox relay publishes.

>>> app = IdentityApplication(IdentitySettings.from_env("identity"))   # doctest: +SKIP
>>> app.check_password("Bonjour2024Caf")["valid"]                       # doctest: +SKIP
True
"""

from __future__ import annotations

from typing import Any

from .back_office import BackOfficeCommands
from .franceconnect.commands import FranceConnectCommands
from .franceconnect.integration import integration_event as franceconnect_event
from .identifier_recovery import IdentifierRecoveryCommands
from .integration import integration_event
from .login import LoginCommands
from .my_account import MyAccountCommands
from .password_reset import PasswordResetCommands
from .registration import RegistrationCommands
from .retention import expire
from .session_lifecycle import SessionLifecycleCommands


class IdentityApplication(
    # First: it extends MyAccountCommands (logout), which must come after it in the MRO.
    FranceConnectCommands,
    RegistrationCommands,
    LoginCommands,
    SessionLifecycleCommands,
    MyAccountCommands,
    PasswordResetCommands,
    IdentifierRecoveryCommands,
    BackOfficeCommands,
):
    # Set here, not only on IdentityCore: eventsourcing names each subclass after its class
    # unless it says otherwise, and the name is the store's schema, tables and relay producer.
    name = "identity"

    def check_password(self, password: str) -> dict[str, Any]:
        """The per-rule checklist: ``{"valid": False, "rules": [{"rule": "length", "ok": …,
        "label": "10 à 64 caractères"}, …]}``."""
        return self.password_policy.check(password).as_dict()

    def expire_retention(self) -> dict[str, int]:
        """Expires identity's rows of the retention table: counts by category (never content).

        >>> app.expire_retention()   # doctest: +SKIP
        {'connection_sources': 1, 'agent_actions': 0, 'unfinished_registrations': 2}
        """
        return expire(self)

    def integration_event(self, domain_event: Any) -> tuple[str, dict[str, Any]] | None:
        return franceconnect_event(domain_event) or integration_event(domain_event)
