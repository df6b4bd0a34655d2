"""The trip to FranceConnect and back: the authorization request (state and nonce, single
use, expiring), then the callback: code exchanged, ID token and userinfo verified, the person
signed in or offered a link (:mod:`.sign_in`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from eventsourcing.persistence import IntegrityError

from shared.runtime.clock import Clock
from shared.runtime.rpc import InvalidInput

from ..domain import AuthorizationRequest, record_id
from ..store import IdentityStore
from . import outcomes
from .config import FranceConnectConfig
from .provider import ProviderClient, ProviderError
from .sign_in import SignIn
from .tokens import IdTokenVerifier, TokenRejected, UserinfoVerifier, digest, random_token

log = logging.getLogger(__name__)


@dataclass
class FranceConnectTrip:
    store: IdentityStore
    clock: Clock
    config: FranceConnectConfig
    provider: ProviderClient
    signing_in: SignIn

    # -- start ----------------------------------------------------------------------------------

    def start(self, redirect_uri: str | None = None) -> dict[str, Any]:
        """``{"outcome": "redirect", "authorization_url": "https://…/authorize?…", "state": …}``;
        the gateway keeps ``state`` with the browser (cookie) and sends the person to the URL."""
        config = self.config
        if not config.enabled:
            return outcomes.start_result("unavailable")
        redirect = redirect_uri or config.default_redirect_uri
        if redirect not in config.redirect_uris:
            raise InvalidInput(
                code="redirect_uri_not_allowed",
                fields={"redirect_uri": ["Adresse de retour non déclarée à FranceConnect."]},
            )
        try:
            endpoint = self.provider.metadata().authorization_endpoint
        except ProviderError as error:
            log.warning("franceconnect start failed: %s", error.reason)
            return outcomes.start_result("provider_unavailable")
        state, nonce, now = random_token(), random_token(), self.clock.now()
        self.store.save(
            AuthorizationRequest(
                id=record_id("state", digest(state)),  # type: ignore[call-arg]
                nonce_hash=digest(nonce),
                redirect_uri=redirect,
                requested_at=now,
                expires_at=now + config.state_lifetime,
            )
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": config.client_id,
                "redirect_uri": redirect,
                "scope": config.scope,
                "acr_values": config.acr_values,
                "state": state,
                "nonce": nonce,
            }
        )
        return outcomes.start_result(
            "redirect", authorization_url=f"{endpoint}?{query}", state=state
        )

    # -- callback -------------------------------------------------------------------------------

    def callback(
        self,
        code: str | None,
        state: str,
        error: str | None = None,
        iss: str | None = None,
        source: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """What FranceConnect sent back to the redirect URI; answers like ``login``:
        ``{"outcome": "ok", "session": {…}, "linked_now": True, …}`` or another outcome."""
        config = self.config
        if not config.enabled:
            return outcomes.callback_result("unavailable")
        request, refusal = self.use_authorization_request(state)
        if request is None:
            return outcomes.callback_result("state_invalid", refusal)
        if error:
            cancelled = error == "access_denied"
            return outcomes.callback_result("cancelled" if cancelled else "provider_error", error)
        if iss is not None and iss != config.issuer:  # RFC 9207: a mix-up of providers
            return outcomes.callback_result("provider_error", "issuer")
        provider, keys = self.provider, self.provider.keys
        try:
            tokens = provider.exchange_code(str(code), request.redirect_uri)
            id_claims = IdTokenVerifier(config, keys).verify(
                tokens.id_token, request.nonce_hash, self.clock.now()
            )
        except ProviderError as failure:
            return self.provider_failure(failure)
        except TokenRejected as rejected:
            log.warning("franceconnect callback: ID token refused (%s)", rejected.reason)
            return outcomes.callback_result("id_token_invalid", rejected.reason)
        try:
            userinfo = UserinfoVerifier(config, keys).verify(
                *provider.userinfo(tokens.access_token), sub=id_claims["sub"]
            )
        except ProviderError as failure:
            return self.provider_failure(failure)
        except TokenRejected as rejected:
            log.warning("franceconnect callback: userinfo refused (%s)", rejected.reason)
            return outcomes.callback_result("userinfo_invalid", rejected.reason)
        return self.signing_in.sign_in_or_offer_link(
            id_claims["sub"], userinfo, tokens.id_token, source
        )

    @staticmethod
    def provider_failure(failure: ProviderError) -> dict[str, Any]:
        log.warning("franceconnect callback: provider %s", failure.reason)
        down = failure.reason == "unreachable"
        outcome = "provider_unavailable" if down else "provider_error"
        return outcomes.callback_result(outcome, failure.reason)

    def use_authorization_request(self, state: str) -> tuple[AuthorizationRequest | None, str]:
        """The request this state names, now spent; or None and why (unknown, expired, used)."""
        found = self.store.find(record_id("state", digest(state)))
        if not isinstance(found, AuthorizationRequest):
            return None, "unknown"
        now = self.clock.now()
        if found.used_at is not None:
            return None, "already_used"
        if now >= found.expires_at:
            return None, "expired"
        found.use(at=now)
        try:
            self.store.save(found)
        except IntegrityError:  # the same state came back twice at once: one wins
            return None, "already_used"
        return found, ""
