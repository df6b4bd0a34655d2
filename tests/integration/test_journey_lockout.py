"""THE LOCKOUT INVARIANT end to end (spec §6): dozens of simultaneous wrong logins through two
identity replicas and two lockout replicas perform no more password verifications than the
ladder allows; the person is told of the freeze by mail; an unknown identifier climbs the same
ladder with the same answers, and nobody is told anything."""

from __future__ import annotations

from collections import Counter
from typing import Any

import eventlet
from eventlet.event import Event
from eventsourcing.persistence import Tracking
from nameko.exceptions import RemoteError

from shared.identifiers import parse_nir
from shared.testing import application_of, wait_for
from shared.testing.event_tap import EventTap
from shared.testing.journeys.people import JONAS, NOBODY_NIR, WRONG_PASSWORD
from shared.testing.journeys.platform import FREEZE_SUBJECT, Platform
from shared.testing.journeys.receivers import Mailbox

STORM = 50
#: 10 of the 50 carry a captcha: at least 5 can pass the captcha step of the ladder.
CAPTCHA_EVERY = 5
LADDER_ANSWERS = {"invalid_credentials", "captcha_required", "frozen"}


class IdentityAnsweredWithAnError(Exception):
    """Some logins of the storm got an RPC error instead of a login outcome."""


def storm(platform: Platform, clients: list[Any], identifier: str) -> list[Any]:
    """Every client sends one wrong login at the same instant; one in CAPTCHA_EVERY carries a
    good captcha (enough to reach every step of the ladder: only the ladder limits them).
    Returns every answer, or the error a client got instead."""
    captchas = [platform.captcha() if i % CAPTCHA_EVERY == 0 else None for i in range(len(clients))]
    ready: list[int] = []
    go = Event()

    def wrong_login(client: Any, captcha: dict[str, str] | None) -> Any:
        ready.append(1)
        if len(ready) == len(clients):
            go.send()
        go.wait()
        try:
            return dict(client.identity.login(identifier, WRONG_PASSWORD, captcha))
        except RemoteError as error:
            return error

    pool = eventlet.GreenPool(len(clients))
    threads = [
        pool.spawn(wrong_login, c, captcha) for c, captcha in zip(clients, captchas, strict=True)
    ]
    return [thread.wait() for thread in threads]


def outcomes_of(answers: list[Any]) -> Counter[str]:
    return Counter(
        a["outcome"] if isinstance(a, dict) else f"error: {a.exc_type} {a.value}" for a in answers
    )


def test_fifty_simultaneous_wrong_logins_on_two_replicas_verify_only_what_the_ladder_allows(
    platform: Platform, rpc_clients: Any
) -> None:
    platform.start(identity_replicas=2, lockout_replicas=2)
    platform.register(JONAS)
    identifier = str(JONAS.nir)
    clients = rpc_clients(STORM, timeout=60)
    platform.password_checks.reset()

    first = storm(platform, clients, identifier)

    assert platform.password_checks.count == 5  # at most 5 before the first freeze
    assert all(served > 0 for served in platform.password_checks.logins_served.values())
    answered = [a for a in first if isinstance(a, dict)]
    outcomes = Counter(answer["outcome"] for answer in answered)
    assert set(outcomes) <= LADDER_ANSWERS, outcomes
    assert outcomes["invalid_credentials"] <= 4
    assert all(answer["session"] is None for answer in answered)
    status = platform.rpc.lockout.status(identifier)
    assert (status["state"], status["failures"], status["retry_after_s"]) == ("frozen", 5, 600)
    [alert] = platform.mailbox.wait(str(JONAS.email), FREEZE_SUBJECT)
    assert "gelé pendant 10 minutes" in Mailbox.text_of(alert)

    platform.clock.advance(minutes=10)  # the freeze is over: one more check, no more
    platform.password_checks.reset()
    second = storm(platform, clients[:10], identifier)

    assert platform.password_checks.count == 1  # at most 1 per later freeze
    assert {a["outcome"] for a in second if isinstance(a, dict)} <= {"frozen", "captcha_required"}
    assert platform.rpc.lockout.status(identifier)["retry_after_s"] == 1200
    platform.mailbox.wait(str(JONAS.email), FREEZE_SUBJECT, count=2)

    if len(answered) < STORM or not all(isinstance(a, dict) for a in second):
        raise IdentityAnsweredWithAnError(dict(outcomes_of(first)), dict(outcomes_of(second)))


