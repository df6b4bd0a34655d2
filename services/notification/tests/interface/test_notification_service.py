"""The notification service through its real entrypoints: events in, messages out.

Triggers are real integration events, built with the shared schemas and published on the
producer's exchange of the real broker; messages are read back from a real SMTP server, a real
HTTP SMS gateway and PDFs in the spool.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import eventlet
import pytest
from eventsourcing.persistence import Tracking
from notification.channels.letter import read_batch_index
from pypdf import PdfReader

from shared.runtime.rpc import InvalidInput
from shared.testing import both_stores, wait_for
from shared.testing.logs import logged

ACCOUNT = uuid.UUID("0b0c3c52-91a4-4f0e-9b8e-3f1d2a6c7e10")
SPOUSE = uuid.UUID("7d2e8f01-5c3b-4a9d-8e6f-1a2b3c4d5e6f")
KEY = "1" * 64
EMAIL = "daniel.morvan@test.fr"
PHONE = "0612345678"
POSTAL = {"lines": ["12 rue des Lilas", "06000 NICE"]}


def contact(seal, email=EMAIL, phone=PHONE, preferred="email") -> str:
    return seal(
        {
            "display_name": "Daniel MORVAN",
            "civility": "M",
            "email": email,
            "phone": phone,
            "postal_address": POSTAL,
            "preferred": preferred,
        }
    )


def code_issued(
    seal, notification, channel="email", address=EMAIL, code="483920", purpose="password_reset"
) -> dict:
    return {
        "flow_id": str(uuid.uuid4()),
        "purpose": purpose,
        "account_id": str(ACCOUNT),
        "channel": channel,
        "expires_at": (notification.clock.now() + timedelta(minutes=15)).isoformat(),
        "sealed": seal({"code": code, "address": address, "display_name": "Daniel MORVAN"}),
    }


def account_created(seal, account_id=ACCOUNT, **contact_kw) -> dict:
    return {
        "account_id": str(account_id),
        "identifier_kind": "nir",
        "identifier_key": KEY if account_id == ACCOUNT else "2" * 64,
        "nir_key": "3" * 64,
        "supporting_documents_required": False,
        "benefit_request": None,
        "sealed_contact": contact(seal, **contact_kw),
    }


def processed(notification, producer: str, position: int) -> bool:
    return notification.app.is_processed(Tracking(producer, position))


def code_sent(notification, publish_event, seal, position: int) -> None:
    """Identity's code at ``position`` is processed, then mailed by one run of the loop."""
    publish_event(
        "VerificationCodeIssued",
        code_issued(seal, notification),
        producer="identity",
        position=position,
    )
    wait_for(lambda: processed(notification, "identity", position))
    assert notification.tick() == 1


def test_the_registration_code_is_listed_with_the_account_it_created(
    notification, publish_event, seal, smtp_server, rpc
):
    # Identity issues the registration code to the account-to-be (its id is chosen at step 1):
    # once the account exists, support sees that code too ("my code never came").
    publish_event(
        "VerificationCodeIssued",
        code_issued(seal, notification, purpose="registration"),
        producer="identity",
        position=1,
    )
    wait_for(lambda: processed(notification, "identity", 1))
    assert notification.tick() == 1

    [delivery] = rpc.notification.deliveries(str(ACCOUNT))
    assert (delivery["kind"], delivery["purpose"], delivery["status"]) == (
        "verification_code",
        "registration",
        "sent",
    )


def test_the_log_line_of_a_sent_mail_carries_the_correlation_id_of_the_request(
    notification, publish_event, seal, smtp_server
):
    with logged("INFO", "notification") as logs:
        publish_event(
            "VerificationCodeIssued",
            code_issued(seal, notification),
            producer="identity",
            position=1,
            correlation_id="request-of-the-reset",
        )
        wait_for(lambda: processed(notification, "identity", 1))
        assert notification.tick() == 1

    [sent] = [line for line in logs() if line["message"].endswith(" sent")]
    assert sent["correlation_id"] == "request-of-the-reset"


