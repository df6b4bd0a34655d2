"""Linking by one password login: the pending link a ``link_required`` callback offered is
consumed by the next successful ``login(..., franceconnect_link=token)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from eventsourcing.persistence import IntegrityError

from shared.runtime.clock import Clock

from ..domain import Account, FranceConnectLink, PendingLink, record_id
from ..sessions import SessionTokens
from ..store import IdentityStore
from . import outcomes
from .tokens import digest


@dataclass
class PendingLinks:
    store: IdentityStore
    clock: Clock
    tokens: SessionTokens

    def link_after_login(self, link_token: str, login_result: dict[str, Any]) -> dict[str, Any]:
        """After ``login(..., franceconnect_link=token)``: links the pending FranceConnect
        identity to the account that just logged in with its password.

        >>> franceconnect.link_after_login(token, login_answer)   # doctest: +SKIP
        {"outcome": "linked", "message": "Votre compte est désormais associé à FranceConnect."}
        """
        session = login_result.get("session")
        if login_result.get("outcome") != "ok" or not session:
            return outcomes.link_result("not_logged_in")  # the token stays usable
        claims = self.tokens.read(session["token"], self.clock.now())
        pending = self.store.find(record_id("pending", digest(link_token)))
        now = self.clock.now()
        if claims is None or not isinstance(pending, PendingLink):
            return outcomes.link_result("link_invalid")
        if pending.used_at is not None or now >= pending.expires_at:
            return outcomes.link_result("link_invalid")
        existing = self.store.find(record_id("link", pending.sub_key))
        if isinstance(existing, FranceConnectLink):
            same = existing.account_id == claims.account_id
            return outcomes.link_result("already_linked" if same else "linked_elsewhere")
        account = cast(Account, self.store.get(claims.account_id))
        if not self.same_birthdate(account, pending):
            return outcomes.link_result("identity_mismatch")
        pending.use(account_id=account.id, at=now)
        link = FranceConnectLink(
            id=record_id("link", pending.sub_key),  # type: ignore[call-arg]
            account_id=account.id,
            sub_key=pending.sub_key,
            via="password_login",
            at=now,
        )
        try:
            self.store.save(pending, link)
        except IntegrityError:  # the same token, or the same sub, at once elsewhere
            return outcomes.link_result("link_invalid")
        return outcomes.link_result("linked")

    @staticmethod
    def same_birthdate(account: Account, pending: PendingLink) -> bool:
        """Against login CSRF (someone else's pending token presented by this browser): the
        FranceConnect identity and the account must at least share the birth date."""
        civil = account.civil_status.value
        certified = pending.birthdate.value
        if not isinstance(civil, dict) or not isinstance(certified, str):
            return False
        return bool(certified == civil.get("birth_date"))
