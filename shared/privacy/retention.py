"""The retention table (spec §17): every kind of stored personal data, why, on what legal basis,
for how long, where it lives, and what happens when its time is up. One source for the code
(the retention job, the person's view) and the documents (docs/privacy.md, the data-protection
file, the privacy notice), so they cannot drift apart.

Durations are settings the DPO sets (``RETENTION_*_DAYS``, ``LOCKOUT_IDLE_FORGET_DAYS``); the
table only names them.

>>> ROWS["connection_sources"].duration(settings)   # doctest: +SKIP
datetime.timedelta(days=183)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

#: How a row expires: the month key of its values is destroyed (``bucket``), the aggregate's own
#: key is destroyed once it is idle past the horizon (``aggregate``), the lockout ladder is
#: forgotten (``ladder``), the files are deleted (``spool``), its rows are deleted (``rows``),
#: or nothing expires it automatically (``file``).
Mechanism = Literal["bucket", "aggregate", "ladder", "spool", "rows", "file"]


@dataclass(frozen=True)
class RetentionRow:
    """One kind of stored personal data."""

    category: str
    label: str  # French, as the person reads it ("Mon historique", the notice)
    data: str
    purpose: str
    legal_basis: str
    store: str
    where: str
    at_expiry: str
    mechanism: Mechanism
    #: the settings field holding the duration in days (None: no automatic expiry)
    setting_field: str | None
    #: the settings class declaring that field, "module:Class"
    settings_class: str = "shared.runtime.settings:ServiceSettings"
    #: French, when nothing expires the row by time
    rule_text: str = ""

    def duration(self, settings: Any) -> timedelta | None:
        """The duration the DPO set, read off a service's settings (None: no automatic expiry)."""
        if self.setting_field is None:
            return None
        return timedelta(days=float(getattr(settings, self.setting_field)))

    def default_days(self) -> float | None:
        """The duration when no variable is set (for the documents)."""
        if self.setting_field is None:
            return None
        cls = _settings_class(self.settings_class)
        field = next(f for f in dataclasses.fields(cls) if f.name == self.setting_field)
        default: Any = field.default
        return float(default)

    def variable(self) -> str | None:
        """The environment variable the DPO sets (``RETENTION_DELIVERIES_DAYS``)."""
        if self.setting_field is None:
            return None
        return str(_settings_class(self.settings_class).env_name(self.setting_field))

    def kept_for(self, settings: Any = None) -> str:
        """How long, in French words: ``6 mois``, ``30 jours``, ``5 ans``, or the rule."""
        if self.setting_field is None:
            return self.rule_text
        days = (
            self.default_days()
            if settings is None
            else float(getattr(settings, self.setting_field))
        )
        return french_duration(float(days or 0))


def french_duration(days: float) -> str:
    """``183`` → ``6 mois``, ``365`` → ``1 an``, ``1826`` → ``5 ans``, ``30`` → ``30 jours``."""
    years = round(days / 365.25)
    if years >= 1 and abs(days - years * 365.25) <= 2:
        return f"{years} an" + ("s" if years > 1 else "")
    months = round(days / 30.44)
    if months >= 2 and abs(days - months * 30.44) <= 3:
        return f"{months} mois"
    whole = round(days)
    return f"{whole} jour" + ("s" if whole > 1 else "")


def _settings_class(path: str) -> Any:
    from shared import service_registry  # finds the services' packages without PYTHONPATH

    return service_registry.load(path)


PUBLIC_TASK = "RGPD art. 6-1-e (mission d'intérêt public : service des prestations familiales)"
SECURITY = f"{PUBLIC_TASK} ; art. 32 (sécurité du traitement)"

