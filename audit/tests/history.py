"""A scripted history across the four real services (RPC over RabbitMQ, PostgreSQL stores).

A person registers without a NIR (provisional identifier), fails five logins from one address
(captcha from the third, freeze at the fifth), logs in after the freeze (and to the agency's app
through Caf connect, whose refresh token is then presented twice), is given a NIR by an
agent, is filed in a household with a spouse and grants the delegation; notification sends the
messages through a local SMTP receiver.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aiosmtpd.controller import Controller
from delegation.service import DelegationService
from identity.service import IdentityService
from kombu import Connection, Queue
from lockout.service import LockoutService
from nameko.standalone.events import get_event_exchange
from notification.service import NotificationService

from shared.runtime.clock import FrozenClock
from shared.runtime.sealing import Unsealer
from shared.testing import application_of, relay_of, wait_for
from shared.testing.receivers import free_port

NIR = "1 63 06 31 555 082"
SPOUSE_NIR = "2 62 09 99 123 456"
DOSSIER = "0123456"
PASSWORD = "Bonjour2024Caf"
APPLICATION = "appli-caf"  # Caf connect's client the person logs in to
EMAIL = "daniel.morvan@test.fr"
SOURCE = {"ip": "203.0.113.7"}
CAPTCHA_ANSWER = "K7PZQ"
FAST = {"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1", "DATABASE_POOL_SIZE": "2"}
#: the domain clock starts two hours back: delegation's events (recording time) come last
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)


class Mailbox:
    """A real SMTP server on a free port (no TLS) that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(envelope.content)
        return "250 OK"

    def start(self) -> int:
        self.controller.start()
        return self.port

    def stop(self) -> None:
        self.controller.stop()


class CodeReader:
    """Reads verification codes the way notification does: sealed, from identity's events."""

    def __init__(self, amqp_uri: str, private_jwk: str):
        self.connection = Connection(amqp_uri)
        self.queue = Queue(
            "audit-tap-" + uuid.uuid4().hex,
            exchange=get_event_exchange("identity", {}),
            routing_key="VerificationCodeIssued",
            exclusive=True,
            auto_delete=True,
        )(self.connection.channel())
        self.queue.declare()
        self.unsealer = Unsealer(json.loads(private_jwk))

    def next_code(self) -> str:
        message = wait_for(lambda: self.queue.get(no_ack=True, accept=["json"]))
        return str(self.unsealer.unseal(message.payload["payload"]["sealed"])["code"])

    def close(self) -> None:
        self.connection.release()


def form_without_nir(captcha: dict[str, str]) -> dict[str, Any]:
    return {
        "has_nir": False,
        "nir": None,
        "civility": "M",
        "birth_name": "Morvan",
        "first_names": "Daniel",
        "usage_name": None,
        "birth_date": "09/09/1962",
        "birth_place": {"in_france": False, "country": "Algerie", "city": "Oran"},
        "resides_in_france": True,
        "postal_code": "06000",
        "identity_document": {"type": "none"},
        "parent_1": {"birth_name": "Morvan", "first_names": "Jean"},
        "parent_2": {"birth_name": "Morvan", "first_names": "Jeanne"},
        "benefit_request": "ALS",
        "captcha": captcha,
    }


