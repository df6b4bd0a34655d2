"""What every FranceConnect journey stands on: the configuration and the provider client.

Every failure is an outcome (``docs/franceconnect.md``), never an exception. FranceConnect
logins do not touch the lockout ladder: no password is checked, nothing is counted or reset.
"""

from __future__ import annotations

import secrets

from shared.runtime.clock import Clock

from ..my_account import MyAccountCommands
from ..settings import IdentitySettings
from .config import FranceConnectConfig
from .provider import ProviderClient


def random_token() -> str:
    """43 URL-safe characters, 256 bits from the CSPRNG (state, nonce, link token)."""
    return secrets.token_urlsafe(32)


class FranceConnectCore(MyAccountCommands):
    def __init__(
        self,
        settings: IdentitySettings,
        clock: Clock | None = None,
        env: dict[str, str] | None = None,
    ):
        super().__init__(settings, clock=clock, env=env)
        self.franceconnect = FranceConnectConfig.from_settings(settings)
        self.franceconnect_provider = ProviderClient(self.franceconnect, self.clock)
