"""The timeline of one person across the four stores, in time order.

Each store's events about the person are read through the ids found by :mod:`audit.person`
and told in one line each (French, the agency's words). Personal data the person's key still
opens is shown; erased data reads ``[données effacées]``.

>>> for entry in timeline(stores, find_person(stores, "P12345678")):   # doctest: +SKIP
...     print(entry.line())
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared import service_registry

from .person import Person
from .values import ERASED, plain, when

LOGIN_REFUSALS = {
    "captcha_required": "captcha exigé avant toute vérification du mot de passe",
    "frozen": "connexion refusée : compte gelé",
    "invalid_credentials": "échec de connexion (identifiant ou mot de passe incorrect)",
    "invalid_credentials_froze": (
        "échec de connexion (mot de passe vérifié, incorrect) : cet échec a gelé le compte"
    ),
    "password_reset_required": "connexion refusée : mot de passe à renouveler",
}


#: at the same instant, the cause before its consequences: the registry lists them so
SERVICE_ORDER = tuple(service_registry.names())


@dataclass
class Entry:
    at: datetime
    service: str
    event: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    position: int = 0  # tie-break: version order within an aggregate

    def line(self) -> str:
        return f"{self.at.isoformat()}  {self.service:<12} {self.summary}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "service": self.service,
            "event": self.event,
            "summary": self.summary,
            "details": plain(self.details),
        }


def timeline(stores: Any, person: Person) -> list[Entry]:
    """Every entry about ``person`` in the four stores, oldest first."""
    entries = [entry for name in SERVICE_ORDER for entry in READERS[name](stores[name], person)]
    return sorted(entries, key=lambda e: (e.at, SERVICE_ORDER.index(e.service), e.position))


def _events(app: Any, aggregate_id: uuid.UUID) -> Iterator[tuple[str, Any]]:
    for event in app.events.get(aggregate_id):
        yield type(event).__name__, event


def _source(event: Any) -> str:
    source = vars(event).get("source")
    if source is None:
        return ""
    value = plain(source)
    if value == ERASED:
        return f" depuis {ERASED}"
    return f" depuis {value.get('ip', '?')}" if isinstance(value, dict) else ""


# --- identity -------------------------------------------------------------------------------


# Stored topics of identity's refused attempts: the first until identity/domain/ (still in the
# stores, see identity.domain.pinned_topics), the second since.
REFUSED_ATTEMPT_TOPICS = [
    "identity.login_records:RefusedLoginAttempt.Recorded",
    "identity.domain.login_records:RefusedLoginAttempt.Recorded",
]


def identity_entries(app: Any, person: Person) -> Iterator[Entry]:
    yield from _refused_attempts(app, person)
    yield from application_entries(app, person)
    for name, e in _events(app, person.account_id):
        summary = identity_summary(name, e)
        if summary is None:
            continue
        s = vars(e)
        details = {k: s[k] for k in ("method", "reason", "operator", "channel") if k in s}
        if s.get("source") is not None:
            details["source"] = s["source"]
        yield Entry(when(e), "identity", name, summary, details, e.originator_version)


def _refused_attempts(app: Any, person: Person) -> Iterator[Entry]:
    """Attempts refused before any password check live apart from the account (no contention
    on it during a storm): found by topic in the log, then by account id."""
    start = 1
    while True:
        batch = app.recorder.select_notifications(
            start=start, limit=1000, topics=REFUSED_ATTEMPT_TOPICS
        )
        for notification in batch:
            e = app.mapper.to_domain_event(notification)
            if e.account_id == person.account_id:
                summary = LOGIN_REFUSALS.get(e.reason, f"échec ({e.reason})")
                yield Entry(e.at, "identity", "LoginFailed", summary, {"reason": e.reason}, 0)
        if len(batch) < 1000:
            return
        start = batch[-1].id + 1


# Caf connect (issue #34): which application the person allowed and logged in to, and how
# those logins ended. Grants are found by topic in the log (their id is the client's and the
# pairwise subject's), the logins from the person's ApplicationLogins (one per account).

FAMILY_ENDS = {
    "revoked": "révoquée par l'application",
    "session_ended": "terminée avec la session Mon Compte",
}


def application_entries(app: Any, person: Person) -> Iterator[Entry]:
    from eventsourcing.utils import get_topic
    from identity.provider.families import ApplicationLogins
    from identity.provider.records import ClientGrant

    granted = get_topic(ClientGrant.Granted)  # type: ignore[attr-defined]
    grants = [
        e.originator_id
        for e in _by_topic(app, [granted])
        if str(e.account_id) == str(person.account_id)
    ]
    for grant_id in dict.fromkeys(grants):
        client_id = None
        for name, e in _events(app, grant_id):
            client_id = vars(e).get("client_id") or client_id  # older Widened events lack it
            yield _application_entry("ClientGrant." + name, e, client_id)
    logins = ApplicationLogins.id_for(str(person.account_id))
    families = [e.family_id for name, e in _events(app, logins) if name == "LoggedIn"]
    for family_id in dict.fromkeys(families):
        client_id = None
        for name, e in _events(app, uuid.UUID(family_id)):
            client_id = vars(e).get("client_id") or client_id
            if name != "Rotated":  # each refresh: too many, and nothing the person did
                yield _application_entry("TokenFamily." + name, e, client_id)


def _application_entry(name: str, e: Any, client_id: str | None) -> Entry:
    s = vars(e)
    application = f"l'application « {client_id} »"
    if name == "ClientGrant.Granted":
        how = "sur la page de consentement" if s["consented"] else "application de la Caf"
        text = f"{application} autorisée ({how}) : {' '.join(s['scopes'])}"
    elif name == "ClientGrant.Widened":
        scopes = s.get("allowed") or s["scopes"]
        text = f"autorisation de {application} étendue : {' '.join(scopes)}"
    elif name == "TokenFamily.Started":
        text = f"connexion à {application} par Caf connect (jetons émis)"
    elif name == "TokenFamily.ReuseDetected":
        text = f"jeton de rafraîchissement de {application} réutilisé : connexion terminée"
    else:  # TokenFamily.Ended
        ended = FAMILY_ENDS.get(s["reason"], s["reason"])
        text = f"connexion à {application} {ended}"
    details = {"client_id": client_id}
    if "scopes" in s:
        details["scopes"] = s.get("allowed") or s["scopes"]
    if "reason" in s:
        details["reason"] = s["reason"]
    return Entry(when(e), "identity", name, text, details, e.originator_version)


def _by_topic(app: Any, topics: list[str]) -> Iterator[Any]:
    start = 1
    while True:
        batch = app.recorder.select_notifications(start=start, limit=1000, topics=topics)
        for notification in batch:
            yield app.mapper.to_domain_event(notification)
        if len(batch) < 1000:
            return
        start = batch[-1].id + 1


def identity_summary(name: str, e: Any) -> str | None:
    s = vars(e)
    if name == "Registered":
        return f"inscription (identifiant {s['identifier_kind']})"
    if name == "LoginSucceeded":
        return f"connexion réussie ({s['method']}){_source(e)}"
    if name == "LoginFailed":
        return LOGIN_REFUSALS.get(s["reason"], f"échec ({s['reason']})") + _source(e)
    if name == "PasswordChanged":
        if s["reason"] == "reset":
            return "mot de passe réinitialisé (mot de passe oublié)"
        return f"mot de passe modifié ({s['reason']})"
    if name == "NirAssigned":
        return f"NIR attribué par {s['operator']}"
    if name == "ContactsUpdated":
        return f"coordonnées mises à jour par {s['operator']}"
    if name == "ProvisionalIdentifierSent":
        return f"identifiant provisoire envoyé ({s['channel']}, {s['reason']})"
    if name == "AgentActed":  # the agents' console (issue #35): who looked or acted, and why
        agent = plain(s["agent_name"]) if s.get("agent_name") is not None else None
        what = "consultation du compte" if s["kind"] == "agent_lookup" else s["action"]
        why = s["reason"] or "texte libre"
        return f"{what} par {agent or 'un agent'} ({s['agency']}, motif {why})"
    return None


# --- lockout --------------------------------------------------------------------------------


def lockout_entries(app: Any, person: Person) -> Iterator[Entry]:
    policy = app.ladder_policy
    for ladder_id in person.ladder_ids():
        failures = 0
        freeze_ends: datetime | None = None
        for name, e in _events(app, ladder_id):
            s, at, version = vars(e), when(e), e.originator_version
            if freeze_ends is not None and freeze_ends <= at:
                yield Entry(freeze_ends, "lockout", "FreezeEnded", "fin du gel", {}, version)
                freeze_ends = None
            if name == "AttemptFailed":
                failures += 1
                how = "délai dépassé" if s["expired"] else "mot de passe incorrect"
                yield Entry(at, "lockout", name, f"échec compté n°{failures} ({how})", {}, version)
                if failures == policy.captcha_after_failures:
                    yield Entry(
                        at, "lockout", "CaptchaRequired", "captcha exigé désormais", {}, version
                    )
            elif name == "Frozen":
                freeze_ends = s["until"]
                yield Entry(
                    at,
                    "lockout",
                    name,
                    f"compte gelé jusqu'à {s['until'].isoformat()} ({s['failures']} échecs)",
                    {"until": s["until"], "duration_s": s["duration_s"]},
                    version,
                )
            elif name in ("AttemptSucceeded", "Reset", "Forgotten"):
                lifted = s.get("lifted_freeze") and freeze_ends is not None
                cause = s.get("cause") or ("connexion réussie" if name != "Forgotten" else None)
                if failures or lifted or name == "Reset":
                    what = "gel levé" if lifted else "échecs remis à zéro"
                    by = f" par {s['operator']}" if s.get("operator") else ""
                    text = f"{what} ({cause or 'inactivité'}){by}"
                    yield Entry(at, "lockout", name, text, {"cause": cause}, version)
                failures, freeze_ends = 0, None
        if freeze_ends is not None:
            yield Entry(freeze_ends, "lockout", "FreezeEnded", "fin du gel", {}, 10**9)


# --- delegation -----------------------------------------------------------------------------

FILE_EVENTS = {
    "DelegationGranted": "délégation accordée au conjoint",
    "DelegationDeclined": "délégation refusée",
    "DelegationRevoked": "délégation révoquée",
    "DelegationPromptSkipped": "question de délégation reportée",
    "SeparationDeclared": "séparation déclarée",
    "SeparationSettled": "séparation prise en compte",
}


def delegation_entries(app: Any, person: Person) -> Iterator[Entry]:
    dossiers: list[str] = []
    person_id = person.person_id()
    if person_id is not None:
        for name, e in _events(app, person_id):
            if name == "JoinedHousehold":
                dossiers.append(e.dossier_key)
                yield Entry(when(e), "delegation", name, "rattaché à un dossier", {}, 0)
            elif name == "LeftHousehold":
                yield Entry(when(e), "delegation", name, "a quitté le dossier", {}, 0)
            elif name == "AccountLinked":
                yield Entry(when(e), "delegation", name, "compte relié au dossier", {}, 0)
    from delegation.domain import HouseholdFile

    for dossier_key in dict.fromkeys(dossiers):
        for name, e in _events(app, HouseholdFile.create_id(dossier_key)):
            s = vars(e)
            if name in FILE_EVENTS:
                details = {"reason": s["reason"]} if "reason" in s else {}
                text = FILE_EVENTS[name] + (f" ({s['reason']})" if "reason" in s else "")
                yield Entry(when(e), "delegation", name, text, details, e.originator_version)
            elif name == "MemberRoleChanged" and s.get("nir_key") == person.nir_key:
                text = f"rôle dans le dossier : {s['role']}"
                yield Entry(when(e), "delegation", name, text, {}, e.originator_version)


# --- notification ---------------------------------------------------------------------------


def notification_entries(app: Any, person: Person) -> Iterator[Entry]:
    app.board.catch_up()
    for delivery_id in app.board.deliveries_of(person.account_id):
        kind = channel = masked = "?"
        for name, e in _events(app, delivery_id):
            s, version = vars(e), e.originator_version
            if name == "Requested":
                kind, channel, masked = s["kind"], s["channel"], plain(s["masked_address"])
                text = f"message {kind} demandé ({channel} vers {masked})"
            elif name == "Sent":
                text = f"message {kind} remis ({channel} vers {masked})"
            elif name == "Failed":
                text = f"message {kind} : échec d'envoi ({s['error_code']}), nouvel essai prévu"
            elif name == "GivenUp":
                text = f"message {kind} abandonné ({s['error_code']})"
            else:
                continue
            details = {"delivery_id": delivery_id, "kind": kind, "channel": channel}
            yield Entry(when(e), "notification", name, text, details, version)


#: how each registered service's events are told (a test checks every service has one)
READERS: dict[str, Callable[[Any, Person], Iterator[Entry]]] = {
    "identity": identity_entries,
    "lockout": lockout_entries,
    "delegation": delegation_entries,
    "notification": notification_entries,
}
