"""A request delivered again (identity killed mid-login) reserves the same check: counted once."""

from __future__ import annotations

import uuid
from typing import Any

from lockout.application import LockoutApplication
from lockout.reservations import ReservationId

KEY = "ab" * 32


def reserve(app: LockoutApplication, request_id: str, **extra: Any) -> dict[str, Any]:
    return app.reserve_attempt(KEY, request_id=request_id, **extra)


def report_failure(app: LockoutApplication, reserved: dict[str, Any]) -> dict[str, Any]:
    return app.report_attempt(ReservationId.parse(reserved["reservation_id"]), False)


def test_a_request_delivered_again_before_its_report_gets_the_same_reservation(app):
    first = reserve(app, "login-request-1")
    again = reserve(app, "login-request-1")  # the first worker died before reporting

    assert again["reservation_id"] == first["reservation_id"]
    assert report_failure(app, again)["failures"] == 1
    assert report_failure(app, first)["failures"] == 1  # reported twice: counted once


def captcha(app: LockoutApplication) -> dict[str, Any]:
    issued = app.new_captcha()
    return {"captcha_id": uuid.UUID(issued["captcha_id"]), "captcha_answer": app.captcha_answers()}


def test_a_request_delivered_again_after_its_report_is_not_counted_again(app):
    for n in range(3):
        report_failure(app, reserve(app, f"login-request-{n}"))
    report_failure(app, reserve(app, "login-request-3", **captcha(app)))
    last = reserve(app, "login-request-4", **captcha(app))
    frozen = report_failure(app, last)  # the fifth failure freezes
    assert frozen["frozen_until"] is not None

    # The worker died before answering: the request comes again, finds its own check.
    again = reserve(app, "login-request-4", **captcha(app))

    assert (again["decision"], again["reservation_id"]) == ("check", last["reservation_id"])
    assert report_failure(app, again) == frozen  # nothing counted again
    assert reserve(app, "login-request-5")["decision"] == "frozen"  # a new request is refused


def test_requests_without_an_id_each_reserve_their_own_check(app):
    first, second = app.reserve_attempt(KEY), app.reserve_attempt(KEY)
    assert first["reservation_id"] != second["reservation_id"]
