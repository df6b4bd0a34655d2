"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) at ``/oauth2/logout``: an
application sends the person's browser here to end their Mon Compte session, then gets them back
at one of its registered ``post_logout_redirect_uris``.

Decisions (docs/oidc-provider.md, "Logout"):

- ``id_token_hint`` is an ID token we signed (any published key: current, next or retired), for
  a registered client (its ``aud``), accepted even when expired; anything else (a forged or
  foreign token, an unknown client, a ``client_id`` that is not its audience) is refused on a
  page of ours: nothing ends, nobody is sent anywhere.
- The person is logged out **at once** only when the hint names (``sid``) the portal session this
  browser holds: only an application this session logged in to holds such a token. Any other
  request (no hint, or a hint of another session) that finds a portal session **asks**
  « Voulez-vous vous déconnecter ? » with a CSRF-protected form: a link anyone can forge never
  ends a session by itself (the specification's §6 on logout CSRF).
- The session ends exactly as « Se déconnecter » ends it (gateway/logout.py): identity revokes it
  (every application's tokens of that session are refused from then on), a FranceConnect session
  goes through FranceConnect's logout first and comes back through ``/deconnecte``.
- Then the browser goes to ``post_logout_redirect_uri`` with ``state`` if that address is
  **exactly** one of the client's registered ``post_logout_redirect_uris``; otherwise it stays
  here, on « Vous êtes déconnecté(e) ». ``ui_locales`` is ignored (the portal is in French).
- A POST (the form variant of the specification) is answered by a 303 to the same request as a
  GET: the portal's session cookie is ``SameSite=Lax``, so a cross-site POST does not carry it
  (and must not write it), while the top-level GET that follows does.

What waits across the confirmation or FranceConnect's logout (which client, which address, the
``state``) is kept in the session cookie for 10 minutes at most, like a pending authorization.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, make_response, render_template, request, session, url_for

from gateway import redirects, sessions
from gateway.api_clients import Client
from gateway.logout import end_portal_session

from .server import CafConnect

#: the application's request (``/oauth2/logout``): no CSRF token, by design (cross-site)
end_session = Blueprint("oidc_logout", __name__)
#: the portal's own pages of the logout: the confirmation form (CSRF) and where it ends
pages = Blueprint("oidc_logout_pages", __name__)

PARAMETERS = ("id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales",
              "logout_hint")  # fmt: skip
#: held while the confirmation page waits for the person's answer
ASKED = "oidc_logout_asked"
#: held from the logout to the post-logout redirect (across FranceConnect's logout too)
AFTER = "oidc_logout_after"
#: held from « Rester connecté(e) » to the way back to the application
DECLINED = "oidc_logout_declined"
LIFETIME_S = 600
LONGEST_PARAMETER = 4096
#: what the person reads when the request itself is refused
INVALID = (
    "Cette demande de déconnexion n'est pas valide : elle ne vient pas d'une application "
    "autorisée à utiliser Mon Compte. Vous n'avez pas été déconnecté(e)."
)


@dataclass
class LogoutRequest:
    client: Client | None  # identified by the hint, or by client_id alone
    sid: str | None  # the session the hint names (None without a hint)
    hinted: bool  # a valid id_token_hint was given
    post_logout_uri: str | None  # registered for the client (exactly), else None
    state: str | None
    asked_uri: bool  # a post_logout_redirect_uri was asked (matched or not)


class Refused(ValueError):
    """The request is not one a registered application could have sent."""


def read(params: dict[str, str]) -> LogoutRequest:
    """The checked request (raises ``Refused``)."""
    connect = CafConnect.of()
    if any(len(params.get(name) or "") > LONGEST_PARAMETER for name in PARAMETERS):
        raise Refused("parameter too long")
    client: Client | None = None
    sid: str | None = None
    hint = params.get("id_token_hint") or ""
    if hint:
        claims = connect.keys.verify(hint, "JWT")  # signature only: an expired hint is fine
        if claims is None or claims.get("iss") != connect.issuer:
            raise Refused("id_token_hint is not an ID token of ours")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        named = str(claims.get("azp") or (audiences[0] if len(audiences) == 1 else ""))
        client = connect.clients.get(named)
        if client is None or not client.is_oidc or named not in audiences:
            raise Refused("id_token_hint is for no registered client")
        sid = str(claims["sid"]) if claims.get("sid") else None
    client_id = params.get("client_id") or ""
    if client_id:
        if client is not None and client_id != client.client_id:
            raise Refused("client_id is not the id_token_hint's audience")
        found = connect.clients.get(client_id)
        if found is None or not found.is_oidc:
            raise Refused("unknown client_id")
        client = found
    asked = params.get("post_logout_redirect_uri") or ""
    registered = client is not None and client.check_post_logout_redirect_uri(asked)
    return LogoutRequest(
        client=client, sid=sid, hinted=bool(hint), post_logout_uri=asked if registered else None,
        state=params.get("state") or None, asked_uri=bool(asked),
    )  # fmt: skip


@end_session.route("/oauth2/logout", methods=["GET", "POST"])
def logout() -> Any:
    if request.method == "POST":  # the cookie is not sent cross-site: as a GET (303), untouched
        kept = {n: request.form[n] for n in PARAMETERS if request.form.get(n)}
        return redirects.see_page("oidc_logout.logout", **kept)
    try:
        asked = read({n: request.args.get(n, "") for n in PARAMETERS})
    except Refused:
        return _refused()
    if sessions.token() is None or sessions.current() is None:
        return _finish(_after(asked))  # no portal session here: nothing to end
    if asked.hinted and asked.sid is not None and asked.sid == sessions.session_id():
        return _end(asked) or _finish(_after(asked))
    session[ASKED] = {**_after(asked),
                      "client_id": asked.client.client_id if asked.client else None}  # fmt: skip
    return render_template(
        "oidc/logout_confirm.html",
        title="Voulez-vous vous déconnecter ?",
        application=asked.client.display_name if asked.client else None,
    )


@pages.route("/oauth2/deconnexion", methods=["POST"])
def confirm() -> Any:
    """The confirmation page's answer (a form of ours: CSRF-protected)."""
    held = _take(ASKED)
    if held is None:
        return _refused("Cette demande de déconnexion a expiré. Vous n'avez pas été"
                        " déconnecté(e).")  # fmt: skip
    if request.form.get("decision") != "deconnecter":  # « Rester connecté(e) »
        if not held.get("uri"):
            return redirects.to_page("account.home")
        session[DECLINED] = held  # back to the application all the same: it asked
        return _onward(url_for("oidc_logout_pages.back_to_application"), "Retour à l'application")
    client = CafConnect.of().clients.get(held.get("client_id") or "")
    asked = LogoutRequest(client, None, False, held.get("uri"), held.get("state"),
                          bool(held.get("asked_uri")))  # fmt: skip
    page = _end(asked)
    if page is not None:
        return page
    session[AFTER] = _after(asked)
    return _onward(url_for("oidc_logout_pages.logged_out"))  # a form's answer: no redirect out


@pages.route("/oauth2/deconnecte")
def logged_out() -> Any:
    """Where a logout ends: the application's registered address with ``state``, or « Vous
    êtes déconnecté(e) » here."""
    return _finish(_take(AFTER))


@pages.route("/oauth2/retour-application")
def back_to_application() -> Any:
    """« Rester connecté(e) »: the portal session goes on; the browser goes back to the
    application that asked, at its registered address (its own session has ended)."""
    held = _take(DECLINED)
    if held is None or not held.get("uri"):
        return redirects.to_page("account.home")
    return _to_application(held)


def after_logout() -> Any | None:
    """Called by the portal's « Vous êtes déconnecté » page (FranceConnect's logout comes back
    there): an application's logout waiting for its post-logout redirect continues."""
    if _valid(session.get(AFTER)) is None:
        return None
    return redirects.to_page("oidc_logout_pages.logged_out")


def _end(asked: LogoutRequest) -> Any | None:
    """Ends the portal session as « Se déconnecter » does. For a FranceConnect session, the
    page that continues to FranceConnect's logout, which comes back through ``/deconnecte``:
    where to go next waits in the (new) session cookie."""
    page = end_portal_session()
    if page is not None:
        session[AFTER] = _after(asked)
    return page


def _finish(after: dict[str, Any] | None) -> Any:
    if after is not None and after.get("uri"):
        return _to_application(after)
    return render_template(
        "oidc/logged_out.html",
        title="Vous êtes déconnecté(e)",
        unmatched=bool(after and after.get("asked_uri")),
    )


def _to_application(held: dict[str, Any]) -> Any:
    """A post-logout address the client registered (matched exactly when the request was read)."""
    state = held.get("state")
    return redirects.to_client(str(held["uri"]), [("state", str(state))] if state else [])


def _after(asked: LogoutRequest) -> dict[str, Any]:
    return {"uri": asked.post_logout_uri, "state": asked.state, "asked_uri": asked.asked_uri,
            "at": int(time.time())}  # fmt: skip


def _valid(held: Any) -> dict[str, Any] | None:
    if not isinstance(held, dict) or int(time.time()) - int(held.get("at", 0)) > LIFETIME_S:
        return None
    return held


def _take(key: str) -> dict[str, Any] | None:
    return _valid(session.pop(key, None))


def _onward(location: str, heading: str = "Déconnexion en cours") -> Any:
    """A form's answer: a page that moves the browser on (a redirect out of a form would be
    blocked by the CSP's ``form-action``)."""
    return make_response(render_template(
        "oidc/onward.html", title=heading, location=location, heading=heading,
        text="Vous allez être redirigé(e).",
    ))  # fmt: skip


def _refused(description: str = INVALID) -> Any:
    return render_template(
        "oidc/logout_refused.html", title="Demande de déconnexion refusée", description=description
    ), 400