@both_stores
def test_a_reset_code_is_mailed_and_nothing_readable_stays_in_the_store(
    notification, publish_event, seal, smtp_server, rpc
):
    code_sent(notification, publish_event, seal, position=3)

    [mail] = smtp_server.messages
    assert mail["To"] == EMAIL and mail["Subject"] == "Votre code de vérification"
    assert "483920" in mail.get_content() and "27/11/2026 à 10h15" in mail.get_content()
    [delivery] = rpc.notification.deliveries(str(ACCOUNT))
    assert {k: delivery[k] for k in ("kind", "channel", "status", "attempts")} == {
        "kind": "verification_code", "channel": "email", "status": "sent", "attempts": 1,
    }  # fmt: skip
    assert delivery["masked_address"] == "d****n@t***.fr"
    assert delivery["sent_at"] and delivery["requested_at"]
    app = notification.app
    stored = [n.state for n in app.process_recorder.select_notifications(start=1, limit=1000)]
    assert stored and not any(b"483920" in s or EMAIL.encode() in s for s in stored)
    # Once sent, even the sealed copy is gone: its key was destroyed.
    assert app.repository.get(uuid.UUID(delivery["delivery_id"])).sealed.erased
    assert notification.tick() == 0


def test_a_mail_server_down_then_back_gets_the_message_once_after_a_retry(
    notification, publish_event, seal, smtp_server, rpc
):
    smtp_server.stop()
    publish_event(
        "VerificationCodeIssued", code_issued(seal, notification), producer="identity", position=5
    )
    wait_for(lambda: processed(notification, "identity", 5))

    assert notification.tick() == 0
    [failed] = rpc.notification.deliveries(str(ACCOUNT))
    assert (failed["status"], failed["attempts"], failed["last_error"]) == (
        "failed",
        1,
        "smtp_unreachable",
    )

    smtp_server.start()
    notification.clock.advance(seconds=59)
    assert notification.tick() == 0  # backoff: not yet
    notification.clock.advance(seconds=1)
    assert notification.tick() == 1
    assert notification.tick() == 0

    assert len(smtp_server.messages) == 1
    [sent] = rpc.notification.deliveries(str(ACCOUNT))
    assert (sent["status"], sent["attempts"]) == ("sent", 2)


def test_a_mail_server_that_stays_down_is_given_up_after_the_last_attempt(
    notification, publish_event, seal, smtp_server, rpc, published_by_notification
):
    given_up = published_by_notification("DeliveryGivenUp")
    smtp_server.stop()
    publish_event(
        "VerificationCodeIssued", code_issued(seal, notification), producer="identity", position=8
    )
    wait_for(lambda: processed(notification, "identity", 8))

    for wait_s in (0, 60, 120):  # DELIVERY_MAX_ATTEMPTS=3, backoff 60 s then 120 s
        notification.clock.advance(seconds=wait_s)
        notification.tick()

    [delivery] = rpc.notification.deliveries(str(ACCOUNT))
    assert (delivery["status"], delivery["attempts"]) == ("given_up", 3)
    payload = given_up.get(timeout=15).payload["payload"]
    assert (payload["attempts"], payload["error_code"]) == (3, "smtp_unreachable")


def test_a_trigger_delivered_twice_sends_one_message(
    notification, publish_event, seal, smtp_server, rpc, amqp_vhost
):
    payload = code_issued(seal, notification)
    publish_event("VerificationCodeIssued", payload, producer="identity", position=9)
    publish_event("VerificationCodeIssued", payload, producer="identity", position=9)
    queue = "evt-identity-VerificationCodeIssued--notification.on_verification_code_issued"
    wait_for(lambda: _drained(amqp_vhost, queue, acked=2))

    notification.tick()
    notification.tick()

    assert len(smtp_server.messages) == 1
    assert len(rpc.notification.deliveries(str(ACCOUNT))) == 1


def test_a_number_the_gateway_refuses_is_given_up_and_support_is_told(
    notification, publish_event, seal, sms_gateway, rpc, published_by_notification
):
    given_up = published_by_notification("DeliveryGivenUp")
    sms_gateway.status, sms_gateway.answer = 422, {"error": "invalid number"}
    payload = code_issued(seal, notification, channel="sms", address=PHONE)
    publish_event("VerificationCodeIssued", payload, producer="identity", position=4)
    wait_for(lambda: processed(notification, "identity", 4))

    assert notification.tick() == 0

    [request] = sms_gateway.requests
    assert request["json"]["to"] == "+33612345678" and "483920" in request["json"]["text"]
    [delivery] = rpc.notification.deliveries(str(ACCOUNT))
    assert (delivery["status"], delivery["attempts"]) == ("given_up", 1)
    message = given_up.get(timeout=15).payload
    assert message["event_type"] == "DeliveryGivenUp"
    assert message["payload"] == {
        "delivery_id": delivery["delivery_id"], "account_id": str(ACCOUNT),
        "kind": "verification_code", "channel": "sms", "attempts": 1, "error_code": "sms_rejected",
    }  # fmt: skip
    notification.clock.advance(days=1)
    assert notification.tick() == 0 and len(sms_gateway.requests) == 1


