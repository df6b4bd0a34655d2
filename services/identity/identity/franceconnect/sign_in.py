"""Signing in with a verified FranceConnect identity: by its link, by a unique match of the
pivot identity (rules in :mod:`.pivot`), or not at all (a pending link is offered).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from eventsourcing.persistence import IntegrityError

from shared.runtime.clock import Clock

from ..domain import (
    Account,
    CivilStatusIndex,
    FranceConnectLink,
    FranceConnectSession,
    PendingLink,
    record_id,
)
from ..sessions import SessionTokens
from ..store import IdentityStore
from . import outcomes
from .config import FranceConnectConfig
from .pivot import PivotIdentity, decide
from .tokens import digest, random_token


@dataclass
class SignIn:
    store: IdentityStore
    clock: Clock
    tokens: SessionTokens
    config: FranceConnectConfig

    def sign_in_or_offer_link(
        self,
        sub: str,
        userinfo: dict[str, Any],
        id_token: str,
        source: dict[str, str] | None,
    ) -> dict[str, Any]:
        sub_key = self.store.pseudonyms.of("franceconnect", sub)
        link = self.store.find(record_id("link", sub_key))
        if isinstance(link, FranceConnectLink):
            return self.sign_in(link.account_id, id_token, source, new_link=None)
        pivot = PivotIdentity.from_claims(userinfo)
        account_id = self.matching_account(pivot) if pivot else None
        if account_id is None:
            return self.offer_link(sub_key, pivot)
        new_link = FranceConnectLink(
            id=record_id("link", sub_key),  # type: ignore[call-arg]
            account_id=account_id,
            sub_key=sub_key,
            via="civil_status",
            at=self.clock.now(),
        )
        return self.sign_in(account_id, id_token, source, new_link=new_link)

    def matching_account(self, pivot: PivotIdentity) -> uuid.UUID | None:
        """The one account the pivot identity designates (rules in :mod:`.pivot`), or None."""
        index_id = self.store.civil_index_id(pivot.family_name, pivot.given_name, pivot.birthdate)
        index = cast(CivilStatusIndex | None, self.store.find(index_id))
        judgements: dict[uuid.UUID, str] = {}
        for account_id in index.account_ids if index else []:
            account = cast(Account, self.store.get(account_id))
            civil, identifier = account.civil_status.value, account.identifier.value
            if account.civil_status.erased or not isinstance(civil, dict):
                continue
            nir = identifier if account.identifier_kind == "nir" else None
            judgements[account_id] = pivot.judge(civil, nir)
        return cast(uuid.UUID | None, decide(judgements))

    def sign_in(
        self,
        account_id: uuid.UUID,
        id_token: str,
        source: dict[str, str] | None,
        new_link: FranceConnectLink | None,
    ) -> dict[str, Any]:
        """A session with ``auth_method="franceconnect"``, the connection recorded in the
        history; the lockout ladder is left as it is (no password was involved)."""
        now = self.clock.now()
        account = cast(Account, self.store.get(account_id))
        session = self.tokens.issue(
            account_id=account_id,
            identifier_kind=account.identifier_kind,
            auth_method="franceconnect",
            now=now,
            generation=self.store.session_generation(account_id),
        )
        source_key = (
            self.store.pseudonyms.of("source", source["ip"])
            if source and source.get("ip")
            else None
        )

        def record() -> list[Any]:
            current = cast(Account, self.store.get(account_id))
            current.record_login(
                at=now,
                method="franceconnect",
                source=self.store.expiring(account_id, source, "connection_sources", now)
                if source
                else None,
                source_key=self.store.expiring(account_id, source_key, "connection_sources", now)
                if source_key
                else None,
                session_id=session.session_id,
            )
            opened = FranceConnectSession(
                id=record_id("session", session.session_id),  # type: ignore[call-arg]
                account_id=account_id,
                id_token=self.store.personal(account_id, id_token),
                at=now,
            )
            return [current, opened, new_link]

        try:
            self.store.save(*record())
        except IntegrityError:
            if new_link is not None and self.store.find(new_link.id) is not None:
                # Another callback linked this sub meanwhile: sign in by that link instead.
                winner = cast(FranceConnectLink, self.store.get(new_link.id))
                return self.sign_in(winner.account_id, id_token, source, new_link=None)
            self.store.save_with_retry(record)
        return outcomes.callback_result(
            "ok",
            linked_now=new_link is not None,
            message=outcomes.LINKED if new_link is not None else None,
            session={
                "token": session.token,
                "token_type": "Bearer",
                "expires_at": session.expires_at.isoformat(),
            },
        )

    def offer_link(self, sub_key: str, pivot: PivotIdentity | None) -> dict[str, Any]:
        """No single account: a link token the next password login may present."""
        link_token, now = random_token(), self.clock.now()
        pending_id = record_id("pending", digest(link_token))
        expires_at = now + self.config.link_lifetime
        self.store.save(
            PendingLink(
                id=pending_id,  # type: ignore[call-arg]
                sub_key=sub_key,
                birthdate=self.store.personal(pending_id, pivot.birthdate if pivot else None),
                created_at=now,
                expires_at=expires_at,
            )
        )
        return outcomes.callback_result(
            "link_required", link_token=link_token, link_expires_at=expires_at.isoformat()
        )
