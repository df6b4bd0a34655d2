"""Logout from a FranceConnect session: here (the session is revoked) and at FranceConnect
(the end-session URL with ``id_token_hint``, ``state`` and ``post_logout_redirect_uri``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from shared.runtime.clock import Clock

from ..domain import FranceConnectSession, record_id
from ..journeys.sessions import Sessions
from ..sessions import SessionTokens
from ..store import IdentityStore
from .config import FranceConnectConfig
from .provider import ProviderClient, ProviderError
from .tokens import random_token


@dataclass
class FranceConnectLogout:
    store: IdentityStore
    clock: Clock
    tokens: SessionTokens
    sessions: Sessions
    config: FranceConnectConfig
    provider: ProviderClient

    def logout(self, token: str) -> dict[str, Any]:
        """Ends the session here and gives the URL that ends it at FranceConnect:
        ``{"outcome": "logged_out", "logout_url": "https://…/session/end?id_token_hint=…",
        "state": …}`` (``logout_url`` None when the session did not come from FranceConnect)."""
        claims = self.tokens.read(token, self.clock.now())
        result: dict[str, Any] = {**self.sessions.logout(token), "logout_url": None, "state": None}
        if claims is None or not self.config.enabled:
            return result
        opened = self.store.find(record_id("session", claims.session_id))
        if not isinstance(opened, FranceConnectSession) or opened.ended_at is not None:
            return result
        try:
            endpoint = self.provider.metadata().end_session_endpoint
        except ProviderError:
            endpoint = None
        if not endpoint or opened.id_token.erased:
            return result
        state = random_token()
        opened.end(at=self.clock.now())
        self.store.save(opened)
        query = {"id_token_hint": opened.id_token.value, "state": state}
        if self.config.post_logout_redirect_uri:
            query["post_logout_redirect_uri"] = self.config.post_logout_redirect_uri
        return {**result, "logout_url": f"{endpoint}?{urlencode(query)}", "state": state}
