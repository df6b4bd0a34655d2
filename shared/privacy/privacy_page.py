"""``docs/privacy.md``, written from the retention table so it cannot drift from it: the table,
how data expires, the backup rule, the decisions. ``python -m tools.reference_docs`` writes it;
a test fails when the committed page differs.

>>> privacy_page().splitlines()[0]
'# Privacy: what we keep, how long, and proof that it goes'
"""

from __future__ import annotations

from .retention import TABLE, RetentionRow, french_duration

#: The backup retention the table allows: no longer than the shortest duration it sets, so an
#: expiry or an erasure reaches the backups within that many days more (docs/operations.md).
BACKUP_RETENTION_DAYS = 30


def shortest_duration_days() -> float:
    return min(d for d in (row.default_days() for row in TABLE) if d is not None)


def _duration_cell(row: RetentionRow) -> str:
    if row.setting_field is None:
        return f"{row.rule_text} (no automatic expiry)"
    days = row.default_days() or 0
    return f"`{row.variable()}` = {days:g} days ({french_duration(days)})"


def retention_table() -> list[str]:
    lines = [
        "| category | data | purpose | legal basis | duration (default) | where it lives"
        " | at expiry |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in TABLE:
        lines.append(
            f"| `{row.category}` | {row.data} | {row.purpose} | {row.legal_basis} | "
            f"{_duration_cell(row)} | `{row.store}`: {row.where} | {row.at_expiry} |"
        )
    return lines


PRIVACY_INTRO = """# Privacy: what we keep, how long, and proof that it goes

Generated from `shared/privacy/retention.py` by `python -m tools.reference_docs`; do not edit
by hand. The same table drives the retention job (`python -m audit retention`), the person's
view ("Mon historique", the GDPR export) and the data-protection file
([data-protection.md](data-protection.md), [privacy-notice.md](privacy-notice.md)).

## The retention table

Durations are configuration the agency's DPO sets (days; see
[configuration.md](configuration.md)); the defaults follow spec §17 and the CNIL's
recommendation on logging (délibération 2021-122: 6 months to 1 year for connection logs).
"""

PRIVACY_HOW = f"""
## How data expires without breaking replay or the hash chain

Events are never changed nor deleted: the hash chain (`python -m audit chain-check`) covers
them, and replay (`python -m audit replay-check`) rebuilds every aggregate from them. Expired
values are made unreadable the way an erasure does it: **crypto-shredding**, the destruction of
the key they are encrypted under (`shared/runtime/personal_data.py`).

- **Month keys** (`bucket` rows): a value that expires by time is encrypted under a key derived
  from two keys, the person's (account, ladder) and the month's of its category
  (`connection_sources/2024-03`). Destroying either makes it unreadable: the person's key on
  erasure (GDPR art. 17), the month's key when the month has expired for everyone. A month
  expires when its last day is older than the duration, so a value stays readable for the
  duration and at most one month more.
- **Aggregate keys** (`aggregate` rows): a registration never completed has its own key (the
  account id it drew at its start, which no account uses), destroyed once the registration
  started longer ago than the duration.
- **Ladders** (`ladder` row): a lockout ladder idle past `LOCKOUT_IDLE_FORGET_DAYS` is
  forgotten (the job records `Forgotten` when no login did): its counters and freeze are gone
  from its state, its status and the person's export. Agents' notes on it expire with the
  `agent_actions` row.
- **Accounts** (`file` row): nothing expires them by time; the agency's rule applies through
  `python -m audit erase IDENTIFIER --yes`.

A destroyed key reads back as erased (`PersonalData.erased`): timelines show
`[données effacées]`, "Mon historique" shows no source, the export says how long each kind is
kept. Replay compares erased with erased, and the chain covers the ciphertext, which does not
change: both checks stay green (`audit/tests/test_retention.py` moves the clock past each row).

## The retention job

`python -m audit retention [--store S]… [--json]` runs every row's expiry on each store (the
services' own settings and variables, like every audit command) and prints, per store and
category, **counts only** (keys destroyed, ladders forgotten), never an identifier or a value.
The same counts go to the logs (one JSON line per store and category) and to the Prometheus
counter `caf_retention_expired_total{{store, category}}`, pushed at the end of the run to the
Pushgateway named by `RETENTION_PUSHGATEWAY_URL` when it is set (a CronJob's pod lives too
briefly to be scraped). It is idempotent (a key destroyed twice counts once) and runs nightly
as the Kubernetes CronJobs `retention-identity`, `retention-lockout` and
`retention-notification` (deploy/k8s/base/retention.yaml; delegation has no row to expire).

## Backups

An expiry or an erasure destroys a key in `personal_data_keys`; a backup taken before still
holds it, so they take effect in backups when backups rotate. **The backup retention must not
exceed {BACKUP_RETENTION_DAYS} days**, no more than the shortest default duration of the table
({{shortest}} days). That retention is a *recovery window*: to restore any instant of the last
{BACKUP_RETENTION_DAYS} days, it keeps every base backup and WAL segment newer than the window
**and the newest base backup older than it** (with the WAL from there on), the one a restore to
the window's first instant starts from. So a destroyed key stays in the backups for the window
plus the time between two base backups: with the nightly base backups of the prod overlay, any
expired or erased value is gone from every copy at most {BACKUP_RETENTION_DAYS} days and one
night (≤ {BACKUP_RETENTION_DAYS} + 1 days) after it is gone from the store. A DPO who sets a
duration below that shortens the backup retention with it.
`tests/operations/test_k8s_backup_retention.py` checks the prod overlay (`retentionPolicy`,
today 30 days); restoring a backup brings back keys destroyed since, so run the retention job
and the erasures recorded since before reopening the service (docs/operations.md).

## Decisions

- Crypto-shredding rather than deleting events: the history stays replayable and the hash chain
  valid; only the personal values go.
- Month keys rather than one key per event: a handful of keys per category and month, one
  destruction per month and category, and the same code path as an erasure.
- A value is encrypted under both the person's key and the month's key (HKDF of the two), so an
  erasure still reaches values kept under a month key.
- Kept as pseudonyms, not encrypted: the keyed pseudonyms (HMAC under `PSEUDONYM_KEY`) of
  identifiers (they find an account or a ladder, and travel in integration events) and
  lockout's `SourceActivity` (the credential-stuffing throttle, a 10-minute window, keyed by the
  source's pseudonym). They reveal nothing without the key; making them expire too means
  wrapping them in a month-bucketed value in those events, as was done for the source
  pseudonyms of logins, failures, refused attempts and reserved checks. Not done yet.
- `LoginSucceeded` and `LoginFailed` still carry `source_key`: the relay opens it when it
  publishes, moments after the commit; an event republished after its month expired carries
  `null` there.
- Values recorded before the retention job existed carry no month: they expire only with the
  person's key (erasure). The service has no production data from before it.
- Registrations expire from their start, not their last step: a code is valid for minutes, so
  a registration 30 days old will never be completed.
- The person's view drops a delivery or a source at the exact duration, the job destroys the
  month key at the month's end plus the duration: what the person sees never outlives the table.
- Agents' look-ups and actions (the agents' console, SPEC §19): « Mon historique » shows every
  one on the account, **none hidden** (docs/security.md "Agents and the back office" says why),
  with the date, the agency and the reason's label; the agent's name is kept (`agent_actions`)
  but shown only when the agency sets `AGENT_NAME_SHOWN_TO_PERSON`. A look-up of an identifier
  with no account is recorded under the no-account key, for the agents' accountability: there is
  nobody to show it to.
"""


def privacy_page() -> str:
    how = PRIVACY_HOW.replace("{shortest}", f"{shortest_duration_days():g}")
    return "\n".join([PRIVACY_INTRO, *retention_table(), how])
