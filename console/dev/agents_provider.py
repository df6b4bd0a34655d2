"""The development agents' provider: the agency's OpenID provider as the console meets it, for
`make run` and the tests only (SPEC §19; absent from the image, like gateway/dev/).

Built on Authlib's authorization server: authorization code with PKCE (S256 required), OpenID
Connect ID tokens (ES256, its own keys, its own issuer: nothing shared with the citizens'
provider), and the token exchange of RFC 8693 (a grant registered on the same server) that gives
the console, per call, an access token for one service in the JWT profile of RFC 9068
(``typ: at+jwt``, ``aud`` the service, 300 s, ``sub``, ``name``, ``acr``, ``roles``,
``agency``), as docs/security.md ("Agents and the back office") describes.

Two demonstration agents (:data:`AGENTS`), a password each and a second factor: the one-time
code :data:`DEVELOPMENT_OTP` (``acr`` ``mfa``, ``amr`` ``["pwd", "otp"]``). Started with
``--single-factor`` (the tests), the second step offers « Continuer sans second facteur »,
which signs in at ``acr`` ``pwd``: the console must refuse it. The agency's role table is
:data:`ROLE_METHODS`; ``--role-table`` prints it as the services' ``AGENT_ROLE_METHODS``.

A session at the provider ends at its logout (``/session/end``): the tokens it gave stop being
exchanged, so the console's next call fails and its session ends (docs/console.md, "Sessions").

    python -m console.dev.agents_provider          # on CONSOLE_DEV_PROVIDER_PORT (8093)
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, abort, jsonify, redirect, render_template, request, session
from joserfc import jwt
from joserfc.jwk import ECKey

from console.settings import DEVELOPMENT_ENVIRONMENTS, development_client_secret

TEMPLATES = Path(__file__).resolve().parent / "templates"
CLIENT_ID = "caf-console"
#: The second factor of the demonstration agents (development: a fixed one-time code).
DEVELOPMENT_OTP = "123456"
MULTI_FACTOR = "mfa"
SINGLE_FACTOR = "pwd"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a URN
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105
SERVICE_TOKEN_LIFETIME_S = 300
CONSOLE_TOKEN_LIFETIME_S = 36000  # a working day; ended earlier by the provider's logout

#: The agency's role table: role -> ``service.method`` it allows (the services'
#: AGENT_ROLE_METHODS; the console's menus follow it).
ROLE_METHODS: dict[str, list[str]] = {
    "accueil": [
        "identity.agent_find_account",
        "identity.agent_end_sessions",
        "identity.agent_send_code_by_letter",
        "lockout.agent_freeze_status",
        "lockout.lift_freeze",
        "delegation.agent_household_view",
    ],
    "gestion": [
        "identity.update_contacts",
        "identity.assign_nir",
        "identity.view_full_contacts",
        "delegation.register_household",
        "delegation.update_household",
    ],
}


@dataclass(frozen=True)
class DemoAgent:
    username: str
    subject: str
    name: str
    password: str
    roles: tuple[str, ...]
    agency: str = "Caf de Paris"


#: The demonstration agents (README, step 10; docs/console.md).
AGENTS = {
    agent.username: agent
    for agent in (
        DemoAgent(
            "claire.dupont",
            "agent-claire-dupont",
            "Claire DUPONT",
            "Accueil-Caf-2026",
            ("accueil",),
        ),
        DemoAgent(
            "marc.petit",
            "agent-marc-petit",
            "Marc PETIT",
            "Gestion-Caf-2026",
            ("accueil", "gestion"),
        ),
    )
}


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", TOKEN_EXCHANGE)


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    agent: DemoAgent
    acr: str
    amr: list[str]
    auth_time: int
    sid: str

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return self.amr


@dataclass
class Provider:
    """The provider's state, in memory: a restart ends every agent's session."""

    issuer: str
    client: Client
    single_factor: bool = False
    key: ECKey = field(
        default_factory=lambda: ECKey.generate_key("P-256", private=True, auto_kid=True)
    )
    codes: dict[str, Code] = field(default_factory=dict)
    #: the console's access tokens -> (agent, sid, acr, expires at): the exchange's subject tokens
    tokens: dict[str, tuple[DemoAgent, str, str, float]] = field(default_factory=dict)
    #: provider sessions still open (ended by /session/end)
    sessions: set[str] = field(default_factory=set)
    nonces: set[str] = field(default_factory=set)

    def service_token(self, agent: DemoAgent, acr: str, audience: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": audience,
            "sub": agent.subject,
            "name": agent.name,
            "client_id": self.client.client_id,
            "iat": now,
            "exp": now + SERVICE_TOKEN_LIFETIME_S,
            "jti": secrets.token_hex(12),
            "acr": acr,
            "roles": list(agent.roles),
            "agency": agent.agency,
        }
        header = {"alg": "ES256", "kid": self.key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.key, algorithms=["ES256"])


def create_app(provider: Provider, secret_key: bytes) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config.update(
        SECRET_KEY=secret_key,
        SESSION_COOKIE_NAME="agents_idp",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": CONSOLE_TOKEN_LIFETIME_S},
    )

    def save_token(token: dict[str, Any], oauth_request: Any) -> None:
        code: Code = oauth_request.authorization_code
        expires = time.time() + int(token.get("expires_in", CONSOLE_TOKEN_LIFETIME_S))
        provider.tokens[token["access_token"]] = (code.agent, code.sid, code.acr, expires)

    server = AuthorizationServer(
        app,
        query_client=lambda cid: provider.client if cid == provider.client.client_id else None,
        save_token=save_token,
    )

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012

        def save_authorization_code(self, code: str, oauth_request: Any) -> None:
            signed_in = oauth_request.user
            provider.codes[code] = Code(
                code=code,
                client_id=oauth_request.client.client_id,
                redirect_uri=oauth_request.payload.redirect_uri,
                scope=oauth_request.payload.scope,
                nonce=oauth_request.payload.data.get("nonce"),
                code_challenge=oauth_request.payload.data.get("code_challenge"),
                code_challenge_method=oauth_request.payload.data.get("code_challenge_method"),
                **signed_in,
            )
            if code_nonce := oauth_request.payload.data.get("nonce"):
                provider.nonces.add(code_nonce)

        def query_authorization_code(self, code: str, client: Any) -> Code | None:
            found = provider.codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> Code:
            return authorization_code  # the sign-in behind the code: the agent and its session

    class IdToken(OpenIDCode):
        def exists_nonce(self, nonce: str, oauth_request: Any) -> bool:
            return nonce in provider.nonces

        def resolve_client_private_key(self, client: Any) -> ECKey:
            return provider.key

        def get_client_algorithm(self, client: Any) -> str:
            return "ES256"

        def get_encode_header(self, client: Any) -> dict[str, str]:
            return {"alg": "ES256", "kid": str(provider.key.kid), "typ": "JWT"}

        def get_client_claims(self, client: Any) -> dict[str, Any]:
            return {"iss": provider.issuer, "aud": [client.get_client_id()]}

        def generate_user_info(self, user: Code, scope: str) -> UserInfo:
            agent = user.agent
            return UserInfo(
                sub=agent.subject,
                name=agent.name,
                roles=list(agent.roles),
                agency=agent.agency,
                sid=user.sid,
            )

    class TokenExchange(grants.BaseGrant, grants.TokenEndpointMixin):
        """RFC 8693: the console's access token (subject) for a service's (audience)."""

        GRANT_TYPE = TOKEN_EXCHANGE
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012

        def validate_token_request(self) -> None:
            client = self.authenticate_token_endpoint_client()
            form = self.request.form
            if form.get("subject_token_type") != ACCESS_TOKEN_TYPE:
                raise InvalidRequestError("subject_token_type: an access token is expected")
            audience = form.get("audience", "")
            if audience not in ("identity", "lockout", "delegation", "notification"):
                raise InvalidRequestError("audience: one service of the platform")
            held = provider.tokens.get(form.get("subject_token", ""))
            if held is None or held[3] < time.time() or held[1] not in provider.sessions:
                raise InvalidGrantError("the agent's session at the provider has ended")
            self.request.client = client
            self.exchange = (held, audience)

        def create_token_response(self) -> tuple[int, dict[str, Any], list[Any]]:
            (agent, _sid, acr, _exp), audience = self.exchange
            body = {
                "access_token": provider.service_token(agent, acr, audience),
                "issued_token_type": ACCESS_TOKEN_TYPE,
                "token_type": "Bearer",
                "expires_in": SERVICE_TOKEN_LIFETIME_S,
            }
            return 200, body, self.TOKEN_RESPONSE_HEADER

    server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])
    server.register_grant(TokenExchange)

    @app.after_request
    def headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; form-action 'self' http: https:;"
            " frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        base = provider.issuer
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            jwks_uri=f"{base}/jwks",
            end_session_endpoint=f"{base}/session/end",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code", TOKEN_EXCHANGE],
            code_challenge_methods_supported=["S256"],
            id_token_signing_alg_values_supported=["ES256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            acr_values_supported=[MULTI_FACTOR, SINGLE_FACTOR],
            subject_types_supported=["public"],
            scopes_supported=["openid", "profile"],
            claims_supported=["sub", "name", "roles", "agency", "acr", "amr", "sid"],
        )

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.get("/authorize")
    def authorize() -> Any:
        grant = server.get_consent_grant(end_user=None)  # refuses a bad client or redirect
        if grant.request.payload.data.get("code_challenge_method") != "S256":
            return server.create_authorization_response(grant_user=None)  # access_denied
        signed_in = session.get("signed_in")
        if signed_in and signed_in["sid"] in provider.sessions:
            user = {**signed_in, "agent": AGENTS[signed_in["agent"]]}
            return server.create_authorization_response(grant_user=user)
        session["pending"] = request.query_string.decode()
        return render_template("provider_login.html", error=None)

    @app.post("/login")
    def login() -> Any:
        agent = AGENTS.get(request.form.get("username", "").strip())
        password = request.form.get("password", "")
        if "pending" not in session:
            abort(400)
        if agent is None or not secrets.compare_digest(password, agent.password):
            return render_template(
                "provider_login.html", error="Identifiant ou mot de passe incorrect."
            ), 401
        session["first_factor"] = agent.username
        return render_template(
            "provider_otp.html", error=None, single_factor=provider.single_factor
        )

    @app.post("/otp")
    def otp() -> Any:
        username = session.get("first_factor")
        if username is None or "pending" not in session:
            abort(400)
        if request.form.get("skip") == "1" and provider.single_factor:
            acr, amr = SINGLE_FACTOR, ["pwd"]
        elif secrets.compare_digest(request.form.get("code", "").strip(), DEVELOPMENT_OTP):
            acr, amr = MULTI_FACTOR, ["pwd", "otp"]
        else:
            return render_template(
                "provider_otp.html", error="Code incorrect.", single_factor=provider.single_factor
            ), 401
        sid = secrets.token_urlsafe(16)
        provider.sessions.add(sid)
        pending = session.pop("pending")
        session.pop("first_factor", None)
        session["signed_in"] = {
            "agent": username,
            "acr": acr,
            "amr": amr,
            "auth_time": int(time.time()),
            "sid": sid,
        }
        return redirect(f"{provider.issuer}/authorize?{pending}")

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    @app.route("/session/end", methods=["GET", "POST"])
    def end_session() -> Any:
        """RP-initiated logout, and the agent's own « Se déconnecter » at the provider."""
        signed_in = session.pop("signed_in", None)
        if signed_in:
            provider.sessions.discard(signed_in["sid"])
        back = request.values.get("post_logout_redirect_uri", "")
        consoles = [u.rsplit("/connexion/", 1)[0] + "/" for u in provider.client.redirect_uris]
        if back and any(back.startswith(console) for console in consoles):
            state = request.values.get("state")
            return redirect(back + ("?" + urlencode({"state": state}) if state else ""))
        return render_template("provider_logged_out.html")

    @app.get("/")
    def home() -> Any:
        return render_template("provider_logged_out.html", signed_in=session.get("signed_in"))

    return app


