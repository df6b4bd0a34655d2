"""FranceConnect over HTTP: its discovery document and keys (fetched, cached), the token
endpoint (client secret) and the userinfo endpoint.

Every failure becomes a :class:`ProviderError` with a reason code; nothing here raises anything
else, and nothing here logs a code, a token or the client secret.

>>> client = ProviderClient(config, clock)                                  # doctest: +SKIP
>>> client.metadata().token_endpoint
'https://oidc.franceconnect.gouv.fr/api/v2/token'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from shared.runtime.clock import Clock

from .config import FranceConnectConfig


class ProviderError(Exception):
    """FranceConnect could not be used: ``unreachable`` (down, timeout), ``refused`` (an error
    answer, e.g. a code already used), or ``malformed`` (an answer we cannot read)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None

    @classmethod
    def from_document(cls, document: Any, expected_issuer: str) -> ProviderMetadata:
        if not isinstance(document, dict):
            raise ProviderError("malformed")
        # OpenID Connect Discovery §4.3: the document must name the issuer we asked.
        if document.get("issuer") != expected_issuer:
            raise ProviderError("issuer_mismatch")
        try:
            return cls(
                issuer=document["issuer"],
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                userinfo_endpoint=str(document["userinfo_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                end_session_endpoint=document.get("end_session_endpoint"),
            )
        except KeyError:
            raise ProviderError("malformed") from None


@dataclass(frozen=True)
class TokenResponse:
    id_token: str
    access_token: str


class ProviderClient:
    def __init__(
        self, config: FranceConnectConfig, clock: Clock, session: requests.Session | None = None
    ):
        self.config = config
        self.clock = clock
        self.http = session or requests.Session()
        self._metadata: tuple[datetime, ProviderMetadata] | None = None
        self._keys: tuple[datetime, KeySet] | None = None

    # -- discovery and keys (cached) -------------------------------------------------------------

    def metadata(self) -> ProviderMetadata:
        """The discovery document, fetched at most once per ``FRANCECONNECT_DISCOVERY_TTL_S``."""
        now = self.clock.now()
        if self._metadata and now - self._metadata[0] < self.config.discovery_ttl:
            return self._metadata[1]
        document = self._json(self._get(self.config.discovery_url))
        metadata = ProviderMetadata.from_document(document, self.config.issuer)
        self._metadata = (now, metadata)
        return metadata

    def keys(self, refresh: bool = False) -> KeySet:
        """FranceConnect's signing keys; ``refresh`` refetches them (a key rotation: a token
        signed with a key we have not seen yet)."""
        now = self.clock.now()
        if not refresh and self._keys and now - self._keys[0] < self.config.discovery_ttl:
            return self._keys[1]
        document = self._json(self._get(self.metadata().jwks_uri))
        try:
            public = [k for k in document["keys"] if k.get("kty") in ("EC", "RSA") and "d" not in k]
            keys = KeySet.import_key_set({"keys": public})
        except (JoseError, KeyError, TypeError, ValueError, AttributeError):
            raise ProviderError("malformed") from None
        self._keys = (now, keys)
        return keys

    # -- token and userinfo ---------------------------------------------------------------------

    def exchange_code(self, code: str, redirect_uri: str) -> TokenResponse:
        """The authorization code for tokens, authenticated by the client secret."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
        }
        try:
            response = self.http.post(
                self.metadata().token_endpoint,
                data=form,
                headers={"Accept": "application/json"},
                timeout=self.config.http_timeout_s,
            )
        except requests.RequestException:
            raise ProviderError("unreachable") from None
        if response.status_code >= 500:
            raise ProviderError("unreachable")
        if response.status_code != 200:
            raise ProviderError("refused")
        answer = self._json(response)
        id_token, access_token = answer.get("id_token"), answer.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise ProviderError("malformed")
        return TokenResponse(id_token=id_token, access_token=access_token)

    def userinfo(self, access_token: str) -> tuple[str, str]:
        """``(content type, body)``: FranceConnect v2 answers a signed JWT
        (``application/jwt``); plain JSON is accepted from providers that send it."""
        response = self._get(
            self.metadata().userinfo_endpoint,
            headers={"Authorization": f"Bearer {access_token}"},
        )
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return content_type, response.text

    # -- HTTP -----------------------------------------------------------------------------------

    def _get(self, url: str, headers: dict[str, str] | None = None) -> requests.Response:
        try:
            response = self.http.get(url, headers=headers, timeout=self.config.http_timeout_s)
        except requests.RequestException:
            raise ProviderError("unreachable") from None
        if response.status_code >= 500:
            raise ProviderError("unreachable")
        if response.status_code != 200:
            raise ProviderError("refused")
        return response

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            document = response.json()
        except ValueError:
            raise ProviderError("malformed") from None
        if not isinstance(document, dict):
            raise ProviderError("malformed")
        return document
