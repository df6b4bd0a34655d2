"""The retention job's database role (``DATABASE_RETENTION_ROLE``): it may do what the retention
table (shared/privacy/retention.py) says expires in this store, and nothing more.

- Every store: read the history (to find what expired), append to the audit trail, and destroy
  per-person and month keys (``PersonalDataVault.erase``'s upsert: insert and update of
  ``personal_data_keys``). It deletes no row anywhere.
- Reading a key (``wrapped_key``): only where the table expires whole aggregates (``aggregate``,
  ``ladder`` rows: identity's unfinished registrations, lockout's ladders are loaded, hence
  decrypted); elsewhere (notification's month keys) only ``subject_id`` and ``erased_at``.
- Appending events: only where the table records one (``ladder``: lockout, "a ``Forgotten``
  event recorded by the job"). eventsourcing serialises appends with ``LOCK TABLE … IN
  EXCLUSIVE MODE``, which PostgreSQL grants only with UPDATE, DELETE or TRUNCATE: the role gets
  UPDATE on that one table (a rewritten event breaks the store's hash chain: ``audit
  chain-check``).

Granted by the migration (``runner --migrate-only``) after the tables exist, like the audit and
erasure roles; on the cluster CloudNativePG creates the login role (managed role "retention").

>>> grant_retention_role(url, "lockout", "retention", "stored_events", True)  # doctest: +SKIP
"""

from __future__ import annotations

from shared.privacy.retention import TABLE

KEYS = "personal_data_keys"
TRAIL = "audit_commands"


def _mechanisms(store: str) -> set[str]:
    return {row.mechanism for row in TABLE if store in (s.strip() for s in row.store.split(","))}


def records_events(store: str) -> bool:
    """Whether the retention table makes the job record events in ``store``."""
    return "ladder" in _mechanisms(store)


def reads_keys(store: str) -> bool:
    """Whether the job loads (decrypts) aggregates of ``store`` to expire them."""
    return bool({"aggregate", "ladder"} & _mechanisms(store))


def grant_retention_role(
    database_url: str, schema: str, role: str, events_table: str, store: str
) -> None:
    import psycopg
    from psycopg import sql

    def table(name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))

    who = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), who),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.Identifier(schema), who
        ),
        sql.SQL("GRANT INSERT ON {} TO {}").format(table(TRAIL), who),
        sql.SQL("GRANT INSERT (subject_id, wrapped_key, erased_at) ON {} TO {}").format(
            table(KEYS), who
        ),
        sql.SQL("GRANT UPDATE (wrapped_key, erased_at) ON {} TO {}").format(table(KEYS), who),
    ]
    if records_events(store):
        statements += [
            sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(table(events_table), who),
            sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                sql.Identifier(schema), who
            ),
        ]
    if not reads_keys(store):  # the keys stay unreadable: which subjects, which are erased
        statements += [
            sql.SQL("REVOKE SELECT ON {} FROM {}").format(table(KEYS), who),
            sql.SQL("GRANT SELECT (subject_id, erased_at) ON {} TO {}").format(table(KEYS), who),
        ]
    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement)
