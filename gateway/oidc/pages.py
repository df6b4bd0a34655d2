"""Caf connect's addresses: discovery, JWKS, the authorization endpoint (with the portal's own
CONNEXION page and a consent page), the token endpoint and userinfo (RP-initiated logout:
logout.py).

Every step of a flow is a GET of ``/oauth2/authorize`` with the client's request: after a login
(``AUTHORIZATION_REQUEST`` kept in the session cookie across it, gateway/sessions.py) or a
consent, the browser comes back to it through a small page that moves on by itself (a redirect
answering a form would be blocked by the CSP's ``form-action``). The session cookie only marks
"a login or a consent just happened for this exact request"; codes and grants live in identity.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from flask import (
    Blueprint,
    Flask,
    Response,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)

from gateway import redirects, sessions
from gateway.clients import delegation, identity
from gateway.security import csrf

from . import lifecycle, logout
from .keys import ALGORITHM
from .server import CafConnect

blueprint = Blueprint("oidc", __name__)
token_endpoints = Blueprint("oidc_tokens", __name__)

FRESH_LOGIN = sessions.LOGGED_IN_FOR
CONSENT = "oidc_consent"
PROMPTS = {"none", "login", "consent"}
#: What the consent page says each scope shares (French, docs/oidc-provider.md).
SCOPE_LABELS = {
    "openid": "Un identifiant de connexion propre à cette application",
    "profile": "Vos nom de naissance, prénoms et date de naissance",
    "nir": "Votre numéro de Sécurité sociale (NIR)",
    "household": "Votre rôle dans votre foyer Caf (allocataire, conjoint, enfant…)",
}
#: The household role claim (scope ``household``): delegation's role in the household file.
HOUSEHOLD_ROLE = "household_role"


fingerprint = sessions.request_fingerprint


@blueprint.route("/.well-known/openid-configuration")
def discovery() -> Any:
    connect = CafConnect.of()
    base = connect.issuer
    return jsonify(
        issuer=base,
        authorization_endpoint=base + "/oauth2/authorize",
        token_endpoint=base + "/oauth2/token",
        userinfo_endpoint=base + "/oauth2/userinfo",
        jwks_uri=base + "/oauth2/jwks",
        end_session_endpoint=base + "/oauth2/logout",
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=["authorization_code", "refresh_token", "client_credentials"],
        revocation_endpoint=base + "/oauth2/revoke",
        revocation_endpoint_auth_methods_supported=["none", "client_secret_basic",
                                                    "private_key_jwt"],
        introspection_endpoint=base + "/oauth2/introspect",
        introspection_endpoint_auth_methods_supported=["client_secret_basic", "private_key_jwt"],
        subject_types_supported=["public", "pairwise"],
        id_token_signing_alg_values_supported=[ALGORITHM],
        token_endpoint_auth_methods_supported=["none", "client_secret_basic", "private_key_jwt"],
        token_endpoint_auth_signing_alg_values_supported=["ES256", "RS256", "PS256", "EdDSA"],
        code_challenge_methods_supported=["S256"],
        scopes_supported=["openid", "profile", "nir", "household"],
        claims_supported=["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr",
                          "sid", "azp", "family_name", "given_name", "birthdate", "nir",
                          HOUSEHOLD_ROLE],
        acr_values_supported=sorted(_acr_values()),
        prompt_values_supported=sorted(PROMPTS),
        claims_parameter_supported=False,
        request_parameter_supported=False,
        request_uri_parameter_supported=False,
        authorization_response_iss_parameter_supported=True,
        # issue #34: a logout token to each application of a session that ends (backchannel.py)
        backchannel_logout_supported=True,
        backchannel_logout_session_supported=True,
    )  # fmt: skip


def _acr_values() -> set[str]:
    return {"urn:caf:connect:acr:mot-de-passe", "urn:caf:connect:acr:franceconnect"}


@blueprint.route("/oauth2/jwks")
def jwks() -> Any:
    response = jsonify(CafConnect.of().keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.route("/oauth2/authorize")
def authorize() -> Any:
    connect = CafConnect.of()
    try:
        grant = connect.server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        if error.redirect_uri:  # the client and its redirect URI are known: tell it there
            return _to_client(error.redirect_uri, error.get_body(), request.args.get("state"))
        return _refused(error.description or error.error)
    client = grant.client
    redirect_uri = grant.redirect_uri
    state = request.args.get("state")

    def fail(error: str, description: str) -> Any:
        return _to_client(redirect_uri, [("error", error), ("error_description", description)],
                          state)  # fmt: skip

    scopes = request.args.get("scope", "").split()
    if "openid" not in scopes:
        return fail("invalid_scope", "Caf connect requires the openid scope.")
    if set(scopes) - set(client.scopes):
        return fail("invalid_scope", "A scope is not allowed to this client.")
    prompt = set(request.args.get("prompt", "").split())
    if prompt - PROMPTS or ("none" in prompt and len(prompt) > 1):
        return fail("invalid_request", "Unsupported prompt.")
    if request.args.get("request") or request.args.get("request_uri"):
        return fail("request_not_supported", "Request objects are not supported.")
    if request.args.get("response_mode", "query") != "query":
        return fail("invalid_request", "Only response_mode=query.")
    try:
        max_age = int(request.args["max_age"]) if "max_age" in request.args else None
    except ValueError:
        return fail("invalid_request", "max_age must be a number of seconds.")
    query = request.query_string.decode()
    fresh = session.pop(FRESH_LOGIN, None) == fingerprint(query)
    consent = session.pop(CONSENT, None)
    if consent == "refused:" + fingerprint(query):
        return fail("access_denied", "The person refused.")
    if "login" in prompt and not fresh:
        return _to_login(query, request.args.get("acr_values", ""))
    answer = identity.oidc_authorize(
        sessions.token(),
        {
            "client_id": client.client_id,
            "sector": client.subject_sector,
            "first_party": client.first_party,
            "redirect_uri": redirect_uri,
            "scopes": scopes,
            "nonce": request.args.get("nonce") or None,
            "code_challenge": request.args["code_challenge"],
            "max_age": None if fresh else max_age,
            "acr_values": request.args.get("acr_values", "").split(),
            "prompt_consent": "consent" in prompt and consent != "given:" + fingerprint(query),
            "consent_given": consent == "given:" + fingerprint(query),
        },
    )
    if answer["outcome"] == "code":
        sessions.pending_authorization_request(pop=True)  # done: nothing left waiting
        return connect.server.create_authorization_response(
            grant=grant, grant_user=_IssuedCode(answer["code"])
        )
    if "none" in prompt:
        needed = "login_required" if answer["outcome"] == "login_required" else "consent_required"
        return fail(needed, "prompt=none: the person would have to act.")
    if answer["outcome"] == "login_required":
        return _to_login(query, request.args.get("acr_values", ""))
    sessions.hold_authorization_request(query)
    return render_template(
        "oidc/consent.html",
        title="Autoriser l'accès à vos informations",
        application=client.display_name,
        client_host=_host(redirect_uri),
        claims=[SCOPE_LABELS[s] for s in scopes if s in SCOPE_LABELS],
    )


class _IssuedCode:
    def __init__(self, code: str):
        self.code = code


@blueprint.route("/oauth2/consentement", methods=["POST"])
def consent() -> Any:
    """The consent page's answer: back to the authorization request it was shown for."""
    query = sessions.pending_authorization_request(pop=True)
    if not query:
        return _refused("Cette demande d'autorisation a expiré. Veuillez recommencer depuis"
                        " l'application.")  # fmt: skip
    given = request.form.get("decision") == "autoriser"
    session[CONSENT] = ("given:" if given else "refused:") + fingerprint(query)
    return _onward(url_for("oidc.authorize") + "?" + query)