def test_a_code_by_letter_is_a_pdf_in_the_spool_with_the_letter_expiry(
    notification, publish_event, seal, tmp_path
):
    payload = code_issued(seal, notification, channel="letter", address=POSTAL)
    payload["expires_at"] = (notification.clock.now() + timedelta(days=30)).isoformat()
    publish_event("VerificationCodeIssued", payload, producer="identity", position=2)
    wait_for(lambda: processed(notification, "identity", 2))

    assert notification.tick() == 1

    [row] = read_batch_index(tmp_path / "spool", notification.clock.now().date())
    pdf = PdfReader(tmp_path / "spool" / "2026-11-27" / row["file"])
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for expected in (
        "Daniel MORVAN",
        "06000 NICE",
        "Le 27 novembre 2026",
        "483920",
        "27/12/2026",
    ):
        assert expected in text


def test_a_freeze_alert_goes_by_mail_first_and_nobody_is_told_for_an_unknown_identifier(
    notification, publish_event, seal, smtp_server, sms_gateway, rpc, published_by_notification
):
    sent = published_by_notification("DeliverySent")
    publish_event(
        "AccountCreated", account_created(seal, preferred="sms"), producer="identity", position=1
    )
    wait_for(lambda: processed(notification, "identity", 1))  # the account long predates a freeze
    frozen = {"failures": 5, "frozen_until": "2026-11-27T09:10:00+00:00", "duration_s": 600}
    publish_event(
        "AccountFrozen", {"identifier_key": KEY, **frozen}, producer="lockout", position=1
    )
    publish_event(
        "AccountFrozen", {"identifier_key": "f" * 64, **frozen}, producer="lockout", position=2
    )
    wait_for(
        lambda: processed(notification, "lockout", 1) and processed(notification, "lockout", 2)
    )

    assert notification.tick() == 1

    [mail] = smtp_server.messages
    assert mail["To"] == EMAIL and "gelé pendant 10 minutes" in mail.get_content()
    assert sms_gateway.requests == []
    assert [d["kind"] for d in rpc.notification.deliveries(str(ACCOUNT))] == ["freeze_alert"]
    app = notification.app
    stored = [n.state for n in app.process_recorder.select_notifications(start=1, limit=1000)]
    assert not any(EMAIL.encode() in s or b"MORVAN" in s for s in stored)
    assert sent.get(timeout=15).payload["payload"]["kind"] == "freeze_alert"


def test_the_spouse_is_told_of_a_delegation_on_the_preferred_channel(
    notification, publish_event, seal, sms_gateway, rpc
):
    publish_event(
        "AccountCreated", account_created(seal, account_id=SPOUSE, preferred="sms"),
        producer="identity", position=1,
    )  # fmt: skip
    wait_for(lambda: processed(notification, "identity", 1))
    granted = {
        "dossier_key": "d" * 64,
        "allocataire_account_id": str(ACCOUNT),
        "spouse_account_id": str(SPOUSE),
    }
    publish_event("DelegationGranted", granted, producer="delegation", position=1)
    wait_for(lambda: processed(notification, "delegation", 1))

    assert notification.tick() == 1

    [request] = sms_gateway.requests
    assert "vous autorise à consulter les données du dossier" in request["json"]["text"]
    assert [(d["kind"], d["masked_address"]) for d in rpc.notification.deliveries(str(SPOUSE))] == [
        ("delegation_granted", "06 ** ** ** 78")
    ]


def test_after_nir_assignment_the_person_is_told_and_alerts_follow_the_new_identifier(
    notification, publish_event, seal, smtp_server, rpc
):
    provisional_key, nir_key = "4" * 64, "5" * 64
    created = {
        **account_created(seal),
        "identifier_kind": "provisional",
        "identifier_key": provisional_key,
    }
    publish_event("AccountCreated", created, producer="identity", position=1)
    wait_for(lambda: processed(notification, "identity", 1))
    assigned = {
        "account_id": str(ACCOUNT), "previous_identifier_key": provisional_key,
        "identifier_key": nir_key, "nir_key": "6" * 64, "operator": "agent-42",
    }  # fmt: skip
    publish_event("NirAssigned", assigned, producer="identity", position=2)
    wait_for(lambda: processed(notification, "identity", 2))
    frozen = {
        "identifier_key": nir_key,
        "failures": 5,
        "frozen_until": "2026-11-27T09:10:00+00:00",
        "duration_s": 600,
    }
    publish_event("AccountFrozen", frozen, producer="lockout", position=1)
    wait_for(lambda: processed(notification, "lockout", 1))

    assert notification.tick() == 2

    subjects = sorted(mail["Subject"] for mail in smtp_server.messages)
    assert subjects == [
        "Connectez-vous désormais avec votre numéro de sécurité sociale",
        "Votre compte est temporairement bloqué",
    ]
    assert all("Bonjour Daniel MORVAN," in mail.get_content() for mail in smtp_server.messages)


