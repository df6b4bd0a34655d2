"""The person's identity session, kept in the signed session cookie (the token never in a URL).

Every Mon Compte request asks identity ``verify_session`` (spec §16: a token checked offline
would honour a logout or a password change only at its expiry).

The cookie itself (docs/security.md, "Sessions"):

- **renewed** at login and at every change of what it grants (a new token after « Prolonger ma
  session », a password change): new contents, a new ``sid``, and at login and password change a
  new CSRF secret, so a cookie or a form token captured before is worth nothing after;
- **ended on the server** at logout (identity revokes the token) and when it times out here;
- **timed out** after ``SESSION_IDLE_TIMEOUT_S`` without a request (15 minutes, identity's
  ``SESSION_LIFETIME_S``) and ``SESSION_ABSOLUTE_TIMEOUT_S`` after it opened (8 hours, identity's
  ``SESSION_MAX_LIFETIME_S``), whatever identity says: the portal's own state (a registration
  in progress, the CSRF secret) ends too, and a token is revoked at identity on the way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
from typing import Any

from flask import Flask, g, session

from connexion_client import ConnexionError

from . import rpc
from .clients import identity
from .settings import GatewaySettings

log = logging.getLogger("gateway")

OPENED_AT = "opened_at"
SEEN_AT = "seen_at"
SESSION_ID = "sid"
#: The clock of the timeouts (seconds since the epoch).
clock = time.time
CSRF_SECRET = "csrf_token"  # noqa: S105 - Flask-WTF's key in the session
#: A Caf connect authorization request waiting for the login (gateway/oidc/pages.py): the one
#: thing of the anonymous session a login keeps (it grants nothing; the client's own request).
AUTHORIZATION_REQUEST = "oidc_request"
#: Set by a login for the request then pending: "the person has just logged in for it"
#: (``prompt=login`` and ``max_age`` are met once, gateway/oidc/pages.py).
LOGGED_IN_FOR = "oidc_fresh_login"


#: A pending authorization request is forgotten after this long (an abandoned application
#: login must not send a later, unrelated portal login to that application).
AUTHORIZATION_REQUEST_LIFETIME_S = 600


def request_fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def hold_authorization_request(query: str) -> None:
    session[AUTHORIZATION_REQUEST] = {"query": query, "at": int(clock())}


def pending_authorization_request(pop: bool = False) -> str | None:
    """The authorization request waiting for a login or a consent, if it is recent enough."""
    held = session.pop(AUTHORIZATION_REQUEST, None) if pop else session.get(AUTHORIZATION_REQUEST)
    if not isinstance(held, dict) or int(clock()) - int(held.get("at", 0)) > (
        AUTHORIZATION_REQUEST_LIFETIME_S
    ):
        session.pop(AUTHORIZATION_REQUEST, None)
        return None
    return str(held["query"])


def install(app: Flask, settings: GatewaySettings) -> None:
    idle, absolute = settings.session_idle_timeout_s, settings.session_absolute_timeout_s
    # seen_at is written at most this often (the cookie is not rewritten on every request)
    resolution = max(1, min(60, idle // 4))

    @app.before_request
    def time_out() -> None:
        if not session:
            return
        now = int(clock())
        opened = int(session.get(OPENED_AT, now))
        seen = int(session.get(SEEN_AT, now))
        if now - seen > idle or now - opened > absolute:
            end_timed_out(held=token())
            g.session_timed_out = True
            return
        session.setdefault(OPENED_AT, opened)
        if now - seen >= resolution or SEEN_AT not in session:
            session[SEEN_AT] = now


def end_timed_out(held: str | None) -> None:
    session.clear()
    if held is None:
        return
    try:
        identity.logout(held)
    except ConnexionError:  # identity's own expiry ends it anyway; the cookie is gone
        log.warning("timed-out session not revoked at identity (request %s)", rpc.correlation_id())


def renew(*, new_csrf_secret: bool) -> None:
    """A new session id (and, when asked, a new CSRF secret) for what the session now grants."""
    session[SESSION_ID] = secrets.token_urlsafe(16)
    if new_csrf_secret:
        session.pop(CSRF_SECRET, None)


def open_session(answer: dict[str, Any], auth_method: str = "password") -> None:
    """Keeps the session of a successful login (``login`` or ``franceconnect_callback``)."""
    pending = pending_authorization_request()
    session.clear()  # nothing of the anonymous session survives: no fixation
    if pending:
        hold_authorization_request(pending)
        session[LOGGED_IN_FOR] = request_fingerprint(pending)
    now = int(clock())
    session[OPENED_AT] = now
    session[SEEN_AT] = now
    session["token"] = answer["session"]["token"]
    session["expires_at"] = answer["session"]["expires_at"]
    session["auth_method"] = auth_method
    renew(new_csrf_secret=True)


def replace_token(answer: dict[str, Any]) -> None:
    """A refreshed session's new token (« Prolonger ma session »)."""
    session["token"] = answer["session"]["token"]
    session["expires_at"] = answer["session"]["expires_at"]
    renew(new_csrf_secret=False)  # other open forms of this person stay valid


def token() -> str | None:
    return session.get("token")


def session_id() -> str | None:
    """The id of the portal session this cookie holds (the ID tokens' ``sid``): the ``jti`` of
    identity's token, read from the token itself. It came from identity through our signed
    cookie; whether the session is still live is ``current()``'s answer, not this one's."""
    held = token()
    if not isinstance(held, str) or held.count(".") != 2:
        return None
    payload = held.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return None
    jti = claims.get("jti") if isinstance(claims, dict) else None
    return jti if isinstance(jti, str) else None


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
