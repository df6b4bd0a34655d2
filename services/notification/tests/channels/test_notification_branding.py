"""Who the messages say they come from: nobody's brand by default, the agency's own once set, and
« démonstration » on every message outside production (issue #30 item 7).

Given settings as an operator types them, when the channels are built from them (the service's
own ``build_channels``) and every kind of message goes through a real SMTP server, the real SMS
gateway and the PDF spool, then the sender, the footer, the links and the letter head are the
configured ones."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from notification.contacts import Recipient
from notification.dependencies import build_channels
from notification.settings import NotificationSettings
from pypdf import PdfReader

from shared.runtime.clock import FrozenClock
from shared.runtime.settings import SettingsError

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
KEYS = {
    "NOTIFICATION_SEAL_PRIVATE_JWK": "{}",
    "NOTIFICATION_SEAL_PUBLIC_JWK": "{}",
    "PSEUDONYM_KEY": "a" * 44,
    "PERSONAL_DATA_MASTER_KEY": "b" * 44,
    "SMS_GATEWAY_TOKEN": "gw-token",
}
AGENCY = {
    "SMTP_SENDER": "Caf des Hauts-de-Seine <ne-pas-repondre@caf92.exemple.fr>",
    "SMS_SENDER": "Caf92",
    "MESSAGE_SHORT_NAME": "Caf 92",
    "MESSAGE_SIGNATURE": "Votre Caf des Hauts-de-Seine",
    "MESSAGE_SITE_URL": "https://moncompte.caf92.exemple.fr",
    "LETTER_HEAD": "Caf des Hauts-de-Seine|70 rue Paul Lescop|92000 Nanterre",
    "MESSAGE_CONTACT_PHONE": "3230",
}
DETAILS: dict[str, dict[str, Any]] = {
    "verification_code": {
        "code": "483920",
        "purpose": "password_reset",
        "expires_at": "2026-11-27T09:15:00+00:00",
    },
    "provisional_identifier": {"identifier": "P33392250", "reason": "registration"},
    "freeze_alert": {"frozen_until": "2026-11-27T09:10:00+00:00", "duration_s": 600},
    "password_changed": {},
    "nir_assigned": {},
    "delegation_granted": {},
    "delegation_revoked": {},
    "contacts_changed": {},
}
LETTERS = ("verification_code", "provisional_identifier", "password_changed", "nir_assigned")


class Sent:
    """Every kind of message, sent for real by the channels built from ``environ``."""

    def __init__(self, environ, smtp_server, sms_gateway, tmp_path) -> None:
        settings = NotificationSettings.from_mapping(
            {
                **KEYS,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp_server.port),
                "SMS_GATEWAY_URL": sms_gateway.url,
                "LETTER_SPOOL_DIR": str(tmp_path),
                **environ,
            },
            "notification",
        )
        channel_set = build_channels(settings, FrozenClock(NOW))
        self.letters: list[str] = []
        for kind, details in DETAILS.items():
            for channel in ("email", "sms", "letter"):
                if channel == "letter" and kind not in LETTERS:
                    continue
                address: Any = {
                    "email": "daniel.morvan@test.fr",
                    "sms": "06 12 34 56 78",
                    "letter": {"lines": ["12 rue des Lilas", "06000 NICE"]},
                }[channel]
                recipient = Recipient(channel, address, "Daniel MORVAN", "M")
                message = channel_set.composer.compose(kind, recipient, details)
                delivery_id = uuid.uuid4()
                channel_set.channels[channel].send(delivery_id, recipient, message)
                if channel == "letter":
                    pdf = tmp_path / "2026-11-27" / f"{delivery_id}.pdf"
                    self.letters.append("\n".join(p.extract_text() for p in PdfReader(pdf).pages))
        self.mails = smtp_server.messages
        self.sms = [request["json"] for request in sms_gateway.requests]

    def texts(self) -> list[str]:
        return (
            [f"{mail['From']} {mail['Subject']} {mail.get_content()}" for mail in self.mails]
            + [f"{sms['sender']} {sms['text']}" for sms in self.sms]
            + self.letters
        )


def test_by_default_no_message_names_an_agency_and_each_says_it_is_a_demonstration(
    smtp_server, sms_gateway, tmp_path
) -> None:
    environ = {"ENVIRONMENT": "test", "SMTP_SECURITY": "none"}
    sent = Sent(environ, smtp_server, sms_gateway, tmp_path)

    assert len(sent.mails) == len(DETAILS) and len(sent.sms) == len(DETAILS)
    for text in sent.texts():
        assert "caf.fr" not in text.lower()
        assert "démonstration" in text, text
    assert {mail["From"] for mail in sent.mails} == {
        "Mon Compte <ne-pas-repondre@mon-compte.invalid>"
    }
    assert all(sms["sender"] == "MonCompte" for sms in sent.sms)
    assert all(sms["text"].startswith("Mon Compte (démonstration) : ") for sms in sent.sms)
    assert all(mail.get_content().startswith("Message de démonstration : ") for mail in sent.mails)
    assert all(letter.startswith("Mon Compte") for letter in sent.letters)


def test_an_agency_sets_its_sender_footer_links_and_letter_head(
    starttls_smtp_server, tls_certificate, sms_gateway, tmp_path
) -> None:
    user, password = starttls_smtp_server.credentials
    relay = {"SMTP_USERNAME": user, "SMTP_PASSWORD": password}
    relay["SMTP_CA_FILE"] = str(tls_certificate[0])
    environ = {**AGENCY, **relay, "ENVIRONMENT": "production"}
    sent = Sent(environ, starttls_smtp_server, sms_gateway, tmp_path)

    for mail in sent.mails:
        body = mail.get_content().replace("\r\n", "\n")
        assert mail["From"] == AGENCY["SMTP_SENDER"]
        assert mail["Message-ID"].endswith("@caf92.exemple.fr>")
        assert "Votre Caf des Hauts-de-Seine\n" in body
        assert (
            "consultez la page « informatique et libertés » :"
            " https://moncompte.caf92.exemple.fr/informatique-et-libertes" in body
        )
        assert "démonstration" not in body
    for sms in sent.sms:
        assert sms["sender"] == "Caf92" and sms["text"].startswith("Caf 92 : ")
        assert len(sms["text"]) <= 160
    password_changed = next(s["text"] for s in sent.sms if "mot de passe a été" in s["text"])
    assert '"Mot de passe oublié" sur moncompte.caf92.exemple.fr.' in password_changed
    # « ce n'était pas moi »: the previous contacts are told whom to call and where to read more
    mails = [m.get_content().replace("\r\n", "\n") for m in sent.mails]
    notice = next(body for body in mails if "coordonnées de contact de votre espace" in body)
    assert "appelez sans attendre votre Caf au 3230" in " ".join(notice.split())
    assert "https://moncompte.caf92.exemple.fr/conseils-de-securite" in notice
    notice_sms = next(s["text"] for s in sent.sms if "coordonnées de contact" in s["text"])
    assert notice_sms.endswith("Pas vous ? Appelez votre Caf au 3230.")
    for letter in sent.letters:
        assert letter.startswith("Caf des Hauts-de-Seine\n70 rue Paul Lescop\n92000 Nanterre")
        assert "Votre Caf des Hauts-de-Seine" in letter and "démonstration" not in letter


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SMTP_SENDER": "Mon Compte <ne-pas-repondre@mon-compte.invalid>"}, "SMTP_SENDER"),
        ({**AGENCY, "MESSAGE_SITE_URL": "http://moncompte.exemple.fr"}, "MESSAGE_SITE_URL"),
        ({**AGENCY, "SMS_SENDER": "Caf des Hauts-de-Seine"}, "SMS_SENDER"),
    ],
    ids=["no-agency-sender", "plain-http-link", "sms-sender-too-long"],
)
def test_production_refuses_a_message_identity_that_is_not_an_agencys(environ, named) -> None:
    settings = {
        **KEYS,
        "ENVIRONMENT": "production",
        "SMS_GATEWAY_URL": "https://sms.exemple.fr/v1",
        **environ,
    }
    with pytest.raises(SettingsError, match=named):
        NotificationSettings.from_mapping(settings, "notification")
