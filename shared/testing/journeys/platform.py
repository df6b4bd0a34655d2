"""The four services running together on the test's broker and PostgreSQL, and the journeys of
the spec as steps a gateway takes over RPC.

Every service shares one frozen clock (a freeze lasts until the test moves time). Codes and
provisional identifiers are read from what the SMTP server and the SMS gateway really received.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from delegation.service import DelegationService
from identity.service import IdentityService
from lockout.service import LockoutService
from notification.service import NotificationService

from shared.runtime.clock import FrozenClock
from shared.testing import application_of

from .people import PASSWORD, WRONG_PASSWORD, Person
from .receivers import PROVISIONAL, Mailbox, SmsInbox, code_in

#: The answer of every captcha in these tests (injected into lockout, never sent over RPC).
CAPTCHA_ANSWER = "K7PZQ"
#: argon2 stays argon2id, with test-sized parameters (production keeps OWASP's).
FAST_ARGON2 = {"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1"}
#: Few connections per container: many containers share the machine's PostgreSQL.
SMALL_POOL = {"DATABASE_POOL_SIZE": "2"}

CODE_SUBJECT = "Votre code de vérification"
FREEZE_SUBJECT = "Votre compte est temporairement bloqué"
PASSWORD_CHANGED_SUBJECT = "Votre mot de passe a été modifié"
NIR_ASSIGNED_SUBJECT = "Connectez-vous désormais avec votre numéro de sécurité sociale"


class PasswordChecks:
    """Counts the argon2 verifications the identity containers really perform, and the logins
    each container served.

    Wraps each container's password hasher: one ``verify`` call is one argon2 verification
    (against the account's hash, or the dummy hash when there is no account).
    """

    def __init__(self) -> None:
        self.count = 0
        self.logins_served: Counter[int] = Counter()

    def watch(self, identity_container: Any) -> None:
        app = application_of(identity_container)
        replica = len(self.logins_served)
        self.logins_served[replica] = 0
        verify, attempt = app.hasher.verify, app.login.attempt

        def counted_verify(password_hash: str | None, password: str) -> bool:
            self.count += 1
            return bool(verify(password_hash, password))

        def counted_attempt(*args: Any, **kwargs: Any) -> Any:
            self.logins_served[replica] += 1
            return attempt(*args, **kwargs)

        app.hasher.verify = counted_verify
        app.login.attempt = counted_attempt

    def reset(self) -> None:
        self.count = 0
        self.logins_served = Counter(dict.fromkeys(self.logins_served, 0))


class Platform:
    """The four services, the receivers, and the journeys step by step."""

    def __init__(
        self, services: Any, rpc: Any, mailbox: Mailbox, sms: SmsInbox, spool_dir: str
    ) -> None:
        self.services = services
        self.rpc = rpc
        self.mailbox = mailbox
        self.sms = sms
        self.clock = FrozenClock()  # 5 March 2024, 9:30 UTC: the webinar
        self.spool_dir = spool_dir
        self.password_checks = PasswordChecks()
        self.identity_containers: list[Any] = []
        self.lockout_containers: list[Any] = []
        self.notification_container: Any = None
        self._codes_read: Counter[str] = Counter()

    def start(self, identity_replicas: int = 1, lockout_replicas: int = 1) -> Platform:
        """Consumers first (their queues exist before identity publishes), then identity."""
        for _ in range(lockout_replicas):
            container = self.services.start(LockoutService, CLOCK=self.clock, **SMALL_POOL)
            application_of(container).captcha_answers = lambda: CAPTCHA_ANSWER
            self.lockout_containers.append(container)
        self.notification_container = self.services.start(
            NotificationService,
            CLOCK=self.clock,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(self.mailbox.port),
            SMTP_SECURITY="none",
            SMTP_TIMEOUT_S="5",
            SMS_GATEWAY_URL=self.sms.url,
            SMS_GATEWAY_TOKEN="gw-token",
            SMS_TIMEOUT_S="5",
            LETTER_SPOOL_DIR=self.spool_dir,
            DELIVERY_SEND_INTERVAL_S="0.1",
            **SMALL_POOL,
        )
        self.services.start(DelegationService, CLOCK=self.clock, **SMALL_POOL)
        for _ in range(identity_replicas):
            container = self.services.start(
                IdentityService, CLOCK=self.clock, **FAST_ARGON2, **SMALL_POOL
            )
            self.password_checks.watch(container)
            self.identity_containers.append(container)
        return self

    # --- what people receive ----------------------------------------------------------------

    def next_code(self, person: Person) -> str:
        """The next verification code sent to the person's mail or mobile."""
        self._codes_read[person.address] += 1
        count = self._codes_read[person.address]
        if person.email:
            mail = self.mailbox.wait(person.email, CODE_SUBJECT, count)[count - 1]
            return code_in(Mailbox.text_of(mail))
        text = self.sms.wait(person.phone_e164, "votre code de vérification est", count)[count - 1]
        return code_in(text)

    def provisional_identifier_received(self, person: Person) -> str:
        """The provisional identifier the person received by SMS or mail."""
        if person.email:
            [mail] = self.mailbox.wait(person.email, "Votre identifiant provisoire")
            text = Mailbox.text_of(mail)
        else:
            [text] = self.sms.wait(person.phone_e164, "identifiant provisoire")
        found = PROVISIONAL.search(text)
        assert found, text
        return found.group(1)

    # --- journeys -----------------------------------------------------------------------------

    def captcha(self) -> dict[str, str]:
        return {
            "captcha_id": self.rpc.lockout.new_captcha()["captcha_id"],
            "answer": CAPTCHA_ANSWER,
        }

    def register(self, person: Person, password: str = PASSWORD) -> dict[str, Any]:
        """Créer Mon Compte: état civil, code sent to the contact and typed back, password."""
        identity = self.rpc.identity
        started = identity.start_registration(person.registration_form(self.captcha()))
        registration_id = started["registration_id"]
        identity.send_registration_code(
            registration_id, person.channel, person.address, person.address
        )
        verified = identity.verify_registration_code(registration_id, self.next_code(person))
        assert verified["verified"], verified
        recap = identity.complete_registration(registration_id, password, password)
        assert recap["outcome"] == "created", recap
        return dict(recap)

    def reset_password(self, person: Person, identifier: str, password: str) -> dict[str, Any]:
        """Mot de passe oublié: identifier + birth name + captcha, code, new password."""
        identity = self.rpc.identity
        started = identity.start_password_reset(identifier, person.birth_name, self.captcha())
        assert [c["channel"] for c in started["channels"]] == [person.channel], started
        identity.send_password_reset_code(started["reset_id"], person.channel)
        verified = identity.verify_password_reset_code(started["reset_id"], self.next_code(person))
        assert verified["verified"], verified
        return dict(identity.complete_password_reset(started["reset_id"], password, password))

    def login(self, identifier: str, password: str = PASSWORD, **kw: Any) -> dict[str, Any]:
        return dict(self.rpc.identity.login(identifier, password, **kw))

    def session(self, identifier: str, password: str = PASSWORD) -> str:
        answer = self.login(identifier, password)
        assert answer["outcome"] == "ok", answer
        return str(answer["session"]["token"])

    def wrong_logins(self, identifier: str, count: int) -> list[dict[str, Any]]:
        """Wrong passwords one after the other, each with a good captcha (as the portal would
        once it shows one): only the ladder decides."""
        return [
            self.login(identifier, WRONG_PASSWORD, captcha=self.captcha()) for _ in range(count)
        ]