TABLE: tuple[RetentionRow, ...] = (
    RetentionRow(
        category="account",
        label="Votre compte (identifiant, état civil, coordonnées, mot de passe chiffré)",
        data="NIR or provisional identifier, civil status, contacts, password hash (argon2id),"
        " date, method and outcome of each login",
        purpose="let the person log in to Mon Compte and reach them about their account",
        legal_basis=PUBLIC_TASK,
        store="identity",
        where="Account aggregate, encrypted under the account's key",
        at_expiry="`python -m audit erase` destroys the account's keys in every store"
        " (crypto-shredding); the events stay, unreadable",
        mechanism="file",
        setting_field=None,
        rule_text="tant que votre dossier vit, puis selon la règle de conservation de la Caf",
    ),
    RetentionRow(
        category="connection_sources",
        label="Adresse IP et navigateur de chaque connexion ou tentative refusée",
        data="client IP address and user agent of each login and failed attempt; the keyed"
        " pseudonym of the source of every login, failure, refused attempt and reserved check",
        purpose="security of the account (spot a connection that is not the person's),"
        " shown in Mon historique",
        legal_basis=f"{SECURITY} ; CNIL délibération 2021-122 (journalisation)",
        store="identity, lockout",
        where="identity: login events of the Account, RefusedLoginAttempt,"
        " UnattributedLoginFailure and AccountExistsAnswer records; lockout: AttemptReserved;"
        " under the person's (or ladder's) key and the month's key",
        at_expiry="the month's key is destroyed: address and user agent read as erased; the"
        " date, method and outcome of the login stay with the account",
        mechanism="bucket",
        setting_field="retention_connection_sources_days",
    ),
    RetentionRow(
        category="lockout_ladders",
        label="Compteur d'échecs de connexion et gels",
        data="keyed pseudonym of the identifier (HMAC), times of failures and freezes,"
        " pseudonym of each attempt's source, back-office notes",
        purpose="stop password guessing (captcha, freezes), for identifiers with or without an"
        " account alike",
        legal_basis=SECURITY,
        store="lockout",
        where="FailedLoginLadder aggregate (agents' notes: the `agent_actions` row)",
        at_expiry="the ladder is forgotten: counters and freeze cleared, a `Forgotten` event"
        " recorded by the job if no login did it; the pseudonyms stay (see Decisions)",
        mechanism="ladder",
        setting_field="idle_forget_days",
        settings_class="lockout.settings:LockoutSettings",
    ),
    RetentionRow(
        category="unfinished_registrations",
        label="Inscription commencée mais jamais terminée",
        data="the registration form (identifier, civil status, contacts), verification steps",
        purpose="let the person finish creating their account",
        legal_basis=PUBLIC_TASK,
        store="identity",
        where="Registration aggregate, encrypted under the registration's key",
        at_expiry="the registration's key is destroyed: its form reads as erased (at once when"
        " the person leaves with « Quitter »: identity.abandon_registration)",
        mechanism="aggregate",
        setting_field="retention_unfinished_registrations_days",
    ),
    RetentionRow(
        category="deliveries",
        label="Messages envoyés (courriel, SMS, courrier) et adresse masquée",
        data="kind, channel, status, times and masked address of each message; the sealed"
        " message itself is erased as soon as the delivery is over",
        purpose="prove that a code or an alert was sent, answer the person's questions",
        legal_basis=PUBLIC_TASK,
        store="notification",
        where="Delivery aggregate; masked address under the person's key and the month's",
        at_expiry="the month's key is destroyed (masked address erased) and the delivery drops"
        " out of the person's view and export",
        mechanism="bucket",
        setting_field="retention_deliveries_days",
    ),
    RetentionRow(
        category="letter_spool",
        label="Courriers en attente d'impression (adresse postale et message)",
        data="each letter as a PDF (name, postal address, date, subject, message) and its row"
        " in the day's print index (subject)",
        purpose="let the print house print and post the letter",
        legal_basis=PUBLIC_TASK,
        store="notification",
        where="letter spool volume (`LETTER_SPOOL_DIR`, PersistentVolumeClaim"
        " notification-letters), one folder per day",
        at_expiry="the day's folder is deleted; an erasure deletes the person's letters and"
        " their index rows at once",
        mechanism="spool",
        setting_field="retention_letter_spool_days",
        settings_class="notification.settings:NotificationSettings",
    ),
    RetentionRow(
        category="agent_actions",
        label="Actions des agents de la Caf sur votre compte (qui, pourquoi)",
        data="agent identifier and name, agency, reason (a code of AGENT_REASONS, or free"
        " text) of back-office actions (NIR assigned, contacts updated, freeze lifted, sessions"
        " ended, code sent by letter) and of each look-up of a person by an agent, found or not"
        " (the agents' console, SPEC §19)",
        purpose="accountability of agents (who did what, why), answer a complaint; the person"
        " sees each look-up and action in « Mon historique »; the daily look-up limit",
        legal_basis=f"{PUBLIC_TASK} ; art. 5-2 (responsabilité)",
        store="identity, lockout",
        where="back-office events; identity: Account.AgentActed (the agent's name) and"
        " AgentLookups.AccountLookedUp (the operator; the agent as a keyed pseudonym) under the"
        " person's key, or the no-account key, and the month's key; the free-text reason under"
        " the month's key",
        at_expiry="the month's key is destroyed: the reason, the operator and the agent's name"
        " read as erased; the date, agency, reason code and action stay with the account",
        mechanism="bucket",
        setting_field="retention_agent_actions_days",
    ),
    RetentionRow(
        category="caf_connect",
        label="Applications que vous avez autorisées (Caf connect) et vos connexions à ces"
        " applications",
        data="for each application the person logged in to through Caf connect: its client id,"
        " the scopes allowed and whether consent was asked, and for each login the code's and"
        " tokens' records (SHA-256 digests, never a token), the portal session's id, the"
        " person's pairwise identifier for that application, times; a refresh token's reuse;"
        " each logout sent to an application when a session ended (back-channel logout: the"
        " session's id, the pairwise identifier, the cause, the logout token's jti and when it"
        " was delivered)",
        purpose="log the person in to the agency's applications without their password, end"
        " every token of a login when its session ends, tell each application when the session"
        " ends (and prove it was told once), detect a stolen refresh token",
        legal_basis=SECURITY,
        store="identity",
        where="ClientGrant, AuthorizationCode, TokenFamily, ApplicationLogins, ClientAssertion"
        " and BackchannelLogout records (ids, digests and the pairwise identifier only: no"
        " name, no NIR, no contact)",
        at_expiry="a code dies after 60 s, a login's tokens after the client type's refresh"
        " lifetime (OIDC_REFRESH_TTL_*_S) or with their session; the records stay with the"
        " account, and erasure leaves them pointing at an account that answers no claims",
        mechanism="file",
        setting_field=None,
        rule_text="tant que votre compte existe (les jetons eux-mêmes expirent en 30 jours au"
        " plus)",
    ),
    RetentionRow(
        category="request_markers",
        label="Trace technique de chaque demande traitée (pour ne jamais la traiter deux fois)",
        data="a keyed id of each state-changing request (from its message id), the method, and"
        " the answer it gave when one is kept (a login's outcome and the account id; never a"
        " password, a session or a code)",
        purpose="a request delivered again after a crash or a broker outage is not acted on"
        " twice (a login counted twice, a message sent twice)",
        legal_basis=SECURITY,
        store="identity, lockout, notification, delegation",
        where="the `request_markers` table of each store, written in the same transaction as"
        " the request's events",
        at_expiry="the rows are deleted",
        mechanism="rows",
        setting_field="retention_request_markers_days",
    ),
)

ROWS: dict[str, RetentionRow] = {row.category: row for row in TABLE}