def test_an_unknown_identifier_gets_the_same_answers_up_to_the_freeze_and_no_alert(
    started: Platform, lockout_events: EventTap
) -> None:
    started.register(JONAS)

    known = started.wrong_logins(str(JONAS.nir), 6)
    unknown = started.wrong_logins(NOBODY_NIR, 6)

    assert unknown == known  # same outcomes, counters, freeze times and French messages
    assert [answer["outcome"] for answer in known] == ["invalid_credentials"] * 4 + ["frozen"] * 2
    assert [answer["attempts_left"] for answer in known[:4]] == [4, 3, 2, 1]
    assert known[4]["message"] == (
        "Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant 10 minutes."
    )
    assert started.rpc.lockout.status(NOBODY_NIR) == started.rpc.lockout.status(str(JONAS.nir))

    # Both freezes were published; once notification has processed both, only the account
    # holder has been told.
    frozen = lockout_events.wait_messages("AccountFrozen", 2)
    notification = application_of(started.notification_container)
    wait_for(
        lambda: all(notification.is_processed(Tracking("lockout", e["position"])) for e in frozen)
    )
    started.mailbox.wait(str(JONAS.email), FREEZE_SUBJECT)
    freeze_mails = [
        rcpt for rcpt, mail in started.mailbox.received if mail["Subject"] == FREEZE_SUBJECT
    ]
    assert freeze_mails == [[JONAS.email]]
    assert started.sms.received == []


def test_both_identity_replicas_refuse_a_freeze_from_their_cache_and_drop_it_when_it_is_lifted(
    platform: Platform, rpc_clients: Any
) -> None:
    """Identity's freeze cache (issue #28) with two identity replicas: each hears of the freeze
    (AccountFrozen reaches every replica), refuses from it with no check and no lockout call,
    drops it when an agent lifts the freeze (AccountUnfrozen), and the ladder's invariant holds
    through both: no more checks than it allows."""
    platform.start(identity_replicas=2)
    platform.register(JONAS)
    identifier = str(JONAS.nir)
    platform.wrong_logins(identifier, 5)
    replicas = [application_of(c) for c in platform.identity_containers]
    key = replicas[0].store.identifier_key(parse_nir(identifier))
    wait_for(lambda: all(r.freezes.refusal(key) is not None for r in replicas))
    lockout = application_of(platform.lockout_containers[0])
    reserve, reservations = lockout.reserve_attempt, []

    def counted_reserve(*args: Any, **kwargs: Any) -> Any:
        reservations.append(1)
        return reserve(*args, **kwargs)

    lockout.reserve_attempt = counted_reserve
    clients = rpc_clients(20, timeout=60)
    platform.password_checks.reset()

    refused = storm(platform, clients, identifier)

    assert outcomes_of(refused) == Counter({"frozen": 20})
    assert (platform.password_checks.count, reservations) == (0, [])
    assert all(served > 0 for served in platform.password_checks.logins_served.values())

    lockout.lift_freeze(parse_nir(identifier), "agent-042", "appel de l'allocataire")
    wait_for(lambda: all(r.freezes.refusal(key) is None for r in replicas))
    platform.password_checks.reset()
    second = storm(platform, rpc_clients(STORM, timeout=60), identifier)

    assert platform.password_checks.count == 5  # the ladder, not the caches, decided
    assert set(outcomes_of(second)) <= LADDER_ANSWERS
    assert platform.rpc.lockout.status(identifier)["state"] == "frozen"
    wait_for(lambda: all(r.freezes.refusal(key) is not None for r in replicas))
