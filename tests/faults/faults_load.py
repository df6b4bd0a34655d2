"""A steady, bounded load of logins and registrations, as people make them through a gateway:
registrars (half by mail, half by mobile) go through « Créer Mon Compte » to the récapitulatif,
readers log in with their password again and again, and one attacker tries wrong passwords on
one account (with a good captcha each time: only the ladder limits him).

Each green thread makes one request at a time (bounded: at most ``threads`` in flight). An RPC
error or timeout is what the person sees (« service indisponible »); the person starts again.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import eventlet
from faults_platform import CAPTCHA_ANSWER, PASSWORD, WRONG_PASSWORD, Observed

CODE = re.compile(r"\b(\d{6})\b")
CODE_SUBJECT = "Votre code de vérification"
IDENTIFIER_SUBJECT = "Votre identifiant provisoire"
SMS_CODE = "votre code de vérification est"
SMS_IDENTIFIER = "identifiant provisoire"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Person:
    number: int

    @property
    def by_mail(self) -> bool:
        return self.number % 2 == 0

    @property
    def address(self) -> str:
        if self.by_mail:
            return f"panne.{self.number}@test.fr"
        digits = f"0644{self.number:06d}"
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))

    @property
    def phone_e164(self) -> str:
        return "+33" + self.address.replace(" ", "")[1:]

    @property
    def birth_name(self) -> str:
        n, letters = self.number, ""
        while True:
            n, r = divmod(n, 26)
            letters += LETTERS[r]
            if n == 0:
                return "Panne" + letters

    def form(self, captcha: dict[str, str]) -> dict[str, Any]:
        return {
            "has_nir": False,
            "nir": None,
            "civility": "Mme",
            "birth_name": self.birth_name,
            "first_names": "Claire",
            "usage_name": None,
            "birth_date": "05/05/1990",
            "resides_in_france": True,
            "postal_code": "92000",
            "benefit_request": "ALS",
            "birth_place": {"in_france": False, "country": "Algerie", "city": "Oran"},
            "identity_document": {"type": "none"},
            "parent_1": {"birth_name": self.birth_name, "first_names": "Jean"},
            "parent_2": {"birth_name": self.birth_name, "first_names": "Jeanne"},
            "captcha": captcha,
        }


class Load:
    """``with Load(platform, clients): ...`` runs the load while the block runs."""

    def __init__(
        self,
        platform: Observed,
        rpc_clients: Any,
        *,
        registrars: int = 2,
        readers: int = 2,
        code_wait_s: float = 90,
        first_person: int = 1000,
    ) -> None:
        self.platform = platform
        self.make_clients = rpc_clients
        self.registrars = registrars
        self.readers = readers
        self.code_wait_s = code_wait_s
        self.next_person = first_person
        self.people: dict[int, Person] = {}
        self.registered: dict[int, dict[str, Any]] = {}  # acknowledged récapitulatifs
        self.acknowledged: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.seen: Counter[str] = Counter()  # what people were answered, by outcome
        self.target: str | None = None
        self.codes_requested: list[int] = []  # people, in the order their codes were asked
        self._running = False
        self._pool = eventlet.GreenPool()

    @property
    def description(self) -> str:
        return (
            f"{self.registrars} registrars, {self.readers} readers, 1 wrong-password attacker"
            " (2 identity replicas)"
        )

    # --- before: accounts to log in with ------------------------------------------------

    def prepare(self, accounts: int = 2) -> None:
        """Registers the readers' accounts and the attacker's target, without faults."""
        [client] = self.make_clients(1, timeout=60)
        for _ in range(accounts + 1):
            person = self._person()
            answer = self.register(client, person)
            assert answer is not None and answer["outcome"] == "created", answer
        self.target = self.registered.pop(max(self.registered))["identifier"]
        self.acknowledged.clear()
        self.seen.clear()

    # --- the load -----------------------------------------------------------------------

    def __enter__(self) -> Load:
        self._running = True
        clients = self.make_clients(self.registrars + self.readers + 1, timeout=20)
        identifiers = [r["identifier"] for r in self.registered.values()]
        for index in range(self.registrars):
            self._pool.spawn(self._registrar, clients[index])
        for index in range(self.readers):
            client = clients[self.registrars + index]
            self._pool.spawn(self._reader, client, identifiers[index % len(identifiers)])
        self._pool.spawn(self._attacker, clients[-1])
        return self

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self._pool.waitall()

    def _registrar(self, client: Any) -> None:
        while self._running:
            self.register(client, self._person())

    def _reader(self, client: Any, identifier: str) -> None:
        while self._running:
            self._call("login", client.identity.login, identifier, PASSWORD)
            eventlet.sleep(0.05)

    def _attacker(self, client: Any) -> None:
        while self._running:
            captcha = self._call("captcha", client.lockout.new_captcha)
            if captcha is not None:
                good = {"captcha_id": captcha["captcha_id"], "answer": CAPTCHA_ANSWER}
                self._call("wrong_login", client.identity.login, self.target, WRONG_PASSWORD, good)
            eventlet.sleep(0.2)

    def _person(self) -> Person:
        person = Person(self.next_person)
        self.next_person += 1
        self.people[person.number] = person
        return person

    def register(self, client: Any, person: Person) -> dict[str, Any] | None:
        """The whole registration; None as soon as a step fails (the person gives up)."""
        identity = client.identity
        captcha = self._call("captcha", client.lockout.new_captcha)
        if captcha is None:
            return None
        form = person.form({"captcha_id": captcha["captcha_id"], "answer": CAPTCHA_ANSWER})
        started = self._call("start_registration", identity.start_registration, form)
        if started is None:
            return None
        rid = started["registration_id"]
        channel = "email" if person.by_mail else "sms"
        sent = self._call(
            "send_code",
            identity.send_registration_code,
            rid,
            channel,
            person.address,
            person.address,
        )
        if sent is None:
            return None
        self.codes_requested.append(person.number)
        code = self._code(person)
        if code is None:
            self.refused["code_not_received"] += 1
            return None
        verified = self._call("verify_code", identity.verify_registration_code, rid, code)
        if verified is None or not verified.get("verified"):
            return None
        recap = self._call("complete", identity.complete_registration, rid, PASSWORD, PASSWORD)
        if recap is not None and recap.get("outcome") == "created":
            self.registered[person.number] = dict(recap)
        return recap

    def _code(self, person: Person) -> str | None:
        deadline = time.monotonic() + self.code_wait_s
        while time.monotonic() < deadline:
            if person.by_mail:
                mails = self.platform.mailbox.to(person.address, CODE_SUBJECT)
                texts = [self.platform.mailbox.text_of(m) for m in mails]
            else:
                texts = self.platform.sms.to(person.phone_e164, SMS_CODE)
            if texts:
                found = CODE.search(texts[-1])
                return found.group(1) if found else None
            eventlet.sleep(0.1)
        return None

    def _call(self, step: str, method: Any, *args: Any) -> Any:
        try:
            answer = method(*args)
        except Exception as error:  # what the person sees: an error page, then tries again
            kind = getattr(error, "exc_type", None) or type(error).__name__
            self.refused[f"{step}: {kind}"] += 1
            eventlet.sleep(0.2)
            return None
        self.acknowledged[step] += 1
        if isinstance(answer, dict) and "outcome" in answer:
            self.seen[f"{step}: {answer['outcome']}"] += 1
        return answer

    # --- after: what people received ------------------------------------------------------

    def codes_received_in_order(self) -> bool:
        """Whether each channel delivered the codes in the order they were asked."""
        mailed = [p for p in self.codes_requested if self.people[p].by_mail]
        texted = [p for p in self.codes_requested if not self.people[p].by_mail]
        addresses = {p.address: n for n, p in self.people.items()}
        phones = {p.phone_e164: n for n, p in self.people.items()}
        mails = [
            addresses[rcpt[0]]
            for rcpt, m in self.platform.mailbox.received
            if m["Subject"] == CODE_SUBJECT and rcpt[0] in addresses
        ]
        texts = [
            phones[r["to"]]
            for r in self.platform.sms.received
            if SMS_CODE in r["text"] and r["to"] in phones
        ]
        return _in_order(mails, mailed) and _in_order(texts, texted)

    def effects(self) -> dict[str, int]:
        """Per person: codes received more than once for one request, identifier messages
        missing for an acknowledged registration or received twice."""
        codes_doubled = identifier_missing = identifier_doubled = 0
        for number, person in self.people.items():
            # distinct messages: one resent after a lost acknowledgement keeps its Message-ID
            # or Idempotency-Key (counted as resent by the platform, not doubled)
            if person.by_mail:
                codes = self._mails(person.address, CODE_SUBJECT)
                ids = self._mails(person.address, IDENTIFIER_SUBJECT)
            else:
                codes = self._texts(person.phone_e164, SMS_CODE)
                ids = self._texts(person.phone_e164, SMS_IDENTIFIER)
            codes_doubled += max(0, codes - 1)  # one code was asked per person
            identifier_doubled += max(0, ids - 1)
            identifier_missing += number in self.registered and ids == 0
        return {
            "codes_doubled": codes_doubled,
            "identifier_doubled": identifier_doubled,
            "identifier_missing": identifier_missing,
        }

    def _mails(self, address: str, subject: str) -> int:
        return len({str(m["Message-ID"]) for m in self.platform.mailbox.to(address, subject)})

    def _texts(self, phone: str, containing: str) -> int:
        return len(
            {
                r["headers"].get("Idempotency-Key")
                for r in self.platform.sms.requests
                if r["json"]["to"] == phone and containing in r["json"]["text"]
            }
        )


def _in_order(received: list[int], requested: list[int]) -> bool:
    """``received`` follows ``requested``'s order (what was asked and not received apart)."""
    asked = [p for p in requested if p in set(received)]
    return [p for p in received if p in set(asked)] == asked
