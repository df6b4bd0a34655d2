"""The agent's sign-in and sign-out at the agency's provider (agency.py), and the refusals.

- ``/connexion``: to the provider (code + PKCE S256, ``acr_values`` the multi-factor levels).
- ``/connexion/retour``: Authlib checks the state, exchanges the code with the verifier and
  verifies the ID token (signature against the provider's keys, issuer, audience, nonce); the
  console then requires an ``acr`` of ``OIDC_ACR_VALUES`` and at least one role of the agency's
  table, or refuses with a French page (and keeps nothing).
- ``/deconnexion`` (POST): ends the console's session, then the provider's (RP-initiated logout).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, redirect, render_template, session, url_for

from . import agency, metrics
from .settings import current as settings

log = logging.getLogger("console")
blueprint = Blueprint("signin", __name__)


@blueprint.get("/")
def home() -> Any:
    if "agent" in session:
        return redirect(url_for("pages.search"))
    ended = session.pop("ended", None)
    return render_template("home.html", title="Console des agents", ended=ended)


@blueprint.get("/connexion")
def start() -> Any:
    session.clear()
    return agency.client().authorize_redirect(
        settings().redirect_uri, acr_values=" ".join(settings().oidc_acr_values)
    )


@blueprint.get("/connexion/retour")
def back() -> Any:
    try:
        token = agency.client().authorize_access_token()
    except OAuthError as error:
        log.warning("agent sign-in refused by the provider or invalid: %s", error.error)
        metrics.SIGNINS.labels("error").inc()
        session.clear()
        return render_template("refused.html", title="Connexion impossible", why="error"), 400
    claims = token.get("userinfo") or {}
    session.clear()  # nothing of the anonymous session survives: no fixation
    if claims.get("acr") not in settings().oidc_acr_values:
        metrics.SIGNINS.labels("acr").inc()
        return render_template("refused.html", title="Connexion refusée", why="acr"), 403
    roles = tuple(
        str(r) for r in claims.get(settings().oidc_roles_claim) or [] if isinstance(r, str)
    )
    if not settings().methods_of(roles):
        metrics.SIGNINS.labels("no_role").inc()
        return render_template("refused.html", title="Connexion refusée", why="no_role"), 403
    now = int(time.time())
    session["agent"] = {
        "sub": str(claims.get("sub")),
        "name": str(claims.get("name") or claims.get("sub")),
        "roles": list(roles),
        "agency": str(claims.get(settings().oidc_agency_claim) or ""),
        "acr": claims.get("acr"),
    }
    session["access_token"] = token["access_token"]
    session["id_token"] = token.get("id_token", "")
    session["opened_at"] = session["seen_at"] = now
    session["sid"] = secrets.token_urlsafe(16)
    session.permanent = True
    metrics.SIGNINS.labels("ok").inc()
    return redirect(url_for("pages.search"))


@blueprint.post("/deconnexion")
def logout() -> Any:
    id_token = session.get("id_token", "")
    session.clear()
    end = agency.metadata().get("end_session_endpoint")
    if not end:
        return redirect(url_for("signin.logged_out"))
    query = {
        "client_id": settings().oidc_client_id,
        "post_logout_redirect_uri": settings().post_logout_redirect_uri,
    }
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{end}?{urlencode(query)}")


@blueprint.get("/deconnecte")
def logged_out() -> Any:
    return render_template("logged_out.html", title="Vous êtes déconnecté")
