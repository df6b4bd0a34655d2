"""Error pages in French: a refused page (403), a missing one (404), a method a route does not
take (405, a CORS preflight included), an expired form (CSRF), an unreadable request (400), a
body too large (413), too many requests (429, with Retry-After), a fault (500) and the services
being unreachable (503). No stack trace, no identifier: the request's id only. Under
``/api/v1/`` the API answers its JSON problems instead (``api/problems.py``).

One row per page in ``PAGES``: what the person reads, the status, and whether the page shows the
request's reference (for a call to the agency's support)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    TooManyRequests,
)

from connexion_client import RemoteFault, ServiceTimeout, ServiceUnavailable
from gateway.rpc import correlation_id

log = logging.getLogger("gateway")


@dataclass(frozen=True)
class ErrorPage:
    catches: tuple[type[Exception], ...]
    status: int
    title: str
    message: str
    reference: bool = False  # shows the request's id
    logged: bool = False  # a service fault: logged as a warning (its type, the request's id)


# CSRFError is a BadRequest: Flask picks the handler of the most specific class first.
PAGES = (
    ErrorPage(
        (CSRFError,),
        400,
        "Formulaire expiré",
        "Ce formulaire a expiré ou a déjà été envoyé. Rechargez la page, puis recommencez.",
    ),
    ErrorPage((NotFound,), 404, "Page introuvable", "Cette page n'existe pas."),
    ErrorPage(
        (MethodNotAllowed,), 405, "Action impossible", "Cette action n'est pas possible ici."
    ),
    ErrorPage(
        (BadRequest,),
        400,
        "Requête invalide",
        "Cette demande n'a pas pu être lue. Revenez à la page précédente et recommencez.",
    ),
    ErrorPage(
        (RequestEntityTooLarge,),
        413,
        "Envoi trop volumineux",
        "Les informations envoyées dépassent la taille autorisée. Rien n'a été enregistré.",
    ),
    ErrorPage(
        (TooManyRequests,),
        429,
        "Trop de demandes",
        "Trop de demandes ont été reçues depuis votre connexion. Veuillez patienter quelques"
        " instants, puis recommencez.",
    ),
    ErrorPage(
        (InternalServerError,),
        500,
        "Erreur interne",
        "Une erreur interne est survenue. Veuillez réessayer plus tard.",
        reference=True,
    ),
    ErrorPage(
        (ServiceUnavailable, ServiceTimeout, RemoteFault),
        503,
        "Service momentanément indisponible",
        "Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes.",
        reference=True,
        logged=True,
    ),
)


def install(app: Flask) -> None:
    for page in PAGES:
        for caught in page.catches:
            app.register_error_handler(caught, _handler(page))


def _handler(page: ErrorPage) -> Any:
    def render(error: Exception) -> Any:
        if page.logged:
            log.warning(
                "service call failed: %s (request %s)", type(error).__name__, correlation_id()
            )
        headers = {}
        if isinstance(error, MethodNotAllowed):
            headers["Allow"] = ", ".join(error.valid_methods or [])
        html = render_template(
            "error.html",
            title=page.title,
            message=page.message,
            reference=correlation_id() if page.reference else None,
        )
        return html, page.status, headers

    return render
