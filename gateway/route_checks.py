"""Every route of the gateway, as an attacker sees it: one row per route (docs/security.md,
"Routes").

A test (gateway/tests/unit/test_route_checks.py) enumerates Flask's ``url_map`` and the OpenAPI
paths (docs/openapi.json) and fails when a route has no row here, or a row no route; then it
checks each row against the real application: a state-changing form without its CSRF token is
refused, an API call without its bearer token is refused, a page behind the session sends an
outsider to the login page, the rate limit announced is the one counted, every page showing
personal data answers ``Cache-Control: no-store``.

**Adding a route**: add its row below (the test names the missing one), saying what it changes,
what protects it, whether it needs a session, which limit counts it and whether it shows
personal data. A form that changes state needs ``CSRF``; an API operation needs ``BEARER``.
"""

from __future__ import annotations

from dataclasses import dataclass

# What protects a request that changes state.
CSRF = "csrf"  # Flask-WTF's token in the form (portal)
BEARER = "bearer"  # an OAuth 2 access token (API)
CLIENT_SECRET = "client-secret"  # noqa: S105 - a kind of protection: HTTP Basic id and secret
OIDC_STATE = "oidc-state"  # FranceConnect's state, bound to this browser by a cookie
#: Caf connect's authorization request: a registered client, its exact redirect URI and PKCE
#: S256 (a cross-site GET by design; it acts only for the person's own portal session)
OAUTH_REQUEST = "oauth-request"
#: Caf connect's RP-initiated logout (a cross-site GET by design): it ends the person's session
#: at once only for an ID token of that very session (``id_token_hint``); otherwise it asks on a
#: form of ours (CSRF)
ID_TOKEN_HINT = "id-token-hint"  # noqa: S105 - a kind of protection, not a token
NONE = "none"  # changes nothing, or only what anyone may start (a new captcha)

# Which session the route needs.
NO_SESSION = "none"
PORTAL_SESSION = "portal"  # the signed cookie holding identity's token (else: to /connexion)
API_SESSION = "api"  # X-Session-Token (else: 401 session_invalid)
DEVELOPMENT = "development"  # mounted only when DEV_MAILBOX is on (development and test)

# Which edge rate limit counts it (gateway/limits.py).
PER_SOURCE = "source"
PER_API_CLIENT = "api-client"
NOT_LIMITED = "none"


@dataclass(frozen=True)
class Route:
    rule: str  # as Flask spells it: /mon-compte/rubrique/<slug>
    methods: frozenset[str]
    changes_state: bool  # its POST or PUT (a GET-only row: its GET) changes something
    protection: str
    session: str
    rate_limit: str
    personal_data: bool  # shows or returns a person's data: Cache-Control no-store
    example: str | None = None  # a concrete path, for rules with variables
    note: str = ""


def _route(
    rule: str,
    methods: str,
    *,
    changes: bool = False,
    protection: str = NONE,
    session: str = NO_SESSION,
    limit: str = PER_SOURCE,
    personal: bool = False,
    example: str | None = None,
    note: str = "",
) -> Route:
    return Route(
        rule, frozenset(methods.split()), changes, protection, session, limit, personal, example,
        note,
    )  # fmt: skip


def _page(rule: str, *, personal: bool = True, session: str = NO_SESSION) -> Route:
    """A portal page and its form: GET shows it, POST sends it (CSRF)."""
    return _route(
        rule, "GET POST", changes=True, protection=CSRF, session=session, personal=personal
    )


def _api(
    rule: str, method: str, *, changes: bool = True, session: bool = False, personal: bool = True
) -> Route:
    """An operation of the HTTP API: a bearer token, counted per API client."""
    return _route(
        "/api/v1" + rule,
        method,
        changes=changes,
        protection=BEARER,
        session=API_SESSION if session else NO_SESSION,
        limit=PER_API_CLIENT,
        personal=personal,
        example="/api/v1" + rule.replace("<", "").replace(">", "").replace(
            "registration_id", UUID).replace("reset_id", UUID).replace("recovery_id", UUID).replace(
            "change_id", UUID),
    )  # fmt: skip


UUID = "6f1c2b1e-3a51-4c9e-9c1e-2f7d0e5a9b10"

