"""A small world for application-level tests: a real DelegationApplication on its embedded
store, households in the back office's words, and identity's events as they travel."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

from delegation.application import DelegationApplication

from shared import events
from shared.identifiers import parse_nir
from shared.runtime.clock import FrozenClock
from shared.runtime.settings import ServiceSettings

_serial = itertools.count(1)
_positions = itertools.count(1)


def new_app(
    data_dir: Path, secrets: dict[str, Any], snapshot_interval: int = 50
) -> DelegationApplication:
    mapping = {
        "ENVIRONMENT": "test",
        "DATA_DIR": str(data_dir),
        "SNAPSHOT_INTERVAL": str(snapshot_interval),
        **secrets,
    }
    settings = ServiceSettings.from_mapping(mapping, "delegation")
    return DelegationApplication(settings, clock=FrozenClock())


def new_nir(sex: int = 1) -> str:
    """A valid NIR (13 characters, key omitted), a new one at each call."""
    return f"{sex}8501751{next(_serial):05d}"


def person(role: str, first: str, last: str, nir: str | None = None) -> dict[str, Any]:
    """A member as the back office sends it."""
    return {"nir": nir or new_nir(), "role": role, "first_names": first, "birth_name": last}


def parsed(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the RPC edge hands the application (the NIR parsed)."""
    return [{**m, "nir": parse_nir(m["nir"]), "usage_name": m.get("usage_name")} for m in members]


def account_created(
    app: DelegationApplication, nir: str | None, account_id: uuid.UUID | None = None
) -> uuid.UUID:
    """identity's AccountCreated for this NIR (None: a provisional account), processed once."""
    account_id = account_id or uuid.uuid4()
    payload = {
        "account_id": str(account_id),
        "identifier_kind": "nir" if nir else "provisional",
        "identifier_key": app.pseudonyms.of("identifier", nir or f"P{next(_serial):08d}"),
        "nir_key": app.pseudonyms.of("nir", nir) if nir else None,
        "supporting_documents_required": False,
        "benefit_request": None,
        "sealed_contact": None,
    }
    deliver(app, "AccountCreated", payload)
    return account_id


def nir_assigned(app: DelegationApplication, account_id: uuid.UUID, nir: str) -> None:
    payload = {
        "account_id": str(account_id),
        "previous_identifier_key": app.pseudonyms.of("identifier", f"P{next(_serial):08d}"),
        "identifier_key": app.pseudonyms.of("identifier", nir),
        "nir_key": app.pseudonyms.of("nir", nir),
        "operator": "agent-7",
    }
    deliver(app, "NirAssigned", payload)


def deliver(app: DelegationApplication, event_type: str, payload: dict[str, Any]) -> bool:
    envelope = events.parse(
        events.build(event_type, payload, producer="identity", position=next(_positions))
    )
    handler = app.on_account_created if event_type == "AccountCreated" else app.on_nir_assigned
    return app.process(envelope, handler)
