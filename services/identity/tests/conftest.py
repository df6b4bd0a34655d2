"""Interface-test fixtures: the real identity and lockout services over real RabbitMQ and
PostgreSQL, a frozen clock, and the journeys of the seed as helpers.

Codes are read the way notification reads them: from VerificationCodeIssued on the broker,
unsealed with the notification service's private key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from identity.service import IdentityService
from lockout.service import LockoutService

from shared.runtime.clock import FrozenClock
from shared.runtime.sealing import Unsealer
from shared.testing import application_of
from shared.testing.event_tap import EventTap

CAPTCHA_ANSWER = "K7PZQ"
NIR = "1 63 06 31 555 082"
OTHER_NIR = "2 62 09 99 123 456"
PASSWORD = "Bonjour2024Caf"
EMAIL = "daniel.morvan@test.fr"
MOBILE = "06 12 34 56 12"
FAST_ARGON2 = {"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1"}
#: Few connections per service: other suites share the same PostgreSQL server.
SMALL_POOL = {"DATABASE_POOL_SIZE": "3"}


def registration_form(**changes: Any) -> dict[str, Any]:
    """The seed's first path: with a NIR, a French identity card."""
    form = {
        "has_nir": True,
        "nir": NIR,
        "civility": "M",
        "birth_name": "Test",
        "first_names": "Test Test",
        "usage_name": "Test Test",
        "birth_date": "01/06/1963",
        "birth_place": {"in_france": True, "department": "31", "commune": "Toulouse"},
        "resides_in_france": True,
        "postal_code": "92000",
        "identity_document": {
            "type": "identity_card",
            "number": "X4RTBPFW4",
            "issue_date": "12/03/2019",
        },
        "benefit_request": "ALS",
    }
    return {**form, **changes}


def form_without_nir(captcha: dict[str, str], **changes: Any) -> dict[str, Any]:
    """The seed's second path: MORVAN Daniel, born in Oran, no NIR, no French document."""
    form = registration_form(
        has_nir=False,
        nir=None,
        birth_name="Morvan",
        first_names="Daniel",
        usage_name=None,
        birth_date="09/09/1962",
        birth_place={"in_france": False, "country": "Algerie", "city": "Oran"},
        postal_code="06000",
        identity_document={"type": "none"},
        parent_1={"birth_name": "Morvan", "first_names": "Jean"},
        parent_2={"birth_name": "Morvan", "first_names": "Jeanne"},
        captcha=captcha,
    )
    return {**form, **changes}


class Journeys:
    """The services under test and the seed's journeys, step by step."""

    def __init__(self, services: Any, rpc: Any, clock: FrozenClock, tap: EventTap, secrets: dict):
        self.services = services
        self.rpc = rpc
        self.clock = clock
        self.tap = tap
        self.unsealer = Unsealer(json.loads(secrets["NOTIFICATION_SEAL_PRIVATE_JWK"]))
        self.codes_read = 0
        self.lockout_container: Any = None
        self.identity_container: Any = None
        #: lockout's own config, if a test gives it one before ``start()``
        self.lockout_config: dict[str, str] = {}

    def start(self, **identity_config: Any) -> Journeys:
        self.lockout_container = self.services.start(
            LockoutService, CLOCK=self.clock, **{**SMALL_POOL, **self.lockout_config}
        )
        application_of(self.lockout_container).captcha_answers = lambda: CAPTCHA_ANSWER
        self.identity_container = self.services.start(
            IdentityService, CLOCK=self.clock, **{**FAST_ARGON2, **SMALL_POOL, **identity_config}
        )
        return self

    @property
    def app(self) -> Any:
        return application_of(self.identity_container)

    def captcha(self) -> dict[str, str]:
        return {
            "captcha_id": self.rpc.lockout.new_captcha()["captcha_id"],
            "answer": CAPTCHA_ANSWER,
        }

    def next_sealed(self, event_type: str, index: int) -> dict[str, Any]:
        payload = self.tap.wait(event_type, index + 1)[index]
        return self.unsealer.unseal(payload["sealed"])

    def next_code(self) -> str:
        """The code of the next VerificationCodeIssued, as notification would read it."""
        opened = self.next_sealed("VerificationCodeIssued", self.codes_read)
        self.codes_read += 1
        return str(opened["code"])

    def register(
        self,
        form: dict[str, Any],
        channel: str = "email",
        address: str = EMAIL,
        password: str = PASSWORD,
    ) -> dict[str, Any]:
        """Créer Mon Compte from start to récapitulatif."""
        identity = self.rpc.identity
        started = identity.start_registration({**form, "captcha": self.captcha()})
        registration_id = started["registration_id"]
        identity.send_registration_code(registration_id, channel, address, address)
        assert identity.verify_registration_code(registration_id, self.next_code())["verified"]
        return identity.complete_registration(registration_id, password, password)

    def register_with_nir(self, **kw: Any) -> dict[str, Any]:
        return self.register(registration_form(), **kw)

    def register_without_nir(self, **kw: Any) -> dict[str, Any]:
        return self.register(form_without_nir(self.captcha()), **kw)

    def reset_password(self, identifier: str, birth_name: str, password: str) -> dict[str, Any]:
        """Mot de passe oublié from start to "Nouveau mot de passe enregistré"."""
        identity = self.rpc.identity
        started = identity.start_password_reset(identifier, birth_name, self.captcha())
        reset_id = started["reset_id"]
        identity.send_password_reset_code(reset_id, started["channels"][0]["channel"])
        assert identity.verify_password_reset_code(reset_id, self.next_code())["verified"]
        return identity.complete_password_reset(reset_id, password, password)

    def login(self, identifier: str, password: str = PASSWORD, **kw: Any) -> dict[str, Any]:
        return self.rpc.identity.login(identifier, password, **kw)

    def session(self, identifier: str = NIR, password: str = PASSWORD) -> str:
        result = self.login(identifier, password)
        assert result["outcome"] == "ok", result
        return str(result["session"]["token"])

    def fail_logins(self, identifier: str, count: int) -> list[dict[str, Any]]:
        """Wrong passwords, with a captcha when the ladder asks for one."""
        answers = []
        for _ in range(count):
            answer = self.login(identifier, "Mauvais2024Mdp", captcha=self.captcha())
            answers.append(answer)
        return answers


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()  # 5 March 2024, 9:30 UTC: the webinar


@pytest.fixture
def tap(service_config: dict[str, Any]) -> Iterator[EventTap]:
    events = EventTap(service_config["AMQP_URI"], "identity")
    yield events
    events.close()


@pytest.fixture
def journeys(services, rpc, clock, tap, test_secrets) -> Journeys:
    """Not started: a test may give identity its own config first (``journeys.start(...)``)."""
    return Journeys(services, rpc, clock, tap, test_secrets)


@pytest.fixture
def identity(journeys: Journeys) -> Journeys:
    return journeys.start()
