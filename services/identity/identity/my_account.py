"""Sessions and "Gérer Mon Compte": verify, log out, change the password, summary, history.

Every call but ``verify_session`` and ``logout`` needs a live session: a token that is forged,
expired or revoked is refused as bad input (``session_invalid``), nothing is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.identifiers import Identifier
from shared.privacy.buckets import readable_until
from shared.privacy.retention import ROWS
from shared.runtime.rpc import InvalidInput

from . import messages
from .core import IdentityCore
from .domain import Account
from .lockout_port import LockoutPort
from .login_records import RevokedSession
from .sessions import SessionClaims


class MyAccountCommands(IdentityCore):
    def session_keys(self) -> dict[str, Any]:
        """The JWKS that verifies session tokens: ``{"keys": [{"kty": "EC", "kid": …}]}``."""
        return self.sessions.jwks()

    def verify_session(self, token: str) -> dict[str, Any]:
        """``{"valid": True, "account_id": …, "identifier_kind": "nir", "auth_method":
        "password", "expires_at": "…"}``, or ``{"valid": False, "reason": …}``."""
        claims = self.sessions.read(token, self.clock.now())
        invalid = {"valid": False, "account_id": None, "identifier_kind": None,
                   "auth_method": None, "expires_at": None}  # fmt: skip
        if claims is None:
            return {**invalid, "reason": "invalid_or_expired"}
        if self.is_revoked(claims):
            return {**invalid, "reason": "revoked"}
        return {
            "valid": True,
            "reason": None,
            "account_id": str(claims.account_id),
            "identifier_kind": claims.identifier_kind,
            "auth_method": claims.auth_method,
            "expires_at": claims.expires_at.isoformat(),
        }

    def logout(self, token: str) -> dict[str, Any]:
        """Revokes the session (idempotent): ``{"outcome": "logged_out"}``."""
        claims = self.sessions.read(token, self.clock.now())
        if claims is not None and not self.is_revoked(claims):
            self.save(
                RevokedSession(
                    account_id=claims.account_id,
                    at=self.clock.now(),
                    expires_at=claims.expires_at,
                    id=self.revocation_id(claims),  # type: ignore[call-arg]  # eventsourcing's id=
                )
            )
        return {"outcome": "logged_out"}

    def change_password(
        self,
        token: str,
        current_password: str,
        password: str,
        lockout: LockoutPort,
        captcha: dict[str, str] | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """While logged in ("Modifier mon mot de passe"); the current password goes through
        the same lockout ladder as a login (a stolen session must not allow guessing). The
        check is keyed by ``request_id``: a redelivery is counted once on the ladder."""
        claims = self.live_session(token)
        account: Account = self.repository.get(claims.account_id)
        reservation = lockout.reserve_attempt(
            account.identifier_key,
            captcha_id=(captcha or {}).get("captcha_id"),
            captcha_answer=(captcha or {}).get("answer"),
            request_id=request_id,
        )
        if reservation["decision"] != "check":
            outcome = "frozen" if reservation["decision"] == "frozen" else "captcha_required"
            return {"outcome": outcome, **self.ladder(reservation), "message": None}
        ok = self.hasher.verify(account.password_hash.value, current_password)
        state = lockout.report_attempt(reservation["reservation_id"], ok)
        if not ok:
            return {
                "outcome": "invalid_current_password",
                **self.ladder(state),
                "message": "Le mot de passe actuel est incorrect.",
            }
        new_hash = self.hasher.hash(password)

        def change() -> list[Any]:
            current: Account = self.repository.get(claims.account_id)
            current.change_password(
                password_hash=self.personal(current.id, new_hash),
                reason="change",
                at=self.clock.now(),
            )
            # The other sessions end; the one that made the change stays.
            ended = self.revoke_sessions(current.id, "password_change", keep=claims.session_id)
            return [current, ended]

        self.save_with_retry(change)
        return {"outcome": "changed", **self.ladder(state), "message": messages.NEW_PASSWORD_SAVED}

    def account_summary(self, token: str) -> dict[str, Any]:
        """The home page's "Mon profil" and "dernière connexion" line."""
        claims = self.live_session(token)
        account: Account = self.repository.get(claims.account_id)
        last = account.last_login_before(claims.session_id)
        return {
            "account_id": str(account.id),
            "identifier_display": self.identifier_display(account),
            "identifier_kind": account.identifier_kind,
            "limited_access": account.is_provisional,  # file not yet affiliated
            "civil_status": account.civil_status.value,
            "contact": account.contact.value,
            "supporting_documents_required": account.supporting_documents_required,
            "last_login_at": last.isoformat() if last else None,
        }

    def connection_history(self, token: str) -> list[dict[str, Any]]:
        """ "Mon historique", newest first: ``[{"at", "method", "outcome", "source",
        "source_kept_until", "source_kept_for"}]``. A source past its retention (docs/privacy.md)
        is ``None``: only what is still kept is shown, with how long it is kept."""
        claims = self.live_session(token)
        account: Account = self.repository.get(claims.account_id)
        entries = account.history[-self.settings.connection_history_limit :]
        sources = ROWS["connection_sources"]
        kept_for = sources.duration(self.settings)
        assert kept_for is not None
        now = self.clock.now()
        history = []
        for entry in reversed(entries):
            until = readable_until(entry["at"], kept_for)
            source = entry["source"]
            shown = source.value if source and until > now else None
            history.append(
                {
                    "at": entry["at"].isoformat(),
                    "method": entry["method"],
                    "outcome": entry["outcome"],
                    "source": shown,
                    "source_kept_until": until.isoformat() if shown else None,
                    "source_kept_for": sources.kept_for(self.settings),
                }
            )
        return history

    # -- helpers -------------------------------------------------------------------------------

    def live_session(self, token: str) -> SessionClaims:
        claims = self.sessions.read(token, self.clock.now())
        if claims is None or self.is_revoked(claims):
            raise InvalidInput(
                code="session_invalid",
                message=messages.SESSION_INVALID,
                fields={"token": [messages.SESSION_INVALID]},
            )
        return claims

    def is_revoked(self, claims: SessionClaims) -> bool:
        """Logged out (this session), or ended by a change of the credential (all of them)."""
        return self.find(self.revocation_id(claims)) is not None or self.sessions_revoked(claims)

    @staticmethod
    def revocation_id(claims: SessionClaims) -> uuid.UUID:
        return uuid.UUID(claims.session_id)

    @staticmethod
    def identifier_display(account: Account) -> str | None:
        value = account.identifier.value
        if value is None:
            return None
        return Identifier(account.identifier_kind, value).display  # type: ignore[arg-type]

    @staticmethod
    def ladder(state: dict[str, Any]) -> dict[str, Any]:
        return {
            "attempts_left": state.get("attempts_left"),
            "frozen_until": state.get("frozen_until"),
            "retry_after_s": state.get("retry_after_s"),
        }
