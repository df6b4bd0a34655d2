"""The four services with a fault proxy on every link each process has: to RabbitMQ, to
PostgreSQL, and notification's to the SMTP server and the SMS gateway. A scenario cuts, delays
or drops one link (``platform.link("identity-1", "amqp").cut()``) while a steady load runs, heals
it, and reads the figures of :class:`Report` from outside: what the store holds, what the broker
delivered, what people received.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from delegation.service import DelegationService
from identity.service import IdentityService
from lockout.service import LockoutService
from notification.service import NotificationService

from shared.runtime import request_outcomes
from shared.runtime.health import HealthChecks
from shared.testing import application_of
from shared.testing.event_tap import EventTap
from shared.testing.fault_proxy import FaultProxies, FaultProxy
from shared.testing.receivers import SmsReceiver, SmtpReceiver

CAPTCHA_ANSWER = "27345"  # digits 2 to 9, as LOCKOUT_CAPTCHA_TEST_ANSWER wants
PASSWORD = "Bonjour2024Caf"
WRONG_PASSWORD = "Mauvais2024Mdp"
FAST_ARGON2 = {"ARGON2_MEMORY_KIB": "64", "ARGON2_TIME_COST": "1"}
SMALL_POOL = {"DATABASE_POOL_SIZE": "2"}
#: the ladder's allowance before the first freeze (spec §6), which outlasts every scenario
ATTEMPTS_BEFORE_FREEZE = 5
PRODUCERS = ("identity", "lockout")


def through(url: str, proxy: FaultProxy) -> str:
    """``url`` with its host and port replaced by the proxy's listener."""
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))


class PasswordChecks:
    """The argon2 verifications the identity replicas perform, wrong passwords apart (only the
    ladder's target gets them): ``wrong`` verifications, ``wrong_requests`` the distinct login
    requests they served (a request delivered again verified again until issue #31's fix:
    services/identity/tests/test_login_settled_delivered_again.py); the logins each replica
    served."""

    def __init__(self) -> None:
        self.wrong = 0
        self.wrong_requests: set[str] = set()
        self.total = 0
        self.served: Counter[str] = Counter()

    def watch(self, name: str, container: Any) -> None:
        app = application_of(container)
        verify, attempt = app.hasher.verify, app.login.attempt

        def counted_verify(password_hash: str | None, password: str) -> bool:
            self.total += 1
            if password == WRONG_PASSWORD:
                self.wrong += 1
                scope = request_outcomes.request_scope()
                self.wrong_requests.add(scope.request.id if scope else uuid.uuid4().hex)
            return bool(verify(password_hash, password))

        def counted_attempt(*args: Any, **kwargs: Any) -> Any:
            self.served[name] += 1
            return attempt(*args, **kwargs)

        app.hasher.verify = counted_verify
        app.login.attempt = counted_attempt


@dataclass
class Report:
    """One scenario's figures (docs/operations.md, « Pannes de réseau »)."""

    scenario: str
    load: str = ""
    events_lost: int = 0
    effects_doubled: int = 0
    republished: int = 0
    wrong_password_checks: int = 0
    recovery_s: float = 0.0
    acknowledged: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def invariant_intact(self) -> bool:
        return self.wrong_password_checks <= ATTEMPTS_BEFORE_FREEZE

    def line(self) -> str:
        return (
            f"FAULTS | {self.scenario} | {self.load} | lost {self.events_lost}"
            f" | doubled {self.effects_doubled} | invariant"
            f" {'intact' if self.invariant_intact else 'BROKEN'} ({self.wrong_password_checks}"
            f" wrong-password requests checked ≤ {ATTEMPTS_BEFORE_FREEZE})"
            f" | republished {self.republished}"
            f" | recovery {self.recovery_s:.1f} s | acknowledged {dict(self.acknowledged)}"
            f" | refused {dict(self.refused)} | {self.notes}"
        )


