"""Password hashes: argon2id, parameters from configuration, same cost for unknown identifiers.

A login for an identifier without an account verifies the password against a dummy hash made
with the same parameters, so the answer takes as long as for a wrong password (spec §4, §5).
``offload`` runs the hashing somewhere that does not block the service (eventlet's thread pool
in the service; a plain call in unit tests).

>>> hasher = PasswordHasher(memory_kib=8, time_cost=1)
>>> hasher.verify(hasher.hash("Bonjour2024Caf"), "Bonjour2024Caf")
True
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")

# OWASP's minimum for argon2id (2023 cheat sheet): 19 MiB, 2 iterations, 1 lane.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


def _call(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


class PasswordHasher:
    def __init__(
        self,
        memory_kib: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
        offload: Callable[..., Any] = _call,
    ):
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            type=argon2.Type.ID,
        )
        self._offload = offload
        # Same parameters as real hashes: verifying against it costs what a real check costs.
        self._dummy = self._argon2.hash(secrets.token_urlsafe(16))

    def offload_to(self, offload: Callable[..., Any]) -> None:
        """Where hashing runs from now on (the service: eventlet's thread pool)."""
        self._offload = offload

    def hash(self, password: str) -> str:
        """``hasher.hash("Bonjour2024Caf")`` -> "$argon2id$v=19$m=19456,t=2,p=1$…"."""
        return str(self._offload(self._argon2.hash, password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True if ``password`` matches; ``password_hash=None`` (no account) costs the same."""
        target = password_hash or self._dummy
        try:
            ok = bool(self._offload(self._argon2.verify, target, password))
        except (VerificationError, InvalidHashError):
            ok = False
        return ok and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the stored hash was made with other parameters than today's."""
        return bool(self._argon2.check_needs_rehash(password_hash))
