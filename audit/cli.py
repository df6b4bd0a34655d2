"""``python -m audit <command>``: replay, tamper evidence, timelines, point in time, GDPR.

Configuration is the services' own (``ServiceSettings.from_env(<service>)`` per store: the same
DATABASE_URL, DATABASE_SCHEMA_PREFIX, PSEUDONYM_KEY, PERSONAL_DATA_MASTER_KEY, … variables).
Every command is recorded first in the audit trail of each store it opens (who: AUDIT_OPERATOR,
why: AUDIT_REASON, which person: a keyed pseudonym, never the identifier); a store whose trail
cannot be written is not read (docs/audit.md).
Exit status: 0 all good, 1 a difference or a break was found, 2 bad usage or unknown person,
no operator named, or a trail that cannot be written.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from shared.identifiers import InvalidIdentifier, parse_identifier
from shared.runtime.audit_trail import TrailEntry
from shared.runtime.logging_setup import configure_logging
from shared.runtime.pseudonyms import Pseudonymizer
from shared.runtime.settings import ServiceSettings, SettingsError

from .chain_check import check_chain, report_dict
from .person import PersonNotFound, find_person
from .point_in_time import KINDS, NothingThen, state_at
from .privacy import erase, export
from .replay import replay_store
from .retention import run_retention
from .stores import STORES, Stores, TrailUnavailable
from .timeline import timeline

IDENTIFIER_HELP = (
    "NIR or provisional identifier (P + 8 digits); left out, the variable AUDIT_IDENTIFIER"
    " (a Job reads it from a Secret, so the identifier is in no manifest, command line or log)"
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m audit", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    for name, text in (
        ("replay-check", "rebuild every aggregate and read model from events, compare"),
        ("chain-check", "recompute each store's hash chain, name every break"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--store", action="append", choices=list(STORES))
        command.add_argument("--json", action="store_true")
    command = commands.add_parser(
        "retention", help="expire what the retention table says is past its time (counts only)"
    )
    command.add_argument("--store", action="append", choices=list(STORES))
    command.add_argument("--json", action="store_true")
    command = commands.add_parser("timeline", help="one person's history across services")
    command.add_argument("identifier", nargs="?", help=IDENTIFIER_HELP)
    command.add_argument("--json", action="store_true")
    command = commands.add_parser("at", help="an account, ladder or household at an instant")
    command.add_argument("kind", choices=KINDS)
    command.add_argument("key", help="identifier (account, ladder) or dossier number")
    command.add_argument("instant", help="ISO 8601, e.g. 2024-03-05T09:45:00Z")
    command = commands.add_parser("trail", help="who ran which audit command, about a person")
    command.add_argument(
        "person", nargs="?", help="NIR or provisional identifier (all if left out)"
    )
    command.add_argument("--store", action="append", choices=list(STORES))
    command = commands.add_parser("export", help="a person's data as JSON (GDPR art. 15)")
    command.add_argument("identifier", nargs="?", help=IDENTIFIER_HELP)
    command = commands.add_parser("erase", help="crypto-shred a person's data (GDPR art. 17)")
    command.add_argument("identifier", nargs="?", help=IDENTIFIER_HELP)
    command.add_argument("--yes", action="store_true", help="confirm: erasure is final")
    return top


def main(
    argv: list[str] | None = None,
    config: Mapping[str, Any] | None = None,
    out: TextIO | None = None,
    clock: Any = None,
) -> int:
    """Runs one command; ``config`` replaces the environment and ``clock`` the real clock
    (tests)."""
    args = parser().parse_args(argv)
    out = out or sys.stdout
    mapping = os.environ if config is None else config
    if "identifier" in vars(args) and args.identifier is None:
        args.identifier = mapping.get("AUDIT_IDENTIFIER", "").strip() or None
        if args.identifier is None:
            print("an identifier is required (argument or AUDIT_IDENTIFIER)", file=sys.stderr)
            return 2
    try:
        trail = trail_entry(args, mapping)
    except (SettingsError, MissingOperator) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    stores = Stores(config, trail, clock)
    try:
        return COMMANDS[args.command](stores, args, out)
    except (PersonNotFound, InvalidIdentifier, NothingThen, TrailUnavailable) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 2
    finally:
        stores.close()


class MissingOperator(ValueError):
    """In production, the person running the command must be named (AUDIT_OPERATOR)."""


#: arguments that name a person or a household: recorded as a pseudonym only
PERSONAL_ARGUMENTS = ("identifier", "key")


def trail_entry(args: argparse.Namespace, mapping: Mapping[str, Any]) -> TrailEntry:
    """What the stores' audit trails record about this command: who, why, about whom."""
    settings = ServiceSettings.from_mapping(mapping, "identity")
    operator = mapping.get("AUDIT_OPERATOR", "").strip()
    if "REPLACE_ME" in operator:  # the Job's placeholder, left as it was
        raise MissingOperator("AUDIT_OPERATOR still holds the Job's placeholder: name who runs it")
    if not operator:
        if settings.environment == "production":
            raise MissingOperator("AUDIT_OPERATOR is required: name who runs this command")
        operator = getpass.getuser()
    assert settings.pseudonym_key is not None
    pseudonyms = Pseudonymizer(settings.pseudonym_key)
    person_key = None
    raw = (
        getattr(args, "identifier", None)
        or getattr(args, "key", None)
        or getattr(args, "person", None)
    )
    if raw is not None:
        if getattr(args, "kind", None) == "household":
            person_key = pseudonyms.of("dossier", raw.strip())
        else:
            try:
                person_key = pseudonyms.of("identifier", parse_identifier(raw).value)
            except InvalidIdentifier:
                person_key = "invalid identifier"  # refused below; never stored as typed
    details = {
        name: value
        for name, value in vars(args).items()
        if name not in (*PERSONAL_ARGUMENTS, "person", "command") and value not in (None, False)
    }
    reason = mapping.get("AUDIT_REASON", "").strip()
    return TrailEntry(operator, args.command, person_key, reason, details)


