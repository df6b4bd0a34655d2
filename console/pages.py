"""The console's screens: find a person (NIR or provisional identifier only, with a reason),
their dossier (account, freeze, household, recent history: token-gated reads only), and the
actions, each with a reason and a confirmation step. Menus follow the agent's roles (the
agency's table, ``AGENT_ROLE_METHODS``); the services decide, and a refusal says why.

The person whose dossier is open is kept in the console's session (never in a URL: an
identifier in a URL ends up in logs and histories).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError

from connexion_client import (
    CallRefused,
    ConnexionError,
    InvalidInput,
    RemoteFault,
    ServiceTimeout,
    ServiceUnavailable,
)
from shared.identifiers import InvalidIdentifier, parse_identifier, parse_nir

from . import agency, metrics, rpc
from .settings import ConsoleSettings

log = logging.getLogger("console")
blueprint = Blueprint("pages", __name__)

#: The services' agents' gate refusals (shared/runtime/agent_tokens.py), in French.
REFUSALS = {
    "role": "Votre rôle ne permet pas cette action : la table des rôles de la Caf la réserve à"
    " d'autres agents.",
    "acr": "Votre connexion n'a pas le niveau multi-facteur requis pour cette action.",
    "expired": "Votre autorisation pour cette action a expiré : recommencez.",
    "lifetime": "L'autorisation délivrée pour cette action n'est pas valable : recommencez.",
}
REFUSAL_DEFAULT = (
    "Le service n'a pas reconnu votre autorisation d'agent (configuration du fournisseur"
    " d'identité) : signalez-le à votre support."
)
UNAVAILABLE = (ServiceUnavailable, ServiceTimeout, RemoteFault, CallRefused)


@dataclass(frozen=True)
class Action:
    slug: str
    method: str  # service.method, as in the agency's role table
    title: str
    explanation: str
    fields: tuple[tuple[str, str, str], ...] = ()  # (name, label, hint)
    provisional_only: bool = False


HOUSEHOLD_FIELDS = (
    ("dossier_number", "Numéro de dossier", "4 à 20 chiffres ou lettres"),
    ("allocataire_nir", "NIR de l'allocataire", "Exemple : 1 85 05 75 123 456"),
    ("allocataire_first_names", "Prénoms de l'allocataire", "Comme sur l'état civil"),
    ("allocataire_birth_name", "Nom de naissance de l'allocataire", "Comme sur l'état civil"),
    ("conjoint_nir", "NIR du conjoint (facultatif)", "Laissez vide s'il n'y a pas de conjoint"),
    ("conjoint_first_names", "Prénoms du conjoint", "Facultatif"),
    ("conjoint_birth_name", "Nom de naissance du conjoint", "Facultatif"),
)


ACTIONS = {
    action.slug: action
    for action in (
        Action(
            "lever-le-gel",
            "lockout.lift_freeze",
            "Lever le gel du compte",
            "La personne pourra de nouveau se connecter tout de suite ; le compteur d'échecs"
            " repart de zéro.",
        ),
        Action(
            "coordonnees",
            "identity.update_contacts",
            "Mettre à jour les coordonnées",
            "Les anciennes coordonnées sont prévenues d'abord ; les nouvelles remplacent les"
            " anciennes.",
            (
                ("email", "Nouvelle adresse mail", "Exemple : nom@exemple.fr (facultatif)"),
                (
                    "phone",
                    "Nouveau numéro de téléphone mobile",
                    "Exemple : 06 12 34 56 78 (facultatif)",
                ),
            ),
        ),
        Action(
            "attribuer-un-nir",
            "identity.assign_nir",
            "Attribuer un NIR",
            "Le NIR remplace définitivement l'identifiant provisoire ; les sessions de la personne"
            " sont fermées.",
            (("nir", "NIR à attribuer", "13 chiffres et la clé, exemple : 1 85 05 75 123 456 78"),),
            provisional_only=True,
        ),
        Action(
            "fermer-les-sessions",
            "identity.agent_end_sessions",
            "Fermer toutes les sessions",
            "La personne est déconnectée de tous ses appareils.",
        ),
        Action(
            "enregistrer-un-foyer",
            "delegation.register_household",
            "Enregistrer un foyer",
            "Le foyer est créé avec sa composition ; ses membres pourront gérer la délégation.",
            HOUSEHOLD_FIELDS,
        ),
        Action(
            "modifier-le-foyer",
            "delegation.update_household",
            "Modifier le foyer",
            "La composition saisie remplace toute la composition actuelle du foyer.",
            HOUSEHOLD_FIELDS,
        ),
        Action(
            "code-par-courrier",
            "identity.agent_send_code_by_letter",
            "Envoyer un code par courrier",
            "Un code de réinitialisation du mot de passe part par courrier à l'adresse postale"
            " connue ; il vaut 30 jours.",
        ),
    )
}


def settings() -> ConsoleSettings:
    configured: ConsoleSettings = current_app.config["CONSOLE_SETTINGS"]
    return configured


def allowed(method: str) -> bool:
    return method in settings().methods_of(tuple(session.get("agent", {}).get("roles", [])))


@blueprint.before_request
def signed_in_only() -> Any:
    if "agent" not in session:
        return redirect(url_for("signin.home"))
    return None


@blueprint.app_context_processor
def shared() -> dict[str, Any]:
    return {
        "agent": session.get("agent"),
        "reasons": settings().agent_reason_labels,
        "demonstration": settings().environment != "production",
        "errors": {},
    }


@blueprint.route("/recherche", methods=["GET", "POST"])
def search() -> Any:
    errors: dict[str, str] = {}
    form = {"identifier": "", "reason": ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in form}
        try:
            identifier = parse_identifier(form["identifier"])
        except InvalidIdentifier:
            errors["identifier"] = (
                "Saisissez un NIR (13 chiffres et la clé) ou un identifiant provisoire (P suivi"
                " de 8 chiffres)."
            )
        if form["reason"] not in settings().agent_reason_labels:
            errors["reason"] = "Choisissez le motif de la consultation."
        if not errors:
            person = {
                "identifier": identifier.display,
                "kind": identifier.kind,
                "reason": form["reason"],
            }
            try:
                found = rpc.find_account(identifier.display, form["reason"])
            except InvalidInput as refusal:
                if refusal.code == "agent_unauthorized":
                    return refused(refusal)
                errors["identifier"] = refusal.message
            except UNAVAILABLE:
                # the reading is unavailable: the dossier opens on the identifier typed, its
                # sections say so, and the actions (which check the identifier) stay possible.
                # Shown from this attempt, not read again: identity may have recorded it (an
                # answer too late, a fault after the save), and one display is one look-up.
                session["person"] = person
                return _dossier(person, ("unavailable", ""))
            else:
                if not found.get("found"):
                    errors["identifier"] = "Aucun compte ne correspond à cet identifiant."
                else:  # shown from this answer: one look-up recorded, not two
                    session["person"] = person
                    return _dossier(person, ("ok", found))
    else:
        session.pop("person", None)
    status = 400 if errors else 200
    return render_template(
        "search.html", title="Rechercher une personne", form=form, errors=errors
    ), status


def _read(method: str, reader: Any, *args: Any) -> tuple[str, dict[str, Any] | str]:
    """("ok", answer), ("refused", why), ("hidden", "") when the role does not allow it, or
    ("unavailable", "")."""
    if not allowed(method):
        return "hidden", ""
    try:
        return "ok", reader(*args)
    except InvalidInput as refusal:
        if refusal.code == "agent_unauthorized":
            return "refused", refusal_text(refusal)
        return "refused", refusal.message
    except UNAVAILABLE:
        return "unavailable", ""


@blueprint.get("/dossier")
def dossier() -> Any:
    person = session.get("person")
    if not person:
        return redirect(url_for("pages.search"))
    return _dossier(person)


def _dossier(person: dict[str, str], account: tuple[str, Any] | None = None) -> Any:
    """The dossier page; ``account``: the look-up's answer when the search just made it (each
    display is otherwise a look-up, recorded by identity and shown to the person)."""
    identifier, reason = person["identifier"], person["reason"]
    if account is None:
        account = _read("identity.agent_find_account", rpc.find_account, identifier, reason)
    freeze = _read("lockout.agent_freeze_status", rpc.freeze_status, identifier, reason)
    household: tuple[str, Any] = ("provisional", "")  # households know people by NIR only
    if person["kind"] == "nir":
        household = _read("delegation.agent_household_view", rpc.household_view, identifier, reason)
    state, found = account
    no_letter = (  # a code by letter needs a postal address on file (when identity says)
        state == "ok"
        and isinstance(found, dict)
        and found.get("found")
        and found["account"].get("contacts", {}).get("postal_address") is False
    )
    actions = [
        a
        for a in ACTIONS.values()
        if allowed(a.method)
        and (not a.provisional_only or person["kind"] == "provisional")
        and not (no_letter and a.slug == "code-par-courrier")
    ]
    return render_template(
        "dossier.html",
        title="Dossier de la personne",
        person=person,
        account=account,
        freeze=freeze,
        household=household,
        actions=actions,
    )


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
    errors: dict[str, str] = {}
    step = request.form.get("step", "form") if request.method == "POST" else "form"
    if step in ("review", "confirm"):
        errors = _check(action, values, reason)
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
        try:
            done = _perform(action, person["identifier"], values, reason)
        except InvalidInput as refusal:
            if refusal.code == "agent_unauthorized":
                return refused(refusal)
            errors = {
                k: " ".join(map(str, v)) if isinstance(v, list) else str(v)
                for k, v in _flat(refusal.fields).items()
            } or {"reason": refusal.message}
        else:
            log.info("agent action %s answered (request %s)", action.method, rpc.correlation_id())
            if done.get("outcome") in ("unknown_identifier", "unknown_account", "not_frozen"):
                flash(f"{action.title} : {OUTCOMES[done['outcome']]}", "warning")
            else:
                flash(f"{action.title} : c'est fait.", "success")
            return redirect(url_for("pages.dossier"))
    status = 400 if errors else 200
    return render_template(
        "action.html",
        title=action.title,
        action=action,
        person=person,
        values=values,
        reason=reason,
        errors=errors,
    ), status


def _flat(fields: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            flat.update(_flat(value))
        else:
            flat[prefix + key] = value
    return flat


def _check(action: Action, values: dict[str, str], reason: str) -> dict[str, str]:
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


#: What an action's answer may say instead of « c'est fait ».
OUTCOMES = {
    "unknown_identifier": "aucun compte ne correspond à cet identifiant, rien n'a été fait.",
    "unknown_account": "aucun compte ne correspond à cet identifiant, rien n'a été fait.",
    "not_frozen": "le compte n'était pas gelé, rien n'a été fait.",
}


def _perform(
    action: Action, identifier: str, values: dict[str, str], reason: str
) -> dict[str, Any]:
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


def refusal_text(refusal: InvalidInput) -> str:
    reasons = refusal.fields.get("agent_token") or [""]
    return REFUSALS.get(str(reasons[0]), REFUSAL_DEFAULT)


def refused(refusal: InvalidInput) -> Any:
    return render_template(
        "refused.html", title="Action refusée", why="service", text=refusal_text(refusal)
    ), 403


def install_errors(app: Flask) -> None:
    @app.errorhandler(agency.ProviderSessionEnded)
    def provider_ended(_: Exception) -> Any:
        metrics.PROVIDER_SESSIONS_ENDED.inc()
        session.clear()
        session["ended"] = "provider"
        return redirect(url_for("signin.home"))

    @app.errorhandler(agency.ProviderUnavailable)
    def provider_unavailable(_: Exception) -> Any:
        return render_template(
            "error.html", title="Fournisseur d'identité indisponible", code=503
        ), 503

    @app.errorhandler(ConnexionError)
    def service_unavailable(_: Exception) -> Any:
        return render_template("error.html", title="Service indisponible", code=503), 503

    @app.errorhandler(CSRFError)
    def csrf_refused(_: Exception) -> Any:
        return render_template("error.html", title="Formulaire expiré", code=400), 400

    @app.errorhandler(404)
    def not_found(_: Exception) -> Any:
        return render_template("error.html", title="Page introuvable", code=404), 404

    @app.errorhandler(405)
    def not_allowed(_: Exception) -> Any:
        return render_template("error.html", title="Page introuvable", code=405), 405


PARIS = ZoneInfo("Europe/Paris")
HISTORY_KINDS = {
    "agent_lookup": "Consultation par un agent",
    "agent_action": "Action d'un agent",
}
CONNECTION_OUTCOMES = {
    "ok": "Connexion réussie",
    "invalid_credentials": "Échec de connexion (mot de passe erroné)",
    "invalid_credentials_froze": "Échec de connexion qui a gelé le compte",
    "captcha_required": "Connexion refusée (captcha demandé)",
    "source_throttled": "Connexion refusée (trop de tentatives depuis cette adresse)",
    "frozen": "Connexion refusée (compte gelé)",
    "password_reset_required": "Connexion refusée (mot de passe à réinitialiser)",
}
METHODS = {"password": "mot de passe", "franceconnect": "FranceConnect"}
ACTION_LABELS = {
    "agent_find_account": "consultation du compte",
    "lift_freeze": "levée du gel",
    "update_contacts": "mise à jour des coordonnées",
    "assign_nir": "attribution du NIR",
    "agent_end_sessions": "fermeture des sessions",
    "agent_send_code_by_letter": "code envoyé par courrier",
    "register_household": "enregistrement du foyer",
    "update_household": "modification du foyer",
}


@blueprint.app_template_filter("french_datetime")
def french_datetime(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(PARIS).strftime("%d/%m/%Y à %Hh%M")


@blueprint.app_template_filter("history_label")
def history_label(entry: dict[str, Any]) -> str:
    """An entry of the person's history (identity's ``connection_history`` shape) in French."""
    kind = entry.get("kind", "connection")
    if kind == "connection":
        outcome = str(entry.get("outcome"))
        label = CONNECTION_OUTCOMES.get(outcome, f"Connexion ({outcome})")
        method = METHODS.get(str(entry.get("method")), entry.get("method"))
        return label + (f" — {method}" if method else "")
    label = HISTORY_KINDS.get(str(kind), str(kind))
    action = ACTION_LABELS.get(str(entry.get("action")), entry.get("action"))
    details = [str(v) for v in (action, entry.get("agency"), entry.get("reason")) if v]
    return label + (" — " + ", ".join(details) if details else "")
