"""FranceConnect in the browser (spec §9, §15).

The OIDC ``state`` is bound to this browser by a short-lived cookie (no login CSRF: a callback
carrying someone else's state is refused before identity is asked); a person whose FranceConnect
identity matches no account logs in once with their identifiers to link it (``link_token`` kept in
the session); logout of a FranceConnect session goes through FranceConnect's own logout.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    session,
    url_for,
)

from gateway import redirects, sessions
from gateway.clients import identity
from gateway.logout import FRANCECONNECT_LOGOUT_STATE
from gateway.security import client_source

from . import benefit

blueprint = Blueprint("franceconnect", __name__, url_prefix="/franceconnect")

STATE_COOKIE = "franceconnect_state"
#: set by the logout (gateway/logout.py: the portal's and Caf connect's), checked on the way back
LOGOUT_STATE_COOKIE = FRANCECONNECT_LOGOUT_STATE
STATE_LIFETIME_S = 600
LINK_TOKEN = "franceconnect_link"  # noqa: S105 - a session key, not a secret


def _redirect_uri() -> str:
    return current_app.config["GATEWAY_SETTINGS"].public_url.rstrip("/") + url_for(
        "franceconnect.callback"
    )


def _state_cookie(response: Any, name: str, state: str) -> None:
    # Lax, not Strict: the browser comes back from FranceConnect by a top-level GET.
    response.set_cookie(
        name,
        state,
        max_age=STATE_LIFETIME_S,
        path="/franceconnect",
        secure=True,
        httponly=True,
        samesite="Lax",
    )


@blueprint.route("/connexion")
def start() -> Any:
    answer = identity.franceconnect_start(redirect_uri=_redirect_uri())
    if answer["outcome"] != "redirect":
        return _failed(answer)
    response = make_response(redirects.to_provider(answer["authorization_url"]))
    _state_cookie(response, STATE_COOKIE, answer["state"])
    return response


@blueprint.route("/retour")
def callback() -> Any:
    state = request.args.get("state", "")
    bound = request.cookies.get(STATE_COOKIE, "")
    if not state or not bound or not hmac.compare_digest(state, bound):
        return _failed(
            {
                "message": "Cette connexion FranceConnect n'a pas été demandée depuis ce navigateur"
                " ou a expiré. Veuillez recommencer."
            },
            status=400,
        )
    answer = identity.franceconnect_callback(
        request.args.get("code"),
        state,
        error=request.args.get("error"),
        iss=request.args.get("iss"),
        source=client_source(),
    )
    if answer["outcome"] == "ok":
        code = benefit.pending()
        sessions.open_session(answer, auth_method="franceconnect")
        response = make_response(benefit.after_login(code))
    elif answer["outcome"] == "link_required":
        session[LINK_TOKEN] = answer["link_token"]
        response = make_response(_failed(answer, title="Associer FranceConnect à mon compte"))
    else:
        response = make_response(_failed(answer))
    response.delete_cookie(STATE_COOKIE, path="/franceconnect", secure=True, httponly=True)
    return response


@blueprint.route("/deconnecte")
def logged_out() -> Any:
    """FranceConnect's post-logout redirect: its ``state`` must be the one we sent."""
    state = request.args.get("state", "")
    bound = request.cookies.get(LOGOUT_STATE_COOKIE, "")
    response = make_response(redirects.to_page("connexion.logged_out"))
    if not state or not hmac.compare_digest(state, bound):
        response = make_response(
            _failed({"message": "Retour de FranceConnect inattendu."}, status=400)
        )
    response.delete_cookie(LOGOUT_STATE_COOKIE, path="/franceconnect", secure=True, httponly=True)
    return response


def _failed(answer: dict[str, Any], status: int = 200, title: str = "FranceConnect") -> Any:
    message = answer.get("message") or "La connexion avec FranceConnect n'a pas abouti."
    return render_template("connexion/franceconnect.html", title=title, message=message), status
