"""Ending the person's portal session, one way for every caller: « Se déconnecter » on the portal
(portal/pages/connexion.py) and Caf connect's RP-initiated logout (gateway/oidc/logout.py) both
call :func:`end_portal_session`, so that whatever a logout sets off happens whichever way it came.

- identity revokes the session's token (``logout``): every token a Caf connect application holds
  from that session is refused from then on (docs/oidc-provider.md);
- a session opened through FranceConnect goes through FranceConnect's own logout too
  (``franceconnect_logout``, which ends the session at identity): the answer is then a page that
  sends the browser to FranceConnect's end-session address (a redirect answering a form would be
  blocked by the CSP's ``form-action``), whose ``state`` is bound to this browser by a cookie that
  ``/franceconnect/deconnecte`` checks on the way back.
"""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, session

from . import redirects, sessions
from .clients import identity

#: FranceConnect's logout ``state``, bound to this browser (portal/pages/franceconnect.py).
FRANCECONNECT_LOGOUT_STATE = "franceconnect_logout_state"
FRANCECONNECT_STATE_LIFETIME_S = 600


def end_portal_session() -> Any | None:
    """Ends the portal session held by this browser (nothing when it holds none): the session
    cookie is cleared and identity revokes the token. Returns the page that continues to
    FranceConnect's logout for a FranceConnect session, None when nothing more is to be shown."""
    held = sessions.token()
    auth_method = session.get("auth_method")
    sessions.close_session()
    if held is None:
        return None
    if auth_method == "franceconnect":
        answer = identity.franceconnect_logout(held)
        if answer.get("logout_url"):
            return franceconnect_logout_page(answer)
        return None
    identity.logout(held)
    return None


def franceconnect_logout_page(answer: dict[str, Any]) -> Any:
    """A page that sends the browser on to FranceConnect's logout (an immediate meta refresh and
    a link), its ``state`` in a short-lived cookie for the way back."""
    response = make_response(
        render_template(
            "connexion/franceconnect_logout.html",
            title="Déconnexion de FranceConnect",
            logout_url=redirects.provider_url(answer["logout_url"]),
        )
    )
    if answer.get("state"):
        # Lax, not Strict: the browser comes back from FranceConnect by a top-level GET.
        response.set_cookie(
            FRANCECONNECT_LOGOUT_STATE,
            answer["state"],
            max_age=FRANCECONNECT_STATE_LIFETIME_S,
            path="/franceconnect",
            secure=True,
            httponly=True,
            samesite="Lax",
        )
    return response