def test_pending_deliveries_survive_a_restart_and_the_timer_sends_them(
    notification, publish_event, seal, smtp_server
):
    smtp_server.stop()
    publish_event(
        "VerificationCodeIssued", code_issued(seal, notification), producer="identity", position=6
    )
    wait_for(lambda: processed(notification, "identity", 6))
    notification.tick()  # fails: the server is down
    smtp_server.start()
    notification.clock.advance(minutes=5)

    notification.restart(DELIVERY_SEND_INTERVAL_S="0.1")  # a new process: state from the store

    wait_for(lambda: smtp_server.messages)
    assert "483920" in smtp_server.messages[0].get_content()


def test_deliveries_refuses_a_malformed_account_id(notification, rpc):
    with pytest.raises(InvalidInput) as error:
        rpc.notification.deliveries("pas-un-identifiant")
    assert error.value.fields == {"account_id": ["Identifiant invalide."]}


def _drained(vhost, queue: str, acked: int) -> bool:
    info = vhost.queue(queue)
    if not info:
        return False
    return info.get("messages", 1) == 0 and info.get("message_stats", {}).get("ack", 0) >= acked


@both_stores
def test_the_board_is_kept_in_the_store_and_a_restart_folds_only_what_is_new(
    notification, publish_event, seal, smtp_server, monkeypatch
):
    # given a delivery requested, sent and its sealed message erased, folded by the board
    code_sent(notification, publish_event, seal, position=8)
    notification.app.board.catch_up()
    folded = notification.app.board.position
    [delivery_id] = notification.app.board.deliveries_of(ACCOUNT)
    board_reads: list = []  # what the board reads from now on (only it asks by topic)
    recorder_class = type(notification.app.process_recorder)
    select = recorder_class.select_notifications

    def counted(self, *args, **kwargs):
        found = select(self, *args, **kwargs)
        if kwargs.get("topics"):
            board_reads.extend(found)
        return found

    monkeypatch.setattr(recorder_class, "select_notifications", counted)

    # when the process restarts (its sending loop runs at once, catching the board up)
    notification.restart()
    app = notification.app
    app.board.catch_up()

    # then the new process starts from the stored position and answers the same
    assert board_reads == []
    assert app.board.position == folded > 0
    assert app.board.deliveries_of(ACCOUNT) == [delivery_id]
    assert app.board.unerased == set()


def test_a_replica_folding_old_events_again_does_not_undo_newer_ones(
    notification, publish_event, seal, smtp_server
):
    # given a delivery that was attempted and sent, folded by the board
    code_sent(notification, publish_event, seal, position=9)
    board = notification.app.board
    board.catch_up()
    folded = board.position
    later = notification.clock.now() + timedelta(days=1)
    assert board.due(later, 10) == []

    # when a replica that lags behind folds the whole log again (as concurrent catch-ups do)
    board.sql.execute("UPDATE {schema}delivery_board_position SET position = 0")
    board.catch_up()

    # then the older events (the request, the attempt's lease) are not applied over the newer
    assert board.due(later, 10) == []
    assert board.unerased == set()
    assert board.deliveries_of(ACCOUNT) and board.position == folded