class History:
    """Runs the script; afterwards ``provisional``, ``account_id`` and ``times`` say what
    happened when (by the services' clock)."""

    def __init__(self, services: Any, rpc: Any, config: dict[str, Any]):
        self.services, self.rpc, self.config = services, rpc, config
        self.clock = FrozenClock(START)
        self.mailbox = Mailbox()
        self.containers: list[Any] = []
        self.times: dict[str, datetime] = {}
        self.provisional = ""
        self.account_id = ""

    def start(self) -> History:
        port = self.mailbox.start()
        lockout = self.services.start(LockoutService, CLOCK=self.clock, **FAST)
        application_of(lockout).captcha_answers = lambda: CAPTCHA_ANSWER
        identity = self.services.start(IdentityService, CLOCK=self.clock, **FAST)
        delegation = self.services.start(DelegationService, CLOCK=self.clock, **FAST)
        notification = self.services.start(
            NotificationService,
            CLOCK=self.clock,
            SMTP_PORT=str(port),
            SMTP_SECURITY="none",
            DELIVERY_SEND_INTERVAL_S="0.05",
            **FAST,
        )
        self.containers = [identity, lockout, delegation, notification]
        return self

    def captcha(self) -> dict[str, str]:
        return {"captcha_id": self.rpc.lockout.new_captcha()["captcha_id"], "answer": "K7PZQ"}

    def run(self) -> History:
        reader = CodeReader(self.config["AMQP_URI"], self.config["NOTIFICATION_SEAL_PRIVATE_JWK"])
        try:
            self._register(reader)
        finally:
            reader.close()
        identity = self.rpc.identity
        for _ in range(5):
            self.clock.advance(minutes=1)
            identity.login(self.provisional, "Mauvais2024Mdp", self.captcha(), SOURCE)
        self.times["frozen"] = self.clock.now()
        self.clock.advance(minutes=15)
        ok = identity.login(self.provisional, PASSWORD, self.captcha(), SOURCE)
        assert ok["outcome"] == "ok", ok
        self.times["login_ok"] = self.clock.now()
        self._application_login(ok["session"]["token"])
        self.clock.advance(minutes=5)
        assert identity.assign_nir(self.provisional, NIR, "agent-42", "affiliation")["outcome"]
        self.times["nir_assigned"] = self.clock.now()
        self.clock.advance(minutes=1)  # an agent looks the person up (the agents' console)
        assert identity.agent_find_account(NIR, "appel", None, "agent-42")["found"]
        self._household()
        self._settle()
        return self

    def _application_login(self, token: str) -> None:
        """The person logs in to the agency's mobile app through Caf connect (the gateway's
        calls): allowed at once (first party), tokens issued, a refresh token presented twice."""
        identity = self.rpc.identity
        self.clock.advance(minutes=1)
        request = {
            "client_id": APPLICATION,
            "sector": "first-party",
            "first_party": True,
            "redirect_uri": "https://appli.caf.fr/retour",
            "scopes": ["openid", "profile"],
            "nonce": None,
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        }
        code = identity.oidc_authorize(token, request)["code"]
        assert identity.oidc_redeem_code(code, APPLICATION)["outcome"] == "redeemed"
        first = identity.oidc_start_family(code, APPLICATION, 86400)["refresh_token"]
        self.clock.advance(minutes=1)
        assert identity.oidc_refresh(first, APPLICATION)["outcome"] == "rotated"
        self.clock.advance(minutes=1)
        assert identity.oidc_refresh(first, APPLICATION)["reason"] == "reused"
        self.times["application"] = self.clock.now()

    def _register(self, reader: CodeReader) -> None:
        identity = self.rpc.identity
        started = identity.start_registration(form_without_nir(self.captcha()))
        registration_id = started["registration_id"]
        identity.send_registration_code(registration_id, "email", EMAIL, EMAIL)
        assert identity.verify_registration_code(registration_id, reader.next_code())["verified"]
        recap = identity.complete_registration(registration_id, PASSWORD, PASSWORD)
        self.provisional, self.account_id = recap["identifier"], recap["account_id"]
        self.times["registered"] = self.clock.now()

    def _household(self) -> None:
        members = [
            {"nir": NIR, "role": "allocataire", "first_names": "Daniel", "birth_name": "MORVAN"},
            {"nir": SPOUSE_NIR, "role": "conjoint", "first_names": "Anne", "birth_name": "MORVAN"},
        ]
        delegation = self.rpc.delegation
        assert delegation.register_household(DOSSIER, members, "agent-7")["outcome"] == "registered"

        def granted() -> bool:  # once delegation has consumed NirAssigned
            outcome = delegation.set_delegation(self.account_id, True)["outcome"]
            return outcome in ("granted", "unchanged")

        wait_for(granted)

    def _settle(self) -> None:
        """Until every message is concluded and every relay has chained everything."""

        def delivered() -> bool:
            found = self.rpc.notification.deliveries(self.account_id)
            kinds = {d["kind"] for d in found}
            return len(kinds) >= 3 and all(d["status"] in ("sent", "given_up") for d in found)

        wait_for(delivered, timeout=30)
        for container in self.containers:
            relay_of(container).wait_until_caught_up()

    def stop(self) -> None:
        self.mailbox.stop()
