"""``/recherche``: find a person by NIR or provisional identifier (never by name), with the
reason of the look-up. The look-up is identity's ``agent_find_account``, recorded by identity
and shown to the person: the dossier is shown from its answer (one display, one look-up)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, session

from connexion_client import InvalidInput
from shared.identifiers import Identifier, InvalidIdentifier, parse_identifier

from .. import rpc
from ..settings import current as settings
from . import dossier
from .blueprint import blueprint
from .refusals import UNAVAILABLE, refused

NOT_AN_IDENTIFIER = (
    "Saisissez un NIR (13 chiffres et la clé) ou un identifiant provisoire (P suivi de 8 chiffres)."
)


@blueprint.route("/recherche", methods=["GET", "POST"])
def search() -> Any:
    form = {"identifier": "", "reason": ""}
    errors: dict[str, str] = {}
    if request.method == "GET":
        session.pop("person", None)
    else:
        form = {k: request.form.get(k, "").strip() for k in form}
        identifier, errors = _checked(form)
        if identifier is not None:
            person = {"identifier": identifier.display, "kind": identifier.kind}
            found, errors = _look_up({**person, "reason": form["reason"]})
            if found is not None:
                return found
    status = 400 if errors else 200
    return render_template(
        "search.html", title="Rechercher une personne", form=form, errors=errors
    ), status


def _checked(form: dict[str, str]) -> tuple[Identifier | None, dict[str, str]]:
    """The identifier typed, or None and the fields' errors."""
    errors = {}
    identifier = None
    try:
        identifier = parse_identifier(form["identifier"])
    except InvalidIdentifier:
        errors["identifier"] = NOT_AN_IDENTIFIER
    if form["reason"] not in settings().agent_reason_labels:
        errors["reason"] = "Choisissez le motif de la consultation."
    return (None, errors) if errors else (identifier, errors)


def _look_up(person: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """The one look-up of the search: the dossier (or the refusal) to answer, or the errors to
    show on the search form."""
    try:
        found = rpc.find_account(person["identifier"], person["reason"])
    except InvalidInput as refusal:
        if refusal.code == "agent_unauthorized":
            return refused(refusal), {}
        return None, {"identifier": refusal.message}
    except UNAVAILABLE:
        # the reading is unavailable: the dossier opens on the identifier typed, its sections
        # say so, and the actions (which check the identifier) stay possible. Shown from this
        # attempt, not read again: identity may have recorded it (an answer too late, a fault
        # after the save), and one display is one look-up.
        session["person"] = person
        return dossier.show(person, ("unavailable", "")), {}
    if not found.get("found"):
        return None, {"identifier": "Aucun compte ne correspond à cet identifiant."}
    session["person"] = person
    return dossier.show(person, ("ok", found)), {}