class Observed:
    """What a scenario reads from outside: the producers' stores, what their relays published
    (a tap of the test's own on the real broker), what people received."""

    mailbox: SmtpReceiver
    sms: SmsReceiver
    taps: dict[str, EventTap]

    def application(self, producer: str) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        for tap in self.taps.values():
            tap.close()

    def store_positions(self, producer: str) -> set[int]:
        """Positions of the producer's store that publish an integration event."""
        app = self.application(producer)
        notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
        return {
            n.id
            for n in notifications
            if app.integration_event(app.mapper.to_domain_event(n)) is not None
        }

    def tapped(self, producer: str) -> list[int]:
        tap = self.taps[producer]
        tap.messages("")  # drains the queue into ``seen``
        return [m["position"] for m in tap.seen]

    def events_lost(self, timeout: float = 60) -> tuple[int, int]:
        """(lost, republished) once everything stored was seen published, or at ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            missing = sum(len(self.store_positions(p) - set(self.tapped(p))) for p in PRODUCERS)
            if missing == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        republished = sum(len(self.tapped(p)) - len(set(self.tapped(p))) for p in PRODUCERS)
        return missing, republished

    def mails_doubled(self) -> int:
        """Messages received more than once (same Message-ID, same SMS idempotency key)."""
        mail_ids = Counter(str(m["Message-ID"]) for m in self.mailbox.messages)
        sms_ids = Counter(r["headers"].get("Idempotency-Key") for r in self.sms.requests)
        return sum(n - 1 for n in mail_ids.values()) + sum(n - 1 for n in sms_ids.values())


class FaultPlatform(Observed):
    """Not started: ``start(identity_replicas=2)``. Every process gets its own links."""

    def __init__(
        self,
        services: Any,
        config: dict[str, Any],
        proxies: FaultProxies,
        mailbox: SmtpReceiver,
        sms: SmsReceiver,
        spool_dir: str,
    ) -> None:
        self.services = services
        self.config = config
        self.proxies = proxies
        self.mailbox = mailbox
        self.sms = sms
        self.spool_dir = spool_dir
        self.containers: dict[str, Any] = {}
        self.checks = PasswordChecks()
        self.taps = {producer: EventTap(config["AMQP_URI"], producer) for producer in PRODUCERS}

    # --- links --------------------------------------------------------------------------

    def link(self, process: str, kind: str) -> FaultProxy:
        return self.proxies.listeners[f"{process}-{kind}"]

    def links(self, kind: str) -> list[FaultProxy]:
        return [p for name, p in self.proxies.listeners.items() if name.endswith("-" + kind)]

    def _linked(self, process: str) -> dict[str, str]:
        amqp, database = urlsplit(self.config["AMQP_URI"]), urlsplit(self.config["DATABASE_URL"])
        broker = self.proxies.listen(f"{process}-amqp", amqp.hostname or "", amqp.port or 5672)
        store = self.proxies.listen(f"{process}-pg", database.hostname or "", database.port or 5432)
        return {
            "AMQP_URI": through(self.config["AMQP_URI"], broker),
            "DATABASE_URL": through(self.config["DATABASE_URL"], store),
        }

    def _start(self, name: str, service_class: type, **overrides: str) -> Any:
        container = self.services.start(
            service_class, **self._linked(name), **SMALL_POOL, **overrides
        )
        self.containers[name] = container
        return container

    def start(self, identity_replicas: int = 2, **identity_overrides: str) -> FaultPlatform:
        """Consumers first (their queues exist before identity publishes), then identity."""
        lockout = self._start("lockout", LockoutService)
        application_of(lockout).captcha_answers = lambda: CAPTCHA_ANSWER
        smtp = self.proxies.listen("notification-smtp", "127.0.0.1", self.mailbox.port)
        sms = self.proxies.listen("notification-sms", "127.0.0.1", self.sms.port)
        self._start(
            "notification",
            NotificationService,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp.port),
            SMTP_SECURITY="none",
            SMTP_TIMEOUT_S="3",
            SMS_GATEWAY_URL=f"http://127.0.0.1:{sms.port}/v1/messages",
            SMS_GATEWAY_TOKEN="gw-token",
            SMS_TIMEOUT_S="3",
            LETTER_SPOOL_DIR=self.spool_dir,
            DELIVERY_SEND_INTERVAL_S="0.1",
            # retries every few seconds, long enough for any cut here (production: 60 s, ×2, 6
            # attempts: about an hour before a delivery is given up)
            DELIVERY_RETRY_FIRST_DELAY_S="1",
            DELIVERY_RETRY_MAX_DELAY_S="3",
            DELIVERY_MAX_ATTEMPTS="40",
        )
        self._start("delegation", DelegationService)
        for replica in range(1, identity_replicas + 1):
            name = f"identity-{replica}"
            container = self._start(name, IdentityService, **FAST_ARGON2, **identity_overrides)
            self.checks.watch(name, container)
        return self

    # --- after the heal -----------------------------------------------------------------

    def application(self, producer: str) -> Any:
        return application_of(self.containers["identity-1" if producer == "identity" else producer])

    def alive(self) -> dict[str, bool]:
        return {name: not c._died.ready() for name, c in self.containers.items()}

    def ready(self) -> dict[str, Any]:
        """Each process's own readiness (through its own links), as its probe answers."""
        return {name: HealthChecks(c).readiness()["ready"] for name, c in self.containers.items()}

    def wait_ready(self, timeout: float) -> float:
        """Seconds until every process is alive and ready; fails past ``timeout``."""
        started = time.monotonic()
        while True:
            alive, ready = self.alive(), self.ready()
            if all(alive.values()) and all(ready.values()):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"not ready {timeout}s after the heal: {alive} {ready}")
            time.sleep(0.5)
