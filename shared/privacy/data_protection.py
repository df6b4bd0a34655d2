"""``docs/data-protection.md``, written from the retention table so it cannot drift from it:
the record of processing (registre, GDPR art. 30) and the inputs of the impact assessment (data
map, flows, processors, retention, threats). ``python -m tools.reference_docs`` writes it.

>>> data_protection_page().splitlines()[0]
'# Data-protection file'
"""

from __future__ import annotations

from .privacy_page import BACKUP_RETENTION_DAYS
from .retention import TABLE

PROCESSORS = (
    (
        "SMTP mail relay",
        "e-mail messages (codes, alerts)",
        "e-mail address, message",
        "`SMTP_HOST`",
    ),
    ("SMS gateway", "SMS messages (codes, alerts)", "phone number, message", "`SMS_GATEWAY_URL`"),
    ("letter printing (spool)", "letters", "postal address, message", "`DATA_DIR`/letters"),
    (
        "FranceConnect (DINUM)",
        "log in with another identity provider",
        "identity claims of the person (`sub`, names, birth date)",
        "`FRANCECONNECT_*`",
    ),
    (
        "hosting (Kubernetes, PostgreSQL, object storage for backups)",
        "runs the services and keeps the stores",
        "every store, encrypted personal values",
        "deploy/k8s",
    ),
)

FLOWS = (
    ("gateway (portal, mobile)", "identity", "NIR, password, contacts, client IP, user agent"),
    ("identity", "lockout", "keyed pseudonyms of identifier and source"),
    ("identity", "notification", "sealed codes and contacts (JWE), account id"),
    ("identity", "delegation", "account id, keyed pseudonym of the NIR"),
    ("notification", "mail relay / SMS gateway / print spool", "address and message"),
    ("back office", "identity, lockout, delegation", "agent identifier, reason"),
)


REGISTER = (
    ("name", 'Connexion à la personne: login to "Mon Compte" of the Caf'),
    ("controller", "*the Caisse d'allocations familiales (name, address)*"),
    ("data protection officer", "*the DPO's contact*"),
    ("purposes", "see below"),
    (
        "persons concerned",
        "members of a household file (allocataire, spouse, co-allocataire, children and"
        " others of age), agents of the Caf",
    ),
    (
        "categories of data",
        (
            "identification (NIR or provisional identifier, names, birth date), contacts "
            "(e-mail, phone, postal address), authentication (password hash, verification "
            "codes, sessions), connection data (IP address, user agent, times), back-office "
            "actions"
        ),
    ),
    ("sensitive data", "none; the NIR is processed under the décret n° 2019-341 (cadre NIR)"),
    ("recipients", "agents of the Caf (back office); processors below"),
    ("transfers outside the EU", "none"),
    ("retention", "the table below"),
    (
        "security measures",
        (
            "per-person encryption of personal values (AES-256-GCM), keyed pseudonyms in "
            "events and logs, argon2id, hash chain over every store, lockout ladder, TLS at the"
            " edge and inside the cluster (AMQPS, PostgreSQL verify-full), default-deny network"
            " policies, least-privilege roles for the audit tool and the retention job; see"
            " security.md"
        ),
    ),
)


def data_protection_page() -> str:
    rows = "\n".join(
        f"| {row.label} | {row.data} | `{row.store}` | {row.kept_for()} |" for row in TABLE
    )
    purposes = "\n".join(f"- {row.purpose} (`{row.category}`)" for row in TABLE)
    bases = "\n".join(f"- `{row.category}`: {row.legal_basis}" for row in TABLE)
    processors = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in PROCESSORS)
    register = "\n".join(f"| {a} | {b} |" for a, b in REGISTER)
    flows = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in FLOWS)
    return f"""# Data-protection file

Generated from `shared/privacy/retention.py` by `python -m tools.reference_docs`; do not edit
by hand. Fields in *italics* are the agency's to fill in.

## Record of processing (registre, GDPR art. 30)

| item | entry |
|---|---|
{register}

Purposes:

{purposes}

Legal bases:

{bases}

## Impact assessment inputs (AIPD / DPIA)

### Data map

| kind | data | store | kept |
|---|---|---|---|
{rows}

### Flows

| from | to | what |
|---|---|---|
{flows}

Integration events carry account ids and keyed pseudonyms only; codes and contacts travel sealed
(JWE) to the notification service ([events.md](events.md)).

### Processors

| processor | for | data | configured by |
|---|---|---|---|
{processors}

### Retention

The retention table of [privacy.md](privacy.md), enforced by `python -m audit retention`
(nightly CronJob); backups: a recovery window of {BACKUP_RETENTION_DAYS} days, which keeps the
newest base backup older than the window too (with nightly base backups, a value is gone from
every copy {BACKUP_RETENTION_DAYS} days and one night at most after it left the store).

### Threats

The threat table of [security.md](security.md#threat-table): who can reach what, what stops
them, and which test shows it (trust boundaries, spec §16).

### Rights of the person

Access: `python -m audit export IDENTIFIER` (and "Mon historique" on the portal); erasure:
`python -m audit erase IDENTIFIER --yes` ([audit.md](audit.md)); the privacy notice shown on the
portal's "Informatique et libertés" page: [privacy-notice.md](privacy-notice.md).
"""
