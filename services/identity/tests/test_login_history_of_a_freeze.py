"""The history tells a checked password whose failure froze the account from an attempt
refused without any check because the account was frozen (issue 18, item 6)."""

from __future__ import annotations

from .conftest import NIR, PASSWORD

WRONG = "Mauvais2024Mdp"


def stored(app, topic_end: str) -> list[dict]:
    notifications = app.recorder.select_notifications(start=1, limit=10_000)
    return [
        vars(app.mapper.to_domain_event(n)) for n in notifications if n.topic.endswith(topic_end)
    ]


def test_the_failure_that_froze_the_account_was_checked_the_next_one_refused(identity):
    identity.register_with_nir()
    fifth = identity.fail_logins(NIR, 5)[-1]
    assert fifth["outcome"] == "frozen"  # the answer is the same: the account is frozen now
    refused = identity.login(NIR, WRONG, captcha=identity.captcha())
    assert refused["outcome"] == "frozen"
    identity.clock.advance(minutes=10, seconds=1)
    token = identity.login(NIR, PASSWORD, captcha=identity.captcha())["session"]["token"]

    history = identity.rpc.identity.connection_history(token)

    assert [entry["outcome"] for entry in history] == [
        "ok",
        "invalid_credentials_froze",  # checked, wrong, and this failure froze the account
        *["invalid_credentials"] * 4,
    ]
    # Refused with no check at all: kept apart from the account, as before.
    assert [e["reason"] for e in stored(identity.app, "RefusedLoginAttempt.Recorded")] == ["frozen"]
    checked = [e["reason"] for e in stored(identity.app, "Account.LoginFailed")]
    assert checked == [*["invalid_credentials"] * 4, "invalid_credentials_froze"]
    # The public contract (LoginFailed v1) says "invalid_credentials" for a checked failure.
    published = [e["reason"] for e in identity.tap.wait("LoginFailed", 6)]
    assert published == [*["invalid_credentials"] * 5, "frozen"]