def test_a_contact_change_is_announced_to_the_old_contacts_before_any_code_to_the_new_one(
    start_notification, publish_event, seal, smtp_server, sms_gateway, rpc
):
    """Given an account with a mail and a mobile on file, when the back office changes them and
    a reset code to the new mail is issued, then the old mail and the old mobile are told, and
    the code waits until they are (its event arrives first here: it is retried meanwhile)."""
    notification = start_notification(CONSUMER_RETRY_DELAYS_S="0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5")
    publish_event("AccountCreated", account_created(seal), producer="identity", position=1)
    wait_for(lambda: processed(notification, "identity", 1))
    new_email = "nouvelle.adresse@test.fr"
    publish_event(
        "VerificationCodeIssued",
        code_issued(seal, notification, address=new_email),
        producer="identity",
        position=3,
    )
    eventlet.sleep(1.0)  # the code's event is tried (and retried) meanwhile
    assert not processed(notification, "identity", 3)  # waits for the contact book
    publish_event(
        "ContactsUpdated",
        {
            "account_id": str(ACCOUNT),
            "sealed_contact": contact(seal, email=new_email, phone="0698765432"),
            "operator": "agent-42",
        },
        producer="identity",
        position=2,
    )
    wait_for(lambda: processed(notification, "identity", 3), timeout=20)

    kinds = [(d["kind"], d["channel"]) for d in rpc.notification.deliveries(str(ACCOUNT))]
    assert sorted(kinds) == [
        ("contacts_changed", "email"), ("contacts_changed", "sms"), ("verification_code", "email")
    ]  # fmt: skip
    assert notification.tick() == 3
    by_address = {mail["To"]: mail for mail in smtp_server.messages}
    assert by_address[EMAIL]["Subject"] == "Vos coordonnées de contact ont été modifiées"
    assert "483920" in by_address[new_email].get_content()
    [sms] = sms_gateway.requests
    assert PHONE[-8:] in str(sms) and "coordonnées" in str(sms)


NEW_EMAIL = "nouvelle.adresse@test.fr"
CHANGED = "Vos coordonnées de contact ont été modifiées"
SUBJECT_CODE = "Votre code de vérification"


def contacts_changed_then_code(notification, publish_event, seal) -> None:
    """The account (old mail and mobile), a change to a new mail, a reset code to it: all
    three processed, so the code is requested with its announcements still unsent."""
    publish_event("AccountCreated", account_created(seal), producer="identity", position=1)
    wait_for(lambda: processed(notification, "identity", 1))
    changed = {
        "account_id": str(ACCOUNT),
        "sealed_contact": contact(seal, email=NEW_EMAIL, phone="0698765432"),
        "operator": "agent-42",
    }
    publish_event("ContactsUpdated", changed, producer="identity", position=2)
    wait_for(lambda: processed(notification, "identity", 2))
    code = code_issued(seal, notification, address=NEW_EMAIL)
    publish_event("VerificationCodeIssued", code, producer="identity", position=3)
    wait_for(lambda: processed(notification, "identity", 3))


def test_the_code_to_the_new_mail_is_sent_only_after_the_old_contacts_got_the_announcement(
    notification, publish_event, seal, smtp_server, sms_gateway, rpc
):
    # Given a contact change and a code to the new mail, the old mobile's gateway failing
    contacts_changed_then_code(notification, publish_event, seal)
    sms_gateway.status = 503

    # When the loop runs: the old mail is told, the SMS fails, and the code waits for it
    assert notification.tick() == 1
    assert smtp_server.to(EMAIL, CHANGED) and smtp_server.to(NEW_EMAIL, SUBJECT_CODE) == []
    notification.clock.advance(seconds=30)
    assert notification.tick() == 0 and smtp_server.to(NEW_EMAIL, SUBJECT_CODE) == []

    # Then once the gateway takes the announcement (its retry), the code goes, after it
    sms_gateway.status = 202
    notification.clock.advance(seconds=30)
    assert notification.tick() == 2
    assert sms_gateway.to("+33612345678", "coordonnées")
    [code] = smtp_server.to(NEW_EMAIL, SUBJECT_CODE)
    assert "483920" in code.get_content()
    recipients = [rcpt for rcpt, _ in smtp_server.received]
    assert recipients == [[EMAIL], [NEW_EMAIL]]  # the old address first, the new one after


def test_a_code_held_for_an_announcement_goes_after_the_bound_if_the_channel_stays_down(
    notification, publish_event, seal, smtp_server, sms_gateway, rpc
):
    # Given a contact change whose SMS announcement keeps failing (CODE_HOLD_FOR_ANNOUNCEMENT_S
    # is 120 by default)
    contacts_changed_then_code(notification, publish_event, seal)
    sms_gateway.status = 503
    assert notification.tick() == 1  # the old mail only

    # When the bound is not reached yet, the code waits; at the bound, it goes
    notification.clock.advance(seconds=119)
    assert notification.tick() == 0
    notification.clock.advance(seconds=1)
    assert notification.tick() == 1

    # Then the new mail has its code, while the announcement by SMS is still being retried
    assert smtp_server.to(NEW_EMAIL, SUBJECT_CODE)
    deliveries = rpc.notification.deliveries(str(ACCOUNT))
    statuses = {f"{d['kind']}/{d['channel']}": d["status"] for d in deliveries}
    assert statuses == {
        "contacts_changed/email": "sent", "contacts_changed/sms": "failed",
        "verification_code/email": "sent",
    }  # fmt: skip
