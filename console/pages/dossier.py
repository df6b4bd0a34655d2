"""``/dossier``: the open person's account, freeze, household and recent history, and the
actions the agent's roles allow. Each display is a look-up (identity's ``agent_find_account``,
recorded and shown to the person), made once: by the search, or here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, session, url_for

from connexion_client import InvalidInput

from .. import rpc
from .action_catalogue import ACTIONS, Action
from .blueprint import allowed, blueprint
from .refusals import UNAVAILABLE, refusal_text

#: What a part of the dossier shows: ("ok", answer), ("refused", why), ("hidden", "") when the
#: role does not allow it, ("unavailable", ""), or ("provisional", "") (no household).
Part = tuple[str, Any]


@blueprint.get("/dossier")
def dossier() -> Any:
    person = session.get("person")
    if not person:
        return redirect(url_for("pages.search"))
    return show(person)


def show(person: dict[str, str], account: Part | None = None) -> Any:
    """The dossier page; ``account``: the look-up's answer when the search just made it (each
    display is otherwise a look-up, recorded by identity and shown to the person)."""
    identifier, reason = person["identifier"], person["reason"]
    if account is None:
        account = read("identity.agent_find_account", rpc.find_account, identifier, reason)
    freeze = read("lockout.agent_freeze_status", rpc.freeze_status, identifier, reason)
    household: Part = ("provisional", "")  # households know people by NIR only
    if person["kind"] == "nir":
        household = read("delegation.agent_household_view", rpc.household_view, identifier, reason)
    return render_template(
        "dossier.html",
        title="Dossier de la personne",
        person=person,
        account=account,
        freeze=freeze,
        household=household,
        actions=offered(person, account),
    )


def read(method: str, reader: Callable[..., dict[str, Any]], *args: Any) -> Part:
    """One part of the dossier, read by ``reader`` if the role allows ``method``."""
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


def offered(person: dict[str, str], account: Part) -> list[Action]:
    """The actions the agent's roles allow on this person: « Attribuer un NIR » for a
    provisional identifier only, no code by letter without a postal address on file (when
    identity says)."""
    state, found = account
    no_letter = (
        state == "ok"
        and isinstance(found, dict)
        and found.get("found")
        and found["account"].get("contacts", {}).get("postal_address") is False
    )
    return [
        a
        for a in ACTIONS.values()
        if allowed(a.method)
        and (not a.provisional_only or person["kind"] == "provisional")
        and not (no_letter and a.slug == "code-par-courrier")
    ]