@blueprint.route("/oauth2/reprendre")
def resume() -> Any:
    """Where a login with an authorization request pending lands (``after_login``)."""
    query = sessions.pending_authorization_request(pop=True)
    if not query:
        return redirects.to_page("account.home")
    return _onward(url_for("oidc.authorize") + "?" + query)


def after_login() -> Any | None:
    """Called right after a login opened a session: back to the pending authorization request
    (``open_session`` marked it as just logged in for), if any."""
    if not sessions.pending_authorization_request():
        return None
    return redirects.to_page("oidc.resume")


def _to_login(query: str, acr_values: str) -> Any:
    sessions.hold_authorization_request(query)
    if acr_values.split() == ["urn:caf:connect:acr:franceconnect"]:
        return redirects.to_page("franceconnect.start")
    return redirects.to_page("connexion.login")


def _to_client(redirect_uri: str, params: Any, state: str | None) -> Any:
    pairs = [(k, v) for k, v in (params.items() if isinstance(params, dict) else params) if v]
    if state and not any(k == "state" for k, _ in pairs):
        pairs.append(("state", state))
    pairs.append(("iss", CafConnect.of().issuer))  # RFC 9207, errors included
    return redirects.to_client(redirect_uri, pairs)


def _onward(location: str) -> Any:
    return make_response(render_template("oidc/onward.html", title="Connexion", location=location))


