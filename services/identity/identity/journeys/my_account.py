""" "Gérer Mon Compte" (spec §10): the summary, "Mon historique", "Modifier mon mot de passe".

Every call needs a live session (:meth:`Sessions.live`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.identifiers import Identifier
from shared.privacy.buckets import readable_until
from shared.privacy.retention import ROWS
from shared.runtime.clock import Clock
from shared.runtime.settings import ServiceSettings

from .. import messages
from ..domain import Account
from ..lockout_port import LockoutPort
from ..password_hashing import PasswordHasher
from ..passwords import PasswordPolicy
from ..store import IdentityStore
from .agent_history import agent_entries
from .current_password import current_password_check
from .new_password import require_new_password
from .sessions import Sessions


@dataclass
class MyAccount:
    store: IdentityStore
    clock: Clock
    sessions: Sessions
    hasher: PasswordHasher
    passwords: PasswordPolicy
    history_limit: int
    settings: ServiceSettings  # how long connection sources are kept (the retention table)

    def change_password(
        self,
        token: str,
        current_password: str,
        password: str,
        confirmation: str,
        lockout: LockoutPort,
        captcha: dict[str, str] | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """While logged in ("Modifier mon mot de passe"); the current password goes through
        the same lockout ladder as a login (a stolen session must not allow guessing), with the
        login's answers: ``captcha_required``, ``frozen`` (time left), ``invalid_current_password``
        (attempts left). The check is keyed by ``request_id``: a redelivery counts once.

        >>> my_account.change_password(token, "Bonjour2024Caf", new, new, lockout)  # doctest: +SKIP
        {"outcome": "changed", "message": "Nouveau mot de passe enregistré", …}
        """
        claims = self.sessions.live(token)
        require_new_password(self.passwords, password, confirmation)
        account: Account = self.store.get(claims.account_id)
        check = current_password_check(
            self.hasher, account, current_password, lockout, captcha, request_id
        )
        if not check.passed:
            return check.answer
        new_hash = self.hasher.hash(password)

        def change() -> list[Any]:
            current: Account = self.store.get(claims.account_id)
            current.change_password(
                password_hash=self.store.personal(current.id, new_hash),
                reason="change",
                at=self.clock.now(),
            )
            # The other sessions end; the one that made the change stays.
            ended = self.store.revoke_sessions(
                current.id, "password_change", keep=claims.session_id
            )
            return [current, ended]

        self.store.save_with_retry(change)
        return {"outcome": "changed", **check.answer, "message": messages.NEW_PASSWORD_SAVED}

    def summary(self, token: str) -> dict[str, Any]:
        """The home page's "Mon profil" and "dernière connexion" line."""
        claims = self.sessions.live(token)
        account: Account = self.store.get(claims.account_id)
        last = account.last_login_before(claims.session_id)
        return {
            "account_id": str(account.id),
            "identifier_display": identifier_display(account),
            "identifier_kind": account.identifier_kind,
            "limited_access": account.is_provisional,  # file not yet affiliated
            "civil_status": account.civil_status.value,
            "contact": account.contact.value,
            "supporting_documents_required": account.supporting_documents_required,
            "last_login_at": last.isoformat() if last else None,
        }

    def history(self, token: str) -> list[dict[str, Any]]:
        """ "Mon historique", newest first: connections ``{"kind": "connection", "at",
        "method", "outcome", "source", "source_kept_until", "source_kept_for"}`` and agents'
        look-ups and actions ``{"kind": "agent_lookup" | "agent_action", "at", "agency",
        "reason", "action", "agent_name"}`` (journeys/agent_console.py). A source past its
        retention (docs/privacy.md) is ``None``: only what is still kept is shown."""
        claims = self.sessions.live(token)
        account: Account = self.store.get(claims.account_id)
        return self.history_of(account)

    def history_of(self, account: Account) -> list[dict[str, Any]]:
        """An account's « Mon historique » (also what the agents' console shows)."""
        entries = account.history[-self.history_limit :]
        sources = ROWS["connection_sources"]
        kept_for = sources.duration(self.settings)
        assert kept_for is not None
        now = self.clock.now()
        agents = agent_entries(account, self.settings)[: self.history_limit]
        # An agent's change of contacts is also a connection-history line of its own (older
        # accounts): shown once, as the agent's action, when that is recorded.
        by_agents = {entry["at"] for entry in agents}
        history = []
        for entry in reversed(entries):
            if entry["method"] == "agent" and entry["at"].isoformat() in by_agents:
                continue
            until = readable_until(entry["at"], kept_for)
            source = entry["source"]
            shown = source.value if source and until > now else None
            history.append(
                {
                    "kind": "connection",
                    "at": entry["at"].isoformat(),
                    "method": entry["method"],
                    "outcome": entry["outcome"],
                    "source": shown,
                    "source_kept_until": until.isoformat() if shown else None,
                    "source_kept_for": sources.kept_for(self.settings),
                }
            )
        merged = sorted(
            history + agents, key=lambda e: datetime.fromisoformat(e["at"]), reverse=True
        )
        return merged


def identifier_display(account: Account) -> str | None:
    value = account.identifier.value
    if value is None:
        return None
    return Identifier(account.identifier_kind, value).display  # type: ignore[arg-type]