def demonstration_token(
    issuer: str, console_url: str, client_secret: str, audience: str, username: str = "marc.petit"
) -> str:
    """A demonstration agent's access token for ``audience``, the way the console gets one: the
    agent's sign-in (password, second factor, PKCE) in a scripted browser, then the token
    exchange. For development tools (``make demo-household``) when the services verify agents'
    tokens, as in `make run`."""
    import base64
    import hashlib
    from urllib.parse import parse_qs, urlsplit

    import requests

    agent = AGENTS[username]
    browser = requests.Session()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    redirect_uri = console_url.rstrip("/") + "/connexion/retour"
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid profile",
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
    }
    browser.get(f"{issuer}/authorize", params=query, timeout=10).raise_for_status()
    browser.post(
        f"{issuer}/login", data={"username": username, "password": agent.password}, timeout=10
    ).raise_for_status()
    back = browser.post(
        f"{issuer}/otp", data={"code": DEVELOPMENT_OTP}, timeout=10, allow_redirects=False
    )
    back = browser.get(back.headers["Location"], timeout=10, allow_redirects=False)
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    auth = (CLIENT_ID, client_secret)
    tokens = browser.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=auth,
        timeout=10,
    )
    tokens.raise_for_status()
    exchanged = browser.post(
        f"{issuer}/token",
        data={
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": tokens.json()["access_token"],
            "subject_token_type": ACCESS_TOKEN_TYPE,
            "audience": audience,
        },
        auth=auth,
        timeout=10,
    )
    exchanged.raise_for_status()
    return str(exchanged.json()["access_token"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m console.dev.agents_provider")
    parser.add_argument("--role-table", action="store_true", help="print AGENT_ROLE_METHODS")
    parser.add_argument("--single-factor", action="store_true", help="tests: allow acr=pwd")
    arguments = parser.parse_args(argv)
    if arguments.role_table:
        print(json.dumps(ROLE_METHODS, ensure_ascii=False))
        return
    environment = os.environ.get("ENVIRONMENT", "development")
    if environment not in DEVELOPMENT_ENVIRONMENTS:
        sys.exit("the development agents' provider runs only in ENVIRONMENT development or test")
    port = int(os.environ.get("CONSOLE_DEV_PROVIDER_PORT", "8093"))
    issuer = os.environ.get("CONSOLE_OIDC_ISSUER", f"http://localhost:{port}")
    console_url = os.environ.get("CONSOLE_PUBLIC_URL", "http://localhost:8092").rstrip("/")
    data_dir = Path(os.environ.get("DATA_DIR", "var"))
    secret = os.environ.get("CONSOLE_OIDC_CLIENT_SECRET") or development_client_secret(data_dir)
    others = os.environ.get("CONSOLE_DEV_PROVIDER_OTHER_CONSOLES", "")  # tests: more consoles
    urls = [console_url, *(u.strip().rstrip("/") for u in others.split(",") if u.strip())]
    client = Client(CLIENT_ID, secret, tuple(u + "/connexion/retour" for u in urls))
    provider = Provider(issuer, client, single_factor=arguments.single_factor)
    app = create_app(provider, secrets.token_bytes(32))
    from werkzeug.serving import make_server

    print(f"development agents' provider on {issuer}", flush=True)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
