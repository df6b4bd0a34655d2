"""E-mail channel against a real SMTP server (aiosmtpd, in the test process)."""

from __future__ import annotations

import uuid

import pytest
from notification.channels import DeliveryFailure, EmailChannel, SmtpSettings
from notification.contacts import Recipient
from notification.messages import Message

MESSAGE = Message(
    subject="Votre code de vérification", body="Bonjour,\n\nVoici votre code : 483920\n"
)
TO = Recipient("email", "daniel.morvan@test.fr", "Daniel MORVAN")


def plain(port: int) -> EmailChannel:
    return EmailChannel(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout_s=5))


def test_the_message_reaches_the_smtp_server_with_its_delivery_id(smtp_server) -> None:
    delivery_id = uuid.uuid4()
    plain(smtp_server.port).send(delivery_id, TO, MESSAGE)
    [received] = smtp_server.messages
    assert received["To"] == "daniel.morvan@test.fr"
    assert received["Subject"] == "Votre code de vérification"
    assert received["From"] == "Mon Compte <ne-pas-repondre@mon-compte.invalid>"  # no agency's
    assert received["Message-ID"] == f"<{delivery_id}@mon-compte.invalid>"
    assert "483920" in received.get_content()


def test_starttls_with_login(starttls_smtp_server, tls_certificate) -> None:
    user, password = starttls_smtp_server.credentials
    settings = SmtpSettings(
        host="127.0.0.1",
        port=starttls_smtp_server.port,
        security="starttls",
        username=user,
        password=password,
        ca_file=str(tls_certificate[0]),
        timeout_s=5,
    )
    EmailChannel(settings).send(uuid.uuid4(), TO, MESSAGE)
    assert len(starttls_smtp_server.messages) == 1


def test_a_wrong_smtp_password_is_a_failure_worth_retrying(
    starttls_smtp_server, tls_certificate
) -> None:
    settings = SmtpSettings(
        host="127.0.0.1",
        port=starttls_smtp_server.port,
        security="starttls",
        username="notification",
        password="wrong",
        ca_file=str(tls_certificate[0]),
        timeout_s=5,
    )
    with pytest.raises(DeliveryFailure) as failure:
        EmailChannel(settings).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == ("smtp_authentication_failed", False)
    assert starttls_smtp_server.messages == []


def test_a_server_that_is_down_is_a_failure_worth_retrying(smtp_server) -> None:
    smtp_server.stop()
    with pytest.raises(DeliveryFailure) as failure:
        plain(smtp_server.port).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == ("smtp_unreachable", False)


def test_a_refused_mailbox_is_a_permanent_failure(smtp_server) -> None:
    smtp_server.refuse_recipients = True
    with pytest.raises(DeliveryFailure) as failure:
        plain(smtp_server.port).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == ("smtp_recipient_refused", True)
    assert smtp_server.messages == []
