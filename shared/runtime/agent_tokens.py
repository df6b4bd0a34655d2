"""Agents' access tokens for back-office methods (SPEC §16): who the agent is, checked per call.

The agent logs in to the back-office client of the agency's identity provider (its own, or
ProConnect) at a multi-factor level; per call the back-office side holds an **access token for
the target service** (JWT profile of RFC 9068, ``typ: at+jwt``), issued by the agency's
authorization server with the agent's roles from the agency's own role table. Each service
checks it here: signature (the issuer's JWKS, cached), issuer, audience (the service's name),
expiry, a lifetime of 5 minutes at most, the ``acr`` when a list is configured, and that one of
its roles allows the method (``AGENT_ROLE_METHODS``). An ID token (``typ`` other than
``at+jwt``) is refused. The operator recorded in events is the token's, never an argument.

>>> verifier.verify(token, "identity", "update_contacts")   # doctest: +SKIP
Agent(subject='a-7f3c…', name='Claire DUPONT', roles=('contacts',))
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .rpc import InvalidInput

ACCESS_TOKEN_TYPES = ("at+jwt", "application/at+jwt")
MAX_LIFETIME_S = 300
JWKS_CACHE_S = 600
JWKS_REFRESH_S = 30  # at most one refetch per 30 s, however many forged tokens
ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]


def AgentUnauthorized(reason: str) -> InvalidInput:  # noqa: N802  (raised like a class)
    """The stable refusal, the one error type of the RPC edge: ``code`` ``agent_unauthorized``,
    ``reason`` says which check failed (missing, malformed, signature, issuer, audience,
    expired, lifetime, not_an_access_token, acr, role, not_configured)."""
    return InvalidInput(
        code="agent_unauthorized",
        message="Appel réservé à un agent authentifié et habilité.",
        fields={"agent_token": [reason]},
        reason=reason,
    )


@dataclass(frozen=True)
class Agent:
    subject: str
    name: str
    roles: tuple[str, ...]
    agency: str = ""  # the token's ``agency`` claim (« Caf de Paris »), if any

    @property
    def operator(self) -> str:
        """What events record as the operator: the agent's name and subject."""
        if self.name == self.subject:
            return self.subject
        return f"{self.name} ({self.subject})"[:64]


@dataclass(frozen=True)
class AgentTokenPolicy:
    issuer: str
    jwks_uri: str
    role_methods: dict[str, list[str]]  # role -> ["identity.update_contacts", …]
    acr_values: tuple[str, ...] = ()


class AgentTokenVerifier:
    def __init__(self, policy: AgentTokenPolicy, fetch_timeout_s: float = 5.0):
        self.policy = policy
        self.fetch_timeout_s = fetch_timeout_s
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def verify(self, token: Any, service: str, method: str, now: datetime) -> Agent:
        """The agent behind ``token`` if it may call ``service.method`` now; else
        :class:`AgentUnauthorized`."""
        if not isinstance(token, str) or not token:
            raise AgentUnauthorized("missing")
        if len(token) > 8192:
            raise AgentUnauthorized("malformed")
        decoded = self._decode(token)
        header, claims = decoded.header, decoded.claims
        if str(header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
            raise AgentUnauthorized("not_an_access_token")
        if claims.get("iss") != self.policy.issuer:
            raise AgentUnauthorized("issuer")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if audiences != [service]:
            raise AgentUnauthorized("audience")
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            raise AgentUnauthorized("malformed")
        if exp <= now.timestamp():
            raise AgentUnauthorized("expired")
        if exp - iat > MAX_LIFETIME_S:
            raise AgentUnauthorized("lifetime")
        if self.policy.acr_values and claims.get("acr") not in self.policy.acr_values:
            raise AgentUnauthorized("acr")
        roles = tuple(str(r) for r in claims.get("roles", []) if isinstance(r, str))
        wanted = f"{service}.{method}"
        if not any(wanted in self.policy.role_methods.get(role, []) for role in roles):
            raise AgentUnauthorized("role")
        subject = str(claims.get("sub") or "")
        if not subject:
            raise AgentUnauthorized("malformed")
        agency = claims.get("agency")
        return Agent(
            subject=subject,
            name=str(claims.get("name") or subject),
            roles=roles,
            agency=agency[:120] if isinstance(agency, str) else "",
        )

    def allows(self, agent: Agent, service: str, method: str) -> bool:
        """Whether one of the agent's roles allows ``service.method`` (also a pseudo-method,
        such as ``identity.view_full_contacts``)."""
        wanted = f"{service}.{method}"
        return any(wanted in self.policy.role_methods.get(role, []) for role in agent.roles)

    def _decode(self, token: str) -> Any:
        try:
            return jwt.decode(token, self._key_set(refresh=False), algorithms=ALGORITHMS)
        except (JoseError, ValueError):
            pass  # perhaps a key the issuer rotated in: fetch the JWKS again (rate-limited)
        try:
            return jwt.decode(token, self._key_set(refresh=True), algorithms=ALGORITHMS)
        except JoseError:
            raise AgentUnauthorized("signature") from None
        except ValueError:
            raise AgentUnauthorized("malformed") from None

    def _key_set(self, refresh: bool) -> KeySet:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if self._keys is None or age > JWKS_CACHE_S or (refresh and age > JWKS_REFRESH_S):
                try:
                    answer = requests.get(self.policy.jwks_uri, timeout=self.fetch_timeout_s)
                    answer.raise_for_status()
                    self._keys = KeySet.import_key_set(answer.json())
                    self._fetched_at = time.monotonic()
                except (requests.RequestException, ValueError):
                    if self._keys is None:
                        raise AgentUnauthorized("not_configured") from None
            return self._keys
