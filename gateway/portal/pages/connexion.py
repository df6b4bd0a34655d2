"""CONNEXION: NIR or provisional identifier, password, « Se souvenir de moi », the seed's answers
(attempts left, captcha from the 3rd failure, freezes), the campaign interstitial, logout.

Every answer's wording is identity's own ``message`` (spec §5-§6); the page adds the captcha and
the links the seed shows next to it.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    session,
)

from connexion_client import InvalidInput
from gateway import redirects, sessions
from gateway.clients import identity
from gateway.logout import end_portal_session
from gateway.security import client_source

from .. import remembered
from ..forms import captcha_answer, field_errors, ladder_errors, new_captcha, value
from . import benefit, franceconnect

blueprint = Blueprint("connexion", __name__)

LABELS = {
    "identifier": "Numéro de Sécurité sociale",
    "password": "Mot de passe",
    "captcha_answer": "Vérification de sécurité",
    "audio_answer": "Vérification audio",
    "_form": "Connexion",
}


def _seal() -> remembered.Seal:
    settings = current_app.config["GATEWAY_SETTINGS"]
    return remembered.Seal(settings.secret_key, "remembered identifier")


def _remembered_identifier() -> str | None:
    return _seal().open(request.cookies.get(remembered.COOKIE))


@blueprint.route("/")
def home() -> Any:
    if sessions.token():
        return redirects.to_page("account.home")
    return redirects.to_page("connexion.login")


@blueprint.route("/connexion", methods=["GET"])
def login() -> Any:
    """``?prestation=<code>``: the seed's CONNEXION for a benefit request (a configured code;
    another one shows the plain page)."""
    code = benefit.hold(request.args.get("prestation"))
    if code and request.args.get("identifiants") != "1":
        return render_template(
            "connexion/benefit_request.html",
            title="Connexion – Demande de prestation",
            benefit_code=code,
        )
    return _login_page()


@blueprint.route("/connexion/quitter", methods=["POST"])
def leave_benefit_request() -> Any:
    """« Quitter » on the benefit entry: the pending request is forgotten."""
    benefit.forget()
    return redirects.to_page("connexion.login")


def _login_page(
    errors: dict[str, list[str]] | None = None,
    answer: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    provisional = request.values.get("provisoire") == "1"
    remembered_identifier = _remembered_identifier()
    captcha = None
    if answer and answer.get("captcha_required"):
        captcha = new_captcha()
    context = {
        "title": "Connexion",
        "errors": errors or {},
        "labels": {
            **LABELS,
            "identifier": "Identifiant provisoire" if provisional else LABELS["identifier"],
        },
        "answer": answer,
        "captcha": captcha,
        "provisional": provisional,
        "remembered": remembered.masked(remembered_identifier) if remembered_identifier else None,
        "identifier": value("identifier") if request.method == "POST" else "",
        "benefit_code": benefit.pending(),
    }
    return render_template("connexion/login.html", **context), status


@blueprint.route("/connexion", methods=["POST"])
def submit_login() -> Any:
    identifier = value("identifier")
    if request.form.get("remembered") == "1":
        identifier = _remembered_identifier() or identifier
    try:
        answer = identity.login(
            identifier=identifier,
            password=request.form.get("password", ""),
            captcha=captcha_answer(),
            source=client_source(),
            **_franceconnect_link(),
        )
    except InvalidInput as exc:
        return _login_page(field_errors(exc, {"captcha": "captcha_answer"}), status=400)
    if answer["outcome"] != "ok":
        return _login_page(ladder_errors(answer), answer, status=200)
    code = benefit.pending()
    sessions.open_session(answer)  # a new session: nothing of the previous one is kept
    if answer.get("password_change_recommended"):
        response = make_response(redirects.to_page("connexion.renewal"))  # the campaign first
    else:
        response = make_response(benefit.after_login(code))
    _remember(response, identifier if request.form.get("remember_me") == "on" else None)
    return response


def _franceconnect_link() -> dict[str, str]:
    token = session.get(franceconnect.LINK_TOKEN)
    return {"franceconnect_link": token} if token else {}


def _remember(response: Any, identifier: str | None) -> None:
    if identifier is None:
        return
    canonical = remembered.canonical(identifier)
    if canonical is None:
        return
    response.set_cookie(
        remembered.COOKIE,
        _seal().close(canonical),
        max_age=int(remembered.LIFETIME.total_seconds()),
        path=remembered.COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="Strict",
    )


@blueprint.route("/connexion/oublier", methods=["POST"])
def forget_identifier() -> Any:
    """« Ce n'est pas vous ? Oublier cet identifiant »."""
    response = make_response(redirects.to_page("connexion.login"))
    response.delete_cookie(
        remembered.COOKIE, path=remembered.COOKIE_PATH, secure=True, httponly=True
    )
    return response


@blueprint.route("/protegez-vous")
def renewal() -> Any:
    """The renewal campaign's interstitial: continue, or « Mot de passe oublié » (a code to the
    contacts on file, so that a stolen password cannot renew itself)."""
    if not sessions.token():
        return redirects.to_page("connexion.login")
    return render_template(
        "connexion/renewal.html", title="Protégez-vous, modifiez votre mot de passe"
    )


@blueprint.route("/deconnexion", methods=["POST"])
def logout() -> Any:
    """« Se déconnecter »: the one way a portal session ends (gateway/logout.py), which Caf
    connect's RP-initiated logout shares."""
    if sessions.token() is None:
        return redirects.to_page("connexion.login")
    return end_portal_session() or redirects.to_page("connexion.logged_out")


@blueprint.route("/deconnecte")
def logged_out() -> Any:
    """After a logout (and FranceConnect's, which comes back here): an application's
    RP-initiated logout continues to its post-logout address (gateway/oidc/logout.py)."""
    from gateway.oidc.logout import after_logout

    return after_logout() or render_template(
        "connexion/logged_out.html", title="Vous êtes déconnecté"
    )