def _selected(args: argparse.Namespace) -> list[str]:
    return list(args.store or STORES)


def replay_check(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    reports = [replay_store(name, stores[name]) for name in _selected(args)]
    if args.json:
        json.dump([r.as_dict() for r in reports], out, indent=2)
        out.write("\n")
    for report in reports:
        if not args.json:
            state = "OK" if not report.differences else f"{len(report.differences)} DIFFERENCES"
            out.write(
                f"{report.store:<13} {report.aggregates} aggregates, {report.snapshots} "
                f"snapshots, read models: {', '.join(report.read_models) or '-'}: {state}\n"
            )
            for difference in report.differences:
                out.write(f"  {difference}\n")
    return 1 if any(r.differences for r in reports) else 0


def chain_check(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    reports = {name: check_chain(stores[name]) for name in _selected(args)}
    if args.json:
        json.dump([report_dict(n, r) for n, r in reports.items()], out, indent=2)
        out.write("\n")
    else:
        for name, report in reports.items():
            state = "OK" if report.ok else f"{len(report.breaks)} BREAKS"
            out.write(
                f"{name:<13} {report.checked} chained, {report.pending} not yet chained, "
                f"head {report.head}: {state}\n"
            )
            for found in report.breaks:
                out.write(f"  {found.describe()}\n")
    return 0 if all(r.ok for r in reports.values()) else 1


def retention_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    if not logging.getLogger().handlers:  # the CronJob: one JSON log line per count
        configure_logging("INFO")
    environment = os.environ if stores.config is None else stores.config
    reports = run_retention(stores, _selected(args), environment.get("RETENTION_PUSHGATEWAY_URL"))
    if args.json:
        json.dump([r.as_dict() for r in reports], out, indent=2)
        out.write("\n")
    else:
        for report in reports:
            out.write(report.line() + "\n")
    return 0


def timeline_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    entries = timeline(stores, find_person(stores, args.identifier))
    if args.json:
        json.dump([e.as_dict() for e in entries], out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for entry in entries:
            out.write(entry.line() + "\n")
    return 0


def at_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    instant = datetime.fromisoformat(args.instant.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    json.dump(state_at(stores, args.kind, args.key, instant), out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0


def export_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    data = export(stores, find_person(stores, args.identifier))
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0


def erase_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    if not args.yes:
        print("erasure is final: add --yes to confirm", file=sys.stderr)
        return 2
    erased = erase(stores, find_person(stores, args.identifier))
    json.dump({"erased": erased}, out, indent=2)
    out.write("\n")
    return 0


def trail_command(stores: Stores, args: argparse.Namespace, out: TextIO) -> int:
    if args.person:
        parse_identifier(args.person)  # a mistyped identifier is refused, not searched for
    person_key = stores.trail.person_key if stores.trail and args.person else None
    for name in _selected(args):
        for at, entry in stores[name].audit_trail.entries(person_key):
            out.write(f"{at}  {name:<13} {entry.operator}  {entry.command}  {entry.reason}\n")
    return 0


COMMANDS = {
    "trail": trail_command,
    "replay-check": replay_check,
    "chain-check": chain_check,
    "retention": retention_command,
    "timeline": timeline_command,
    "at": at_command,
    "export": export_command,
    "erase": erase_command,
}
