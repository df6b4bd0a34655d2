"""A source many people log in from at once (a company's or a school's address, the bench's
loopback): every reservation holds a check on that one ``SourceActivity``, so concurrent
reservations conflict on it and retry. They must all be decided, none given up on ("too many
concurrent conflicts": an error page for a person). Found in issue #28's fourth round: reading the
source with the ladder in one statement outside the repository's fast-forward lock made the
contenders collide again and again; ``find_together`` now holds those locks as ``get`` does."""

from __future__ import annotations

from typing import Any

import eventlet
from lockout.application import LockoutApplication
from lockout.reservations import ReservationId
from lockout.settings import LockoutSettings

SOURCE = "cd" * 32
PEOPLE = 8
LOGINS_EACH = 60


def test_people_logging_in_at_once_from_one_address_are_all_decided(
    service_config: dict[str, Any],
) -> None:
    # given one lockout replica on PostgreSQL and eight people behind one address
    settings = LockoutSettings.from_mapping({**service_config, "RELAY_ENABLED": "n"}, "lockout")
    app = LockoutApplication(settings)
    decided: list[str] = []
    errors: list[str] = []

    def logs_in_again_and_again(person: int) -> None:
        for login in range(LOGINS_EACH):
            identifier = f"{person * 1000 + login % 4:064x}"  # a few identifiers each
            try:
                answer = app.reserve_attempt(identifier, source_key=SOURCE)
                decided.append(answer["decision"])
                if answer.get("reservation_id"):
                    app.report_attempt(ReservationId.parse(answer["reservation_id"]), True)
            except Exception as error:
                errors.append(type(error).__name__ + ": " + str(error))

    # when they all log in again and again at the same time
    pool = eventlet.GreenPool()
    for person in range(PEOPLE):
        pool.spawn(logs_in_again_and_again, person)
    pool.waitall()
    app.close()

    # then every reservation was decided (each a check: their passwords are right)
    assert errors == []
    assert decided == ["check"] * (PEOPLE * LOGINS_EACH)
