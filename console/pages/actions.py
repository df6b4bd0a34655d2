"""``/dossier/<slug>``: one action of the catalogue on the open person, in three steps: its
form (the fields and the reason), a review of what will happen, then « Confirmer » and the call.
The service decides: a refusal of its agents' gate says why, its field errors go back to the
form, and an answer that did nothing says so."""

from __future__ import annotations

import logging
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for

from connexion_client import InvalidInput
from shared.identifiers import InvalidIdentifier, parse_nir

from .. import rpc
from ..settings import current as settings
from .action_catalogue import ACTIONS, HOUSEHOLD_FIELDS, OUTCOMES, Action
from .blueprint import blueprint
from .refusals import refused

log = logging.getLogger("console")


@blueprint.route("/dossier/<slug>", methods=["GET", "POST"])
def act(slug: str) -> Any:
    action = ACTIONS.get(slug)
    person = session.get("person")
    if action is None:
        return render_template("error.html", title="Page introuvable", code=404), 404
    if not person:
        return redirect(url_for("pages.search"))
    values = {name: request.form.get(name, "").strip() for name, _, _ in action.fields}
    if request.method == "GET" and "allocataire_nir" in values and person["kind"] == "nir":
        values["allocataire_nir"] = person["identifier"]
    reason = request.form.get("reason", person["reason"])
    step = request.form.get("step", "form") if request.method == "POST" else "form"
    errors = check(action, values, reason) if step in ("review", "confirm") else {}
    if step == "review" and not errors:
        return render_template(
            "confirm.html",
            title=f"Confirmer : {action.title}",
            action=action,
            person=person,
            values=values,
            reason=reason,
        )
    if step == "confirm" and not errors:
        done, errors = _confirmed(action, person, values, reason)
        if done is not None:
            return done
    return render_template(
        "action.html",
        title=action.title,
        action=action,
        person=person,
        values=values,
        reason=reason,
        errors=errors,
    ), (400 if errors else 200)


def check(action: Action, values: dict[str, str], reason: str) -> dict[str, str]:
    """The form's errors by field, in French (a NIR typed is put in its display form)."""
    errors = {}
    if reason not in settings().agent_reason_labels:
        errors["reason"] = "Choisissez le motif de l'action."
    if action.slug == "coordonnees" and not (values.get("email") or values.get("phone")):
        errors["email"] = "Saisissez une adresse mail, un numéro de mobile, ou les deux."
    if action.slug == "attribuer-un-nir":
        try:
            values["nir"] = parse_nir(values.get("nir", "")).display
        except InvalidIdentifier as invalid:
            errors["nir"] = str(invalid)
    if action.fields == HOUSEHOLD_FIELDS:
        required = ("dossier_number", "allocataire_nir", "allocataire_first_names")
        for name in (*required, "allocataire_birth_name"):
            if not values.get(name):
                errors[name] = "Champ obligatoire."
        spouse = ("conjoint_nir", "conjoint_first_names", "conjoint_birth_name")
        if any(values.get(n) for n in spouse) and not all(values.get(n) for n in spouse):
            errors["conjoint_nir"] = "Pour le conjoint : NIR, prénoms et nom de naissance."
    return errors


def _confirmed(
    action: Action, person: dict[str, str], values: dict[str, str], reason: str
) -> tuple[Any, dict[str, str]]:
    """The confirmed action's call: the answer to give (back to the dossier, which says what
    was done, or the refusal's page), or the service's errors by field for the form."""
    try:
        done = perform(action, person["identifier"], values, reason)
    except InvalidInput as refusal:
        if refusal.code == "agent_unauthorized":
            return refused(refusal), {}
        errors = {
            k: " ".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in _flat(refusal.fields).items()
        }
        return None, errors or {"reason": refusal.message}
    log.info("agent action %s answered (request %s)", action.method, rpc.correlation_id())
    if done.get("outcome") in OUTCOMES:
        flash(f"{action.title} : {OUTCOMES[done['outcome']]}", "warning")
    else:
        flash(f"{action.title} : c'est fait.", "success")
    return redirect(url_for("pages.dossier")), {}


def perform(action: Action, identifier: str, values: dict[str, str], reason: str) -> dict[str, Any]:
    """The action's call; its answer (``outcome`` says whether something was done)."""
    if action.slug == "lever-le-gel":
        return rpc.lift_freeze(identifier, reason)
    if action.slug == "coordonnees":
        return rpc.update_contacts(identifier, {k: v for k, v in values.items() if v}, reason)
    if action.slug == "attribuer-un-nir":
        done = rpc.assign_nir(identifier, values["nir"], reason)
        if done.get("outcome") not in OUTCOMES:
            session["person"] = {**session["person"], "identifier": values["nir"], "kind": "nir"}
        return done
    if action.slug == "fermer-les-sessions":
        return rpc.end_sessions(identifier, reason)
    if action.slug == "code-par-courrier":
        return rpc.send_code_by_letter(identifier, reason)
    if action.slug == "enregistrer-un-foyer":
        return rpc.register_household(values["dossier_number"], _members(values), reason)
    return rpc.update_household(values["dossier_number"], _members(values), reason)


def _members(values: dict[str, str]) -> list[dict[str, str]]:
    """The household's composition as delegation files it."""
    members = []
    for role in ("allocataire", "conjoint"):
        if values.get(f"{role}_nir"):
            members.append(
                {
                    "nir": values[f"{role}_nir"],
                    "role": role,
                    "first_names": values[f"{role}_first_names"],
                    "birth_name": values[f"{role}_birth_name"],
                }
            )
    return members


def _flat(fields: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A refusal's field errors, nested ones (a household member's) at the top level."""
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            flat.update(_flat(value))
        else:
            flat[prefix + key] = value
    return flat
