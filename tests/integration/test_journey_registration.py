"""Créer Mon Compte across the four services (spec §7): the code really arrives by mail or SMS,
AccountCreated reaches notification and delegation, the new account logs in."""

from __future__ import annotations

from shared.testing import wait_for
from shared.testing.journeys.people import DANIEL, JONAS, NEW_PASSWORD, PASSWORD
from shared.testing.journeys.platform import CODE_SUBJECT, PASSWORD_CHANGED_SUBJECT, Platform
from shared.testing.journeys.receivers import Mailbox

DOSSIER = "0123456"


def test_with_a_nir_the_code_comes_by_mail_and_the_account_reaches_every_service(
    started: Platform,
) -> None:
    rpc = started.rpc
    rpc.delegation.register_household(DOSSIER, [JONAS.as_member("allocataire")])

    recap = started.register(JONAS)

    assert (recap["identifier_display"], recap["identifier_kind"]) == (JONAS.nir, "nir")
    [code_mail] = started.mailbox.to(str(JONAS.email), CODE_SUBJECT)
    assert "ce code de vérification est à usage unique" in Mailbox.text_of(code_mail)
    # AccountCreated reached delegation: the allocataire of the file now has an account.
    wait_for(lambda: rpc.delegation.household(DOSSIER)["members"][0]["has_account"])
    assert rpc.delegation.authorize(recap["account_id"], "view_payments_and_rights") == {
        "allowed": True,
        "reason": "full_rights",
        "profile": "allocataire",
    }

    token = started.session(str(JONAS.nir))
    summary = rpc.identity.account_summary(token)
    history = rpc.identity.connection_history(token)
    assert summary["identifier_display"] == JONAS.nir
    assert summary["contact"]["email"] == JONAS.email
    assert summary["last_login_at"] is None  # this is the first connection
    assert [(h["method"], h["outcome"]) for h in history] == [("password", "ok")]

    # AccountCreated reached notification: its contact book is where "password changed" goes.
    changed = rpc.identity.change_password(token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert changed["outcome"] == "changed"
    started.mailbox.wait(str(JONAS.email), PASSWORD_CHANGED_SUBJECT)
    assert started.login(str(JONAS.nir), NEW_PASSWORD)["outcome"] == "ok"
    kinds = {(d["kind"], d["channel"], d["status"]) for d in _deliveries(started, recap)}
    assert ("password_changed", "email", "sent") in kinds


def test_without_a_nir_the_provisional_identifier_comes_by_sms_and_logs_in(
    started: Platform,
) -> None:
    rpc = started.rpc

    recap = started.register(DANIEL)  # captcha from lockout, code by SMS

    assert recap["identifier_kind"] == "provisional"
    assert recap["supporting_documents_required"] is True  # no French identity document
    assert started.provisional_identifier_received(DANIEL) == recap["identifier"]
    answer = started.login(recap["identifier"])
    assert answer["outcome"] == "ok"
    session = rpc.identity.verify_session(answer["session"]["token"])
    assert (session["account_id"], session["identifier_kind"]) == (
        recap["account_id"],
        "provisional",
    )
    # AccountCreated reached delegation: a provisional account, limited to its own procedures.
    wait_for(lambda: rpc.delegation.authorize(recap["account_id"], "track_procedures")["allowed"])
    assert (
        rpc.delegation.authorize(recap["account_id"], "view_payments_and_rights")["allowed"]
        is False
    )


def _deliveries(platform: Platform, recap: dict) -> list[dict]:
    """notification's deliveries to the account, once the password-changed one is sent."""
    account_id = recap["account_id"]

    def sent() -> list[dict]:
        found = platform.rpc.notification.deliveries(account_id)
        return found if any(d["status"] == "sent" for d in found) else []

    return wait_for(sent)
