"""What identity asks the lockout service (contracts.md), as a typed port.

In the service it is a nameko RPC proxy with a timeout; in unit tests an in-memory fake. Identity
never sends a plaintext identifier: only its keyed pseudonym.
"""

from __future__ import annotations

from typing import Any, Protocol


class LockoutPort(Protocol):
    def reserve_attempt(
        self,
        identifier_key: str,
        source_key: str | None = None,
        captcha_id: str | None = None,
        captcha_answer: str | None = None,
        source_partner: bool = False,
        request_id: str | None = None,
        successes: list[str] | None = None,
    ) -> dict[str, Any]:
        """``{"decision": "check" | "captcha_required" | "frozen" | "source_throttled", …}``:
        the state fields if the check fails, ``on_success`` (with ``check``), and
        ``granted_before`` (this request's check went to an earlier delivery of it).
        ``successes``: earlier checks of this identifier seen succeeding, settled first."""
        ...

    def report_attempt(self, reservation_id: str, succeeded: bool) -> dict[str, Any]:
        """The ladder after this attempt: failures, attempts_left, frozen_until, … (a login's
        check is settled by its event instead; see journeys/login.py)."""
        ...

    def note_lookup(
        self, identifier_key: str, source_key: str | None = None, source_partner: bool = False
    ) -> dict[str, Any]:
        """A lookup that may reveal an account counts on its source: ``{"source_throttled"}``."""
        ...

    def check_captcha(self, captcha_id: str, answer: str) -> dict[str, Any]:
        """``{"valid": bool}``; the captcha is consumed either way."""
        ...
