"""The FranceConnect journeys (spec §9), assembled: the trip (start, callback, sign in), the
link by one password login, the logout. Outcomes and rules: ``docs/franceconnect.md``.

Every failure is an outcome, never an exception. FranceConnect logins do not touch the lockout
ladder: no password is checked, nothing is counted or reset.
"""

from __future__ import annotations

from typing import Any

from shared.runtime.clock import Clock

from ..journeys.sessions import Sessions
from ..sessions import SessionTokens
from ..store import IdentityStore
from .config import FranceConnectConfig
from .linking import PendingLinks
from .logout import FranceConnectLogout
from .provider import ProviderClient
from .sign_in import SignIn
from .trip import FranceConnectTrip


class FranceConnect:
    """``app.franceconnect.start()``, ``.callback(code, state)``, ``.link_after_login(token,
    login_answer)``, ``.logout(token)``."""

    def __init__(
        self,
        store: IdentityStore,
        clock: Clock,
        tokens: SessionTokens,
        sessions: Sessions,
        config: FranceConnectConfig,
    ):
        self.config = config
        self.provider = ProviderClient(config, clock)
        self.trip = FranceConnectTrip(
            store, clock, config, self.provider, SignIn(store, clock, tokens, config)
        )
        self.links = PendingLinks(store, clock, tokens)
        self.logouts = FranceConnectLogout(store, clock, tokens, sessions, config, self.provider)

    def start(self, redirect_uri: str | None = None) -> dict[str, Any]:
        return self.trip.start(redirect_uri)

    def callback(
        self,
        code: str | None,
        state: str,
        error: str | None = None,
        iss: str | None = None,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        return self.trip.callback(code, state, error, iss, source)

    def link_after_login(self, link_token: str, login_result: dict[str, Any]) -> dict[str, Any]:
        return self.links.link_after_login(link_token, login_result)

    def logout(self, token: str) -> dict[str, Any]:
        return self.logouts.logout(token)
