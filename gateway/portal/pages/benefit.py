"""The seed's benefit entry: « Pour faire une demande de prestation, vous devez vous connecter ou
créer un compte ». ``/connexion?prestation=ALS`` (or ``/creer-mon-compte?demande=ALS``) holds the
code in the session when it is one of ``GATEWAY_BENEFIT_REQUESTS``; once the person has logged in
they go to that code's configured address, and only there: no address is ever read from the
request (an open redirect would send people from the agency's login to anyone's page).

>>> address_of("ALS")   # doctest: +SKIP
'/mon-compte/rubrique/demande-prestation'
"""

from __future__ import annotations

from typing import Any

from flask import current_app, session

from gateway import redirects

PENDING = "prestation"
#: What an account created without a benefit request records as ``benefit_request``: it was
#: created from « Créer Mon Compte » itself (docs/gateway.md).
NO_BENEFIT_REQUEST = "MON-COMPTE"


def address_of(code: str | None) -> str | None:
    """The configured address of ``code``; None for a code that is not configured."""
    if not code:
        return None
    return current_app.config["GATEWAY_SETTINGS"].benefit_addresses.get(code)


def hold(code: str | None) -> str | None:
    """Keeps ``code`` for after the login if it is configured; returns it (or None)."""
    if address_of(code) is None:
        return None
    session[PENDING] = code
    return code


def pending() -> str | None:
    code = session.get(PENDING)
    return code if address_of(code) else None


def forget() -> None:
    session.pop(PENDING, None)


def recorded_request() -> str:
    """The ``benefit_request`` a registration records: the pending code, or MON-COMPTE."""
    return pending() or NO_BENEFIT_REQUEST


def after_login(code: str | None) -> Any:
    """The redirect a login (password or FranceConnect) answers: to the configured address of
    the request that was pending before the session opened (``pending()`` read then: opening a
    session clears the rest), once; else to Mon Compte. A Caf connect authorization request
    waiting for this login comes first (gateway/oidc/pages.py)."""
    from gateway.oidc.pages import after_login as resume_authorization

    resumed = resume_authorization()
    if resumed is not None:
        return resumed
    address = address_of(code)
    return redirects.to_configured(address) if address else redirects.to_page("account.home")
