"""The identity application alone on an embedded store, with a fake lockout service.

Application-level tests of the journeys: given these past events (saved aggregates), when this
command, then these new events and this answer. Lockout lies outside identity's bounded context,
so it is the one part replaced, by :class:`FakeLockout` (the :class:`LockoutPort` contract).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from identity.application import IdentityApplication
from identity.domain import Account, IdentifierIndex

from shared.identifiers import Identifier, parse_identifier
from shared.runtime.clock import FrozenClock
from shared.runtime.sealing import Unsealer

PASSWORD = "Bonjour2024Caf"
NIR = "1 63 06 31 555 082"
CIVIL = {"civility": "M", "birth_name": "MORVAN", "first_names": "DANIEL",
         "birth_date": "1963-06-15"}  # fmt: skip
CONTACT = {"email": "daniel.morvan@test.fr", "phone": None, "postal_address": None,
           "preferred": "email"}  # fmt: skip


@dataclass
class FakeLockout:
    """Says what lockout would say: ``decision`` for every reservation, captchas right when
    their answer is ``captcha_answer``; records what identity told it."""

    decision: str = "check"
    captcha_answer: str = "K7PZQ"
    reports: list[bool] = field(default_factory=list)
    reserved_keys: list[str] = field(default_factory=list)
    reservations: list[str] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    carried: list[list[str]] = field(default_factory=list)  # each reservation's ``successes``

    def reserve_attempt(
        self,
        identifier_key: str,
        source_key: str | None = None,
        captcha_id: str | None = None,
        captcha_answer: str | None = None,
        source_partner: bool = False,
        request_id: str | None = None,
        successes: list[str] | None = None,
    ) -> dict[str, Any]:
        self.reserved_keys.append(identifier_key)
        self.carried.append(list(successes or []))
        if self.decision == "frozen":
            return {"decision": "frozen", "frozen_until": "2024-03-05T10:30:00+00:00",
                    "retry_after_s": 3600, "attempts_left": 0}  # fmt: skip
        reservation = f"{uuid.uuid4()}.{uuid.uuid4().hex}"
        self.reservations.append(reservation)
        # the state if the check fails (it counts as one until settled), and if it succeeds
        return {"decision": self.decision, "reservation_id": reservation, "attempts_left": 4,
                "on_success": {"attempts_left": 5, "captcha_required": False}}  # fmt: skip

    def report_attempt(self, reservation_id: str, succeeded: bool) -> dict[str, Any]:
        self.reports.append(succeeded)
        return {"failures": 0 if succeeded else 1, "attempts_left": 5 if succeeded else 4,
                "captcha_required": False, "frozen_until": None, "retry_after_s": None}  # fmt: skip

    def note_lookup(
        self, identifier_key: str, source_key: str | None = None, source_partner: bool = False
    ) -> dict[str, Any]:
        self.lookups.append(identifier_key)
        return {"source_throttled": False}

    def check_captcha(self, captcha_id: str, answer: str) -> dict[str, Any]:
        return {"valid": answer == self.captcha_answer}

    def captcha(self) -> dict[str, str]:
        return {"captcha_id": str(uuid.uuid4()), "answer": self.captcha_answer}


class World:
    """Given / when / then over one application."""

    def __init__(self, app: IdentityApplication, clock: FrozenClock, notification_jwk: str):
        self.app = app
        self.clock = clock
        self.unsealer = Unsealer(json.loads(notification_jwk))
        self.lockout = FakeLockout()
        self._seen = 0

    def given_account(
        self, identifier: str = NIR, password: str = PASSWORD, contact: dict[str, Any] = CONTACT
    ) -> Account:
        """An account registered before the test, with its identifier index."""
        parsed = parse_identifier(identifier)
        store, account_id = self.app.store, uuid.uuid4()
        account = Account(  # type: ignore[call-arg]
            id=account_id,
            identifier_kind=parsed.kind,
            identifier_key=store.identifier_key(parsed),
            nir_key=store.nir_key(parsed),
            identifier=store.personal(account_id, parsed.value),
            civil_status=store.personal(account_id, CIVIL),
            contact=store.personal(account_id, contact),
            password_hash=store.personal(account_id, self.app.hasher.hash(password)),
            registered_at=self.clock.now(),
            supporting_documents_required=False,
            benefit_request=None,
            sealed_contact=None,
            registration_id=uuid.uuid4(),
        )
        index = IdentifierIndex(  # type: ignore[call-arg]
            account_id=account_id,
            identifier_key=store.identifier_key(parsed),
            id=store.identifier_index_id(parsed),
        )
        self.app.save(account, index)
        self.new_events()  # what was given is not what the command does
        return account

    def published(self) -> list[tuple[str, dict[str, Any]]]:
        """Every integration event the store's events publish so far (type, payload)."""
        notifications = self.app.recorder.select_notifications(start=1, limit=1000)
        events = [
            self.app.integration_event(self.app.mapper.to_domain_event(n)) for n in notifications
        ]
        return [e for e in events if e is not None]

    def new_events(self) -> list[str]:
        """The events stored since the last call, as ``Aggregate.Event`` names."""
        notifications = self.app.recorder.select_notifications(start=self._seen + 1, limit=1000)
        if notifications:
            self._seen = notifications[-1].id
        return [
            type(self.app.mapper.to_domain_event(notification)).__qualname__
            for notification in notifications
        ]

    def code_sent(self, flow_id: str) -> str:
        """The last code of a flow, read as notification reads it: unsealed from CodeIssued."""
        issued = [e for e in self.app.events.get(uuid.UUID(flow_id)) if hasattr(e, "sealed")]
        return str(self.unsealer.unseal(issued[-1].sealed.value)["code"])

    def identifier(self, text: str = NIR) -> Identifier:
        return parse_identifier(text)
