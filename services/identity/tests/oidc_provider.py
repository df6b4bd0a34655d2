"""A real OpenID Connect provider on localhost, shaped like FranceConnect v2, for the tests.

It serves discovery, JWKS, authorize, token, userinfo and end_session over HTTP in a thread of
the test process, and really signs its ID tokens and userinfo answers (joserfc, ES256 or
RS256). Each misbehaviour a test needs is a switch on :class:`Misbehaviour` — the client under
test is never mocked.

    provider = OidcProvider(clock).start()
    provider.person = {"sub": "…", "given_name": "…", …}
    url = rpc.identity.franceconnect_start()["authorization_url"]
    code, state = provider.browse(url)        # what the browser brings back to the redirect URI
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import requests
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from shared.runtime.clock import Clock
from shared.testing.receivers import free_port

CLIENT_ID = "caf-mon-compte-test"
CLIENT_SECRET = "secret-de-test-" + "x" * 32
REDIRECT_URI = "https://mon-compte.caf.test/franceconnect/callback"
POST_LOGOUT_URI = "https://mon-compte.caf.test/franceconnect/logged-out"


@dataclass
class Misbehaviour:
    """What the provider does wrong on the next tokens (all off: a correct provider)."""

    foreign_key: bool = False  # sign the ID token with a key absent from the JWKS
    audience: str | None = None  # another client's id in aud
    issuer: str | None = None
    nonce: str | None = None  # not the nonce of the authorization request
    lifetime_s: int = 60  # negative: already expired
    acr: str = "eidas1"
    userinfo_foreign_key: bool = False


@dataclass
class OidcProvider:
    clock: Clock
    algorithm: str = "ES256"
    port: int = field(default_factory=free_port)
    person: dict[str, Any] = field(default_factory=dict)
    misbehaviour: Misbehaviour = field(default_factory=Misbehaviour)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    end_session_requests: list[dict[str, str]] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.keys: dict[str, ECKey | RSAKey] = {
            "ES256": ECKey.generate_key("P-256", private=True, auto_kid=True),
            "RS256": RSAKey.generate_key(2048, private=True, auto_kid=True),
        }
        self.stranger: dict[str, ECKey | RSAKey] = {
            "ES256": ECKey.generate_key("P-256", private=True, auto_kid=True),
            "RS256": RSAKey.generate_key(2048, private=True, auto_kid=True),
        }
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2"

    def identity_config(self) -> dict[str, str]:
        """The identity service's settings for this provider."""
        return {
            "FRANCECONNECT_ISSUER": self.issuer,
            "FRANCECONNECT_CLIENT_ID": CLIENT_ID,
            "FRANCECONNECT_CLIENT_SECRET": CLIENT_SECRET,
            "FRANCECONNECT_REDIRECT_URIS": REDIRECT_URI,
            "FRANCECONNECT_POST_LOGOUT_REDIRECT_URI": POST_LOGOUT_URI,
        }

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> OidcProvider:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- what a browser does ----------------------------------------------------------------------

    def browse(self, authorization_url: str) -> tuple[str, str]:
        """Follows the authorization URL as the person's browser would, the person consenting:
        returns the ``code`` and ``state`` the provider sends back to the redirect URI."""
        answer = requests.get(authorization_url, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        back = parse_qs(urlparse(answer.headers["Location"]).query)
        assert back["iss"] == [self.issuer]
        return back["code"][0], back["state"][0]

    # -- the endpoints --------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "end_session_endpoint": f"{base}/session/end",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "acr_values_supported": ["eidas1"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.as_dict(private=False) for key in self.keys.values()]}

    def authorize(self, query: dict[str, str]) -> str:
        """The person authenticated and consented: the redirect back, with a fresh code."""
        self.authorize_requests.append(query)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"query": query, "person": dict(self.person)}
        back = {"code": code, "state": query["state"], "iss": self.issuer}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if grant is None or form.get("redirect_uri") != grant["query"]["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        wrong, now = self.misbehaviour, int(self.clock.now().timestamp())
        claims = {
            "iss": wrong.issuer or self.issuer,
            "aud": wrong.audience or CLIENT_ID,
            "sub": grant["person"]["sub"],
            "iat": now,
            "exp": now + wrong.lifetime_s,
            "nonce": wrong.nonce or grant["query"]["nonce"],
            "acr": wrong.acr,
            "amr": ["pwd"],
        }
        id_token = self.sign(claims, foreign=wrong.foreign_key)
        self.issued_id_tokens.append(id_token)
        access_token = secrets.token_urlsafe(32)
        self.access_tokens[access_token] = grant["person"]
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 60}
        return 200, {**body, "id_token": id_token}

    def userinfo(self, authorization: str) -> tuple[int, str]:
        person = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if person is None:
            return 401, ""
        claims = {**person, "iss": self.issuer, "aud": CLIENT_ID}
        return 200, self.sign(claims, foreign=self.misbehaviour.userinfo_foreign_key)

    def end_session(self, query: dict[str, str]) -> str:
        self.end_session_requests.append(query)
        return f"{query['post_logout_redirect_uri']}?{urlencode({'state': query['state']})}"

    def access_token(self, audience: str, roles: list[str], **changes: Any) -> str:
        """An agent's access token for one service (RFC 9068 JWT, ``typ: at+jwt``), as the
        agency's authorization server issues them; ``changes`` override claims (``lifetime_s``,
        ``typ``, ``foreign`` too)."""
        now = int(self.clock.now().timestamp())
        lifetime = changes.pop("lifetime_s", 300)
        typ = changes.pop("typ", "at+jwt")
        foreign = changes.pop("foreign", False)
        claims = {
            "iss": self.issuer,
            "aud": audience,
            "sub": "agent-7",
            "name": "Claire DUPONT",
            "client_id": "caf-back-office",
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
            "acr": "eidas2",
            "roles": roles,
            **changes,
        }
        key = (self.stranger if foreign else self.keys)[self.algorithm]
        header = {"alg": self.algorithm, "kid": self.keys[self.algorithm].kid, "typ": typ}
        return jwt.encode(header, claims, key, algorithms=[self.algorithm])

    def agent_config(self) -> dict[str, str]:
        """A service's settings to accept this provider's agents' tokens."""
        return {
            "AGENT_TOKEN_ISSUER": self.issuer,
            "AGENT_TOKEN_JWKS_URI": f"{self.issuer}/jwks",
            "AGENT_ROLE_METHODS": json.dumps(
                {
                    "contacts": ["identity.update_contacts", "identity.assign_nir"],
                    "freezes": ["lockout.lift_freeze"],
                    "households": [
                        "delegation.register_household",
                        "delegation.update_household",
                    ],
                    # the agents' console (SPEC §19): find, see, end sessions, letter
                    "accueil": [
                        "identity.agent_find_account",
                        "identity.agent_end_sessions",
                        "identity.agent_send_code_by_letter",
                        "lockout.agent_freeze_status",
                        "delegation.agent_household_view",
                    ],
                    "gestion": ["identity.view_full_contacts"],
                }
            ),
            "AGENT_TOKEN_ACR_VALUES": "eidas2,eidas3",
        }

    def sign(self, claims: dict[str, Any], foreign: bool) -> str:
        key = (self.stranger if foreign else self.keys)[self.algorithm]
        # A forgery names the genuine key: the signature itself must be what fails.
        header = {"alg": self.algorithm, "kid": self.keys[self.algorithm].kid, "typ": "JWT"}
        return jwt.encode(header, claims, key, algorithms=[self.algorithm])


def _handler(provider: OidcProvider) -> type[BaseHTTPRequestHandler]:
    prefix = "/api/v2"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            path = url.path.removeprefix(prefix)
            if path == "/.well-known/openid-configuration":
                self.answer(200, json.dumps(provider.discovery()), "application/json")
            elif path == "/jwks":
                self.answer(200, json.dumps(provider.jwks()), "application/json")
            elif path == "/authorize":
                self.redirect(provider.authorize(query))
            elif path == "/userinfo":
                status, body = provider.userinfo(self.headers.get("Authorization", ""))
                self.answer(status, body, "application/jwt")
            elif path == "/session/end":
                self.redirect(provider.end_session(query))
            else:
                self.answer(404, "{}", "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path.removeprefix(prefix) != "/token":
                self.answer(404, "{}", "application/json")
                return
            status, body = provider.token(form)
            self.answer(status, json.dumps(body), "application/json")

        def answer(self, status: int, body: str, content_type: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler
