"""The person's identity session, kept in the signed session cookie (the token never in a URL).

Every Mon Compte request asks identity ``verify_session`` (spec §16: a token checked offline
would honour a logout or a password change only at its expiry).
"""

from __future__ import annotations

from typing import Any

from flask import session

from .clients import identity


def open_session(answer: dict[str, Any], auth_method: str = "password") -> None:
    """Keeps the session of a successful login (``login`` or ``franceconnect_callback``)."""
    session.clear()
    session["token"] = answer["session"]["token"]
    session["expires_at"] = answer["session"]["expires_at"]
    session["auth_method"] = auth_method


def token() -> str | None:
    return session.get("token")


def current() -> dict[str, Any] | None:
    """identity's view of the session (account_id, auth_method…), or None when it has ended."""
    held = token()
    if held is None:
        return None
    verified = identity.verify_session(held)
    if not verified.get("valid"):
        session.clear()
        return None
    session["expires_at"] = verified["expires_at"]
    return dict(verified)


def close_session() -> None:
    session.clear()
