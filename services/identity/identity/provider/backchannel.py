"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0, issue #34): when a portal session
ends, every application that got tokens from it (``sid``) is told, server to server.

A :class:`BackchannelLogout` is one logout due to one client for one session: recorded in the
same transaction as the session's end (an effect through the outbox like any other: the relay
publishes ``BackchannelLogoutDue``), then ``Delivered`` once the client's
``backchannel_logout_uri`` answered 2xx (the gateway's sender, gateway/oidc/backchannel.py,
signs the logout token and records it here). Its id derives from the session and the client:
one logout per client per session, however many ways the session was ended.

What ends a session (every path identity has; :func:`logouts_due` reads them off the
aggregates being saved, so a new path that records one of them is covered too):

- :class:`RevokedSession` (a logout, the portal's or FranceConnect's): that session;
- :class:`SessionsCutoff` (« se déconnecter de tous les appareils », an agent's "end
  sessions"): every session opened at or before the cut-off;
- :class:`SessionRevocations` (a password reset or change, a NIR attribution, an erasure):
  every session of an older generation, but the one kept.

Pure aggregate and pure functions: the caller gives the time and a way to read the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.runtime.clock import Clock
from shared.runtime.eventstore import Decided

from ..domain import RevokedSession, SessionRevocations, SessionsCutoff
from ..sessions import SessionClaims
from ..store import IdentityStore
from .families import ApplicationLogins, TokenFamily

BACKCHANNEL_NAMESPACE = uuid.UUID("9b1e4c7a-3d52-4f08-b6a1-7e2c5d9f0a34")

#: what ended the session, as the logout records it
CAUSE_LOGOUT = "logout"
CAUSE_ALL_DEVICES = "all_devices"


class BackchannelLogout(Aggregate):
    """A logout token due to one client for one ended portal session, until delivered."""

    id: uuid.UUID  # given by the caller: id_for(session_id, client_id)

    @staticmethod
    def id_for(session_id: str, client_id: str) -> uuid.UUID:
        return uuid.uuid5(BACKCHANNEL_NAMESPACE, f"{session_id}|{client_id}")

    @event("Due")
    def __init__(
        self,
        *,
        client_id: str,
        account_id: str,
        session_id: str,
        subject: str,
        families: list[str],
        cause: str,
        at: datetime,
    ) -> None:
        self.client_id = client_id
        self.account_id = account_id
        self.session_id = session_id
        self.subject = subject  # the person's sub at that client (pairwise where applicable)
        self.families = list(families)
        self.cause = cause
        self.due_at = at
        self.delivered_at: datetime | None = None
        self.jti: str | None = None

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    def deliver(self, jti: str, at: datetime) -> bool:
        """The client answered 2xx to the logout token ``jti``: never sent again. False when
        it was delivered already (a sender that crashed before its acknowledgement)."""
        if self.delivered:
            return False
        self._delivered(jti=jti, at=at)
        return True

    @event("Delivered")
    def _delivered(self, jti: str, at: datetime) -> None:
        self.delivered_at = at
        self.jti = jti


Find = Callable[[uuid.UUID], Any]
Ends = Callable[[SessionClaims], bool]


def _ending(aggregate: Any) -> tuple[uuid.UUID, str, Ends] | None:
    """Whether saving ``aggregate`` ends sessions: its account, the cause, which sessions."""
    pending = list(getattr(aggregate, "pending_events", ()))
    if not pending:
        return None
    if isinstance(aggregate, RevokedSession):
        session_id = str(aggregate.id)
        return aggregate.account_id, CAUSE_LOGOUT, lambda c: c.session_id == session_id
    if isinstance(aggregate, SessionsCutoff):
        cutoff = aggregate.at
        return aggregate.account_id, CAUSE_ALL_DEVICES, lambda c: c.auth_time <= cutoff
    if isinstance(aggregate, SessionRevocations):
        revoked = [e for e in pending if hasattr(e, "cause")]
        if not revoked:
            return None  # only opened
        return (
            aggregate.account_id,
            str(revoked[-1].cause),
            lambda c: aggregate.revokes(c.generation, c.session_id),
        )
    return None


def logouts_due(
    find: Find,
    saving: Iterable[Any],
    now: datetime,
    max_lifetime: timedelta,
    claims_of: Callable[[dict[str, Any]], SessionClaims],
) -> list[BackchannelLogout]:
    """The logouts the sessions ended by ``saving`` owe their applications (save them with it).

    Only the account's application logins of the last ``max_lifetime`` are looked at (an older
    session is over anyway), one logout per session and client: a family its client revoked
    itself (RFC 7009) asks for none, and a logout already recorded is not recorded again."""
    due: dict[uuid.UUID, BackchannelLogout] = {}
    for aggregate in saving:
        ending = _ending(aggregate)
        if ending is None:
            continue
        account_id, cause, ends = ending
        logins: ApplicationLogins | None = find(ApplicationLogins.id_for(str(account_id)))
        if logins is None:
            continue
        families: dict[uuid.UUID, tuple[TokenFamily, list[str]]] = {}
        for login in logins.logins:
            if login["at"] < now - max_lifetime:
                continue
            family: TokenFamily | None = find(uuid.UUID(login["family_id"]))
            if family is None or family.end_reason == "revoked":
                continue
            claims = claims_of(family.session)
            if claims.auth_time < now - max_lifetime or not ends(claims):
                continue
            logout_id = BackchannelLogout.id_for(claims.session_id, family.client_id)
            if logout_id in due or find(logout_id) is not None:
                continue
            kept = families.setdefault(logout_id, (family, []))
            kept[1].append(login["family_id"])
        for logout_id, (family, family_ids) in families.items():
            due[logout_id] = BackchannelLogout(  # type: ignore[call-arg]
                client_id=family.client_id, account_id=str(account_id),
                session_id=family.session["session_id"], subject=family.subject,
                families=family_ids, cause=cause, at=now, id=logout_id,
            )  # fmt: skip
    return list(due.values())


@dataclass
class Backchannel:
    """What the gateway's sender asks of a logout due (RPC ``oidc_backchannel_logout`` and
    ``oidc_logout_delivered``)."""

    store: IdentityStore
    clock: Clock

    def logout(self, logout_id: uuid.UUID) -> dict[str, Any]:
        """What to sign: ``{"outcome": "due", "client_id", "sid", "sub"}``; or ``{"outcome":
        "delivered"}`` (never again) or ``{"outcome": "unknown"}``."""
        found = self.store.find(logout_id)
        if not isinstance(found, BackchannelLogout):
            return {"outcome": "unknown"}
        if found.delivered:
            return {"outcome": "delivered"}
        return {"outcome": "due", "client_id": found.client_id, "sid": found.session_id,
                "sub": found.subject}  # fmt: skip

    def delivered(self, logout_id: uuid.UUID, jti: str) -> dict[str, Any]:
        """The client answered 2xx: ``{"outcome": "recorded" | "already" | "unknown"}``."""

        def decide() -> Decided[dict[str, Any]]:
            found = self.store.find(logout_id)
            if not isinstance(found, BackchannelLogout):
                return Decided({"outcome": "unknown"})
            if not found.deliver(jti, self.clock.now()):
                return Decided({"outcome": "already"})
            return Decided({"outcome": "recorded"}, found)

        answer: dict[str, Any] = self.store.save_with_retry(decide)
        return answer