def _refused(description: str) -> Any:
    """An authorization request that cannot go back to its client (unknown client, redirect URI
    not registered): said here, never sent to an address nobody registered."""
    return render_template(
        "oidc/refused.html", title="Demande de connexion refusée", description=description
    ), 400


def _host(uri: str) -> str:
    return urlsplit(uri).netloc


@token_endpoints.route("/oauth2/token", methods=["POST"])
def token() -> Any:
    response = CafConnect.of().server.create_token_response()
    return response


@token_endpoints.route("/oauth2/userinfo", methods=["GET", "POST"])
def userinfo() -> Any:
    connect = CafConnect.of()
    header = request.headers.get("Authorization", "")
    claims = (
        connect.tokens.access_claims(header[7:].strip(), connect.issuer)
        if header[:7].lower() == "bearer "
        else None
    )
    if claims is not None and not _family_live(claims):
        claims = None  # revoked, a refresh token reused, or its portal session ended (#34)
    if claims is None or "openid" not in str(claims.get("scope", "")).split():
        response = jsonify(error="invalid_token")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    answer = identity.oidc_userinfo(
        str(claims["client_id"]), str(claims["sub"]), str(claims["scope"]).split()
    )
    if answer["outcome"] != "ok":
        response = jsonify(error="invalid_token")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    claims = dict(answer["claims"])
    if answer.get("account_id"):  # scope household, allowed: one call to delegation
        role = delegation.household_role(str(answer["account_id"])).get("role")
        if role:  # a person in no household file: the claim is left out (OIDC Core §5.3.2)
            claims[HOUSEHOLD_ROLE] = role
    return jsonify(claims)


def _family_live(claims: dict[str, Any]) -> bool:
    family = claims.get(lifecycle.FAMILY_CLAIM)
    return bool(family) and bool(identity.oidc_token_status(str(family), None).get("active"))


@token_endpoints.route("/oauth2/revoke", methods=["POST"])
def revoke() -> Any:
    """RFC 7009 (gateway/oidc/lifecycle.py)."""
    return CafConnect.of().server.create_endpoint_response(lifecycle.Revocation.ENDPOINT_NAME)


@token_endpoints.route("/oauth2/introspect", methods=["POST"])
def introspect() -> Any:
    """RFC 7662, for the clients whose record allows it (gateway/oidc/lifecycle.py)."""
    return CafConnect.of().server.create_endpoint_response(lifecycle.Introspection.ENDPOINT_NAME)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


token_endpoints.after_request(_no_store)


def install(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.register_blueprint(token_endpoints)
    app.register_blueprint(logout.end_session)
    app.register_blueprint(logout.pages)
    csrf.exempt(token_endpoints)  # client authentication, not a browser form
    # an application's request, cross-site by design: it ends a session only for the hint of that
    # very session, any other waits for the person's answer on a form of ours (CSRF)
    csrf.exempt(logout.end_session)
