"""Mot de passe oublié lifts a freeze (spec §6, §8): identity's PasswordChanged reaches lockout
(ladder reset) and notification ("mot de passe modifié")."""

from __future__ import annotations

from shared.testing import wait_for
from shared.testing.event_tap import EventTap
from shared.testing.journeys.people import JONAS, NEW_PASSWORD, PASSWORD
from shared.testing.journeys.platform import FREEZE_SUBJECT, PASSWORD_CHANGED_SUBJECT, Platform


def test_a_password_reset_lifts_the_freeze_and_the_new_password_logs_in(
    started: Platform, lockout_events: EventTap
) -> None:
    identifier = str(JONAS.nir)
    started.register(JONAS)
    started.wrong_logins(identifier, 5)
    started.mailbox.wait(str(JONAS.email), FREEZE_SUBJECT)
    assert started.login(identifier, PASSWORD)["outcome"] == "frozen"  # not even checked

    done = started.reset_password(JONAS, identifier, NEW_PASSWORD)

    assert done["outcome"] == "password_changed"
    [unfrozen] = lockout_events.wait("AccountUnfrozen")
    assert unfrozen["lifted_by"] == "password_reset"
    wait_for(lambda: started.rpc.lockout.status(identifier)["state"] == "open")
    answer = started.login(identifier, NEW_PASSWORD)
    assert answer["outcome"] == "ok" and answer["session"]["token"]
    assert started.login(identifier, PASSWORD)["outcome"] == "invalid_credentials"
    [mail] = started.mailbox.wait(str(JONAS.email), PASSWORD_CHANGED_SUBJECT)
    assert mail["To"] == JONAS.email
