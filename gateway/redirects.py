"""Every redirect the gateway answers goes through here (docs/security.md, "Redirects").

A target that comes from the request (a form's ``next``) is followed only when, read as a browser
reads a ``Location`` header, it is a path of this portal from the allow-list below; anything
else goes to the page's default. A browser *normalises* a location before following it (WHATWG
URL): it drops tabs and newlines, turns ``\\`` into ``/``, decodes nothing but reads ``//host``
as another site, and some servers and proxies decode ``%2f``. So the target is not repaired: it
is refused as soon as it holds anything a normalisation could turn into something else (control
characters, spaces, backslashes, ``%``, non-ASCII characters such as a fullwidth solidus, dot
segments, a scheme, ``//``, a user-info ``@`` authority, a query or a fragment).

>>> same_site_path("/mon-compte/profil", "/mon-compte")            # doctest: +SKIP
'/mon-compte/profil'
>>> same_site_path("/\\\\evil.example/mon-compte", "/mon-compte")   # doctest: +SKIP
'/mon-compte'

Targets the portal computes itself (``url_for``) go through ``to_page``; addresses that identity
gives for an identity provider (FranceConnect's authorization and logout URLs) go through
``provider_url``: absolute ``https`` addresses without user-info or control characters (``http``
only in development and test, where the providers are local); addresses from the settings go
through ``to_configured``.
"""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

#: The portal's pages a ``next`` may lead back to (path prefixes, at a ``/`` boundary).
FOLLOWABLE = (
    "/connexion",
    "/deconnecte",
    "/mon-compte",
    "/creer-mon-compte",
    "/mot-de-passe-oublie",
    "/identifiant-provisoire-oublie",
    "/protegez-vous",
    "/accessibilite",
    "/mentions-legales",
    "/informatique-et-libertes",
)

#: The only characters a followed path may hold: letters, digits and ``/ - _ .``.
_PATH_CHARACTERS = frozenset(string.ascii_letters + string.digits + "/-_.")
_LONGEST = 256


def is_same_site_path(raw: Any, allowed: tuple[str, ...] = FOLLOWABLE) -> bool:
    """Whether ``raw`` is, before and after any normalisation, a GET page of this portal under
    one of the ``allowed`` prefixes."""
    if not _is_plain_path(raw):
        return False
    if not any(raw == prefix or raw.startswith(prefix + "/") for prefix in allowed):
        return False
    return _is_page(raw)


def _is_plain_path(raw: Any) -> bool:
    """A path that no browser, proxy or server reads as anything else."""
    if not isinstance(raw, str) or not 1 <= len(raw) <= _LONGEST:
        return False
    if not set(raw) <= _PATH_CHARACTERS:  # controls, \, %, space, ?, #, @, :, non-ASCII…
        return False
    if not raw.startswith("/") or raw.startswith("//"):
        return False
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return False
    return not any(segment in (".", "..") for segment in raw.split("/"))


def same_site_path(raw: Any, default: str, allowed: tuple[str, ...] = FOLLOWABLE) -> str:
    """``raw`` when it is safe to follow (``is_same_site_path``), ``default`` otherwise."""
    return raw if is_same_site_path(raw, allowed) else default


def back_to(raw: Any, default_endpoint: str, allowed: tuple[str, ...] = FOLLOWABLE) -> Any:
    """A redirect to the ``next`` the form sent, or to ``default_endpoint``'s page."""
    return redirect(same_site_path(raw, url_for(default_endpoint), allowed))


def to_page(endpoint: str, **values: Any) -> Any:
    """A redirect to one of the portal's own pages, by its endpoint."""
    return redirect(url_for(endpoint, **values))


def see_page(endpoint: str, **values: Any) -> Any:
    """A 303 to one of the portal's own pages: a POST answered by a GET of that page (RFC 9110
    §15.4.4), the ``values`` as its query (Caf connect's logout, gateway/oidc/logout.py)."""
    return redirect(url_for(endpoint, **values), code=303)


def provider_url(url: str) -> str:
    """An identity provider's address (from identity), checked before the browser is sent there.

    Raises ``ValueError`` when it is not an absolute https URL without user-info (http only in
    development and test) or holds characters a browser would drop or rewrite."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in url):
        raise ValueError("provider URL holds control characters, spaces or backslashes")
    parts = urlsplit(url)
    schemes: tuple[str, ...] = ("https",)
    if current_app.config["GATEWAY_SETTINGS"].environment in ("development", "test"):
        schemes = ("https", "http")
    if parts.scheme not in schemes or not parts.hostname or "@" in parts.netloc:
        raise ValueError("provider URL must be an absolute https URL without user-info")
    return url


def configured_url(address: str) -> str:
    """An address the operator configured (a benefit request's form, say): a plain path of this
    site (not necessarily the gateway's: the agency's other applications behind the same
    ingress), or an absolute URL as ``provider_url`` accepts it. Raises ``ValueError``."""
    if address.startswith("/"):
        if not _is_plain_path(address):
            raise ValueError("configured path must be plain: letters, digits, / - _ .")
        return address
    return provider_url(address)


def to_configured(address: str) -> Any:
    """A redirect to an address from the settings (``configured_url``), never from a request."""
    return redirect(configured_url(address))


def to_client(registered_uri: str, params: list[tuple[str, str]]) -> Any:
    """A redirect to an OAuth client's redirect URI (Caf connect, gateway/oidc/): one the
    client registered, matched exactly (``Client.check_redirect_uri``), with ``params``."""
    from authlib.common.urls import add_params_to_uri

    return redirect(add_params_to_uri(registered_uri, params))


def to_provider(url: str) -> Any:
    """A redirect to an identity provider's address (``provider_url``)."""
    return redirect(provider_url(url))


def _is_page(path: str) -> bool:
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:  # a missing trailing slash: Flask would redirect, do not follow
        return False
    except HTTPException:
        return False
    return True