ROUTES: tuple[Route, ...] = (
    # -- the portal: public pages
    _route("/", "GET", note="to Mon Compte or to the login page"),
    _route("/accessibilite", "GET"),
    _route("/mentions-legales", "GET"),
    _route("/informatique-et-libertes", "GET"),
    _route("/conseils-de-securite", "GET", note="« suivez le guide »: the security advice"),
    _route("/deconnecte", "GET"),
    _route("/affichage", "POST", changes=True, protection=CSRF, note="a display cookie"),
    # -- connexion
    _route("/connexion", "GET", personal=True, note="the remembered identifier, masked"),
    _route("/connexion", "POST", changes=True, protection=CSRF, personal=True),
    _route("/connexion/oublier", "POST", changes=True, protection=CSRF),
    _route(
        "/connexion/quitter",
        "POST",
        changes=True,
        protection=CSRF,
        note="« Quitter » the benefit entry (?prestation=): the pending request is forgotten",
    ),
    _route("/deconnexion", "POST", changes=True, protection=CSRF, note="revoked at identity"),
    _route("/protegez-vous", "GET", session=PORTAL_SESSION),
    _route("/verification-audio.wav", "GET", note="a new single-use challenge per listen"),
    _route(
        "/verification-mot-de-passe",
        "POST",
        protection=CSRF,
        note="the sixth bubble: identity.check_password, which rules hold (JSON, no-store)",
    ),
    # -- FranceConnect (the return legs are cross-site GETs: the state cookie binds them)
    _route("/franceconnect/connexion", "GET", note="starts a login at identity"),
    _route("/franceconnect/retour", "GET", changes=True, protection=OIDC_STATE, personal=True),
    _route("/franceconnect/deconnecte", "GET", changes=True, protection=OIDC_STATE),
    # -- Caf connect, the agency's OpenID provider (gateway/oidc/, docs/oidc-provider.md)
    _route("/.well-known/openid-configuration", "GET", note="discovery, public"),
    _route("/oauth2/jwks", "GET", note="the published keys, public"),
    _route(
        "/oauth2/authorize",
        "GET",
        changes=True,
        protection=OAUTH_REQUEST,
        personal=True,
        note="issues a code to a registered redirect URI for the person's portal session",
    ),
    _route("/oauth2/consentement", "POST", changes=True, protection=CSRF, personal=True),
    _route(
        "/oauth2/logout",
        "GET",
        changes=True,
        protection=ID_TOKEN_HINT,
        note="RP-initiated logout (gateway/oidc/logout.py): back to a registered address only",
    ),
    _route("/oauth2/logout", "POST", note="the form variant: a 303 to the same request as a GET"),
    _route(
        "/oauth2/deconnexion",
        "POST",
        changes=True,
        protection=CSRF,
        note="« Voulez-vous vous déconnecter ? » answered",
    ),
    _route("/oauth2/deconnecte", "GET", note="after a logout: the client's registered address"),
    _route("/oauth2/retour-application", "GET", note="« Rester connecté(e) »: back to the client"),
    _route("/oauth2/reprendre", "GET", note="back to the pending authorization request"),
    _route(
        "/oauth2/token",
        "POST",
        changes=True,
        protection=CLIENT_SECRET,
        personal=True,
        note="a code and its PKCE verifier (public clients) or the client's secret",
    ),
    _route("/oauth2/userinfo", "GET POST", protection=BEARER, personal=True),
    _route(
        "/oauth2/revoke",
        "POST",
        changes=True,
        protection=CLIENT_SECRET,
        note="RFC 7009: a client ends the family of one of its tokens (gateway/oidc/lifecycle.py)",
    ),
    _route(
        "/oauth2/introspect",
        "POST",
        protection=CLIENT_SECRET,
        personal=True,
        note="RFC 7662: only confidential clients whose record says introspection",
    ),
    # -- Créer Mon Compte
    _route("/creer-mon-compte", "GET"),
    _page("/creer-mon-compte/etat-civil"),
    _page("/creer-mon-compte/piece-identite"),
    _page("/creer-mon-compte/coordonnees"),
    _page("/creer-mon-compte/code"),
    _page("/creer-mon-compte/mot-de-passe"),
    _route(
        "/creer-mon-compte/quitter",
        "POST",
        changes=True,
        protection=CSRF,
        note="« Quitter »: identity.abandon_registration shreds the form",
    ),
    # -- Mot de passe oublié, identifiant provisoire oublié
    _page("/mot-de-passe-oublie"),
    _page("/mot-de-passe-oublie/envoi"),
    _page("/mot-de-passe-oublie/code"),
    _page("/mot-de-passe-oublie/nouveau"),
    _route("/mot-de-passe-oublie/depuis-la-campagne", "POST", changes=True, protection=CSRF),
    _route("/mot-de-passe-oublie/abandonner", "POST", changes=True, protection=CSRF),
    _page("/identifiant-provisoire-oublie"),
    _page("/identifiant-provisoire-oublie/envoi"),
    _page("/identifiant-provisoire-oublie/code"),
    # -- Mon Compte (verify_session and delegation.authorize on every request)
    _route("/mon-compte", "GET", session=PORTAL_SESSION, personal=True),
    _route(
        "/mon-compte/rubrique/<slug>",
        "GET",
        session=PORTAL_SESSION,
        personal=True,
        example="/mon-compte/rubrique/paiements",
    ),
    _route("/mon-compte/profil", "GET", session=PORTAL_SESSION, personal=True),
    _route("/mon-compte/historique", "GET", session=PORTAL_SESSION, personal=True),
    _page("/mon-compte/autorisations", session=PORTAL_SESSION),
    _page("/mon-compte/mot-de-passe", session=PORTAL_SESSION),
    _page("/mon-compte/profil/coordonnees", session=PORTAL_SESSION),
    _page("/mon-compte/profil/coordonnees/code", session=PORTAL_SESSION),
    _route(
        "/mon-compte/question-delegation",
        "POST",
        changes=True,
        protection=CSRF,
        session=PORTAL_SESSION,
    ),
    _route(
        "/mon-compte/session/prolonger",
        "POST",
        changes=True,
        protection=CSRF,
        session=PORTAL_SESSION,
    ),
    _route(
        "/mon-compte/deconnexion-partout",
        "POST",
        changes=True,
        protection=CSRF,
        session=PORTAL_SESSION,
    ),
    # -- files and probes
    _route("/static/<path:filename>", "GET", limit=NOT_LIMITED, example="/static/portal.css"),
    _route("/static/vendor/pico.min.css", "GET", limit=NOT_LIMITED, note="npm ci"),
    _route("/theme/<path:name>", "GET", limit=NOT_LIMITED, example="/theme/theme.css"),
    _route("/health/live", "GET", limit=NOT_LIMITED, note="kubelet"),
    _route("/health/ready", "GET", limit=NOT_LIMITED, note="kubelet"),
    _route("/metrics", "GET", limit=NOT_LIMITED, note="Prometheus; 404 through a proxy"),
    # -- development tools (DEV_MAILBOX: refused outside development and test)
    _route("/dev/messages", "GET", session=DEVELOPMENT, personal=True),
    _route(
        "/dev/courriers/<path:name>",
        "GET",
        session=DEVELOPMENT,
        personal=True,
        example="/dev/courriers/inconnu.pdf",
    ),
    # -- the HTTP API
    _route(
        "/api/v1/oauth/token",
        "POST",
        changes=True,
        protection=CLIENT_SECRET,
        personal=True,
        note="counted per source: the client is not known before its secret is checked",
    ),
    _route("/api/v1/openapi.json", "GET", note="the document, public"),
    _api("/passwords/check", "POST", changes=False, personal=False),
    _api("/login", "POST"),
    _api("/captchas", "POST", personal=False),
    _api("/captchas/audio", "POST", personal=False),
    _api("/registrations", "POST"),
    _api("/registrations/<registration_id>/code", "POST"),
    _api("/registrations/<registration_id>/code/verification", "POST"),
    _api("/registrations/<registration_id>/completion", "POST"),
    _api("/registrations/<registration_id>/abandonment", "POST"),
    _api("/password-resets", "POST"),
    _api("/password-resets/<reset_id>/code", "POST"),
    _api("/password-resets/<reset_id>/code/verification", "POST"),
    _api("/password-resets/<reset_id>/completion", "POST"),
    _api("/identifier-recoveries", "POST"),
    _api("/identifier-recoveries/<recovery_id>/code", "POST"),
    _api("/identifier-recoveries/<recovery_id>/completion", "POST"),
    _api("/session", "GET", changes=False, session=True),
    _api("/session/refresh", "POST", session=True),
    _api("/session/logout", "POST", session=True),
    _api("/session/logout-everywhere", "POST", session=True),
    _api("/account", "GET", changes=False, session=True),
    _api("/account/history", "GET", changes=False, session=True),
    _api("/account/password", "PUT", session=True),
    _api("/account/contacts", "POST", session=True),
    _api("/account/contacts/<change_id>/code", "POST", session=True),
    _api("/account/delegation", "GET", changes=False, session=True),
    _api("/account/delegation", "PUT", session=True),
    _api("/account/delegation/prompt", "GET", changes=False, session=True),
    _api("/account/delegation/prompt", "POST", session=True),
    _api("/account/authorizations", "POST", changes=False, session=True),
)
