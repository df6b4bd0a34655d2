"""E-mail over SMTP (smtplib): STARTTLS, implicit TLS or plain (tests only), optional login."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from ..contacts import Recipient
from ..messages import Message
from .base import DeliveryFailure

SECURITY_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | tls (implicit, port 465) | none (local tests only)
    username: str | None = None
    password: str | None = None
    sender: str = "Mon Compte <ne-pas-repondre@mon-compte.invalid>"
    timeout_s: float = 10.0
    #: Extra CA bundle to trust (a private relay); None trusts the system's CAs only.
    ca_file: str | None = None
    #: Domain of the Message-ID: the delivery id makes a resent message recognisable.
    message_id_domain: str = "mon-compte.invalid"

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP security must be one of {SECURITY_MODES}")


class EmailChannel:
    """Sends one plain-text e-mail per delivery.

    >>> EmailChannel(SmtpSettings(host="smtp.example.org")).name
    'email'
    """

    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, delivery_id: uuid.UUID, recipient: Recipient, message: Message) -> None:
        email = self._email(delivery_id, str(recipient.address), message)
        try:
            with self._connect() as smtp:
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            raise DeliveryFailure(
                "smtp_recipient_refused", permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPAuthenticationError:
            # Configuration, not the message: retrying leaves operators time to mend it.
            raise DeliveryFailure("smtp_authentication_failed") from None
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailure("smtp_rejected", permanent=error.smtp_code >= 500) from None
        except (smtplib.SMTPException, OSError):
            raise DeliveryFailure("smtp_unreachable") from None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=self._tls())
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        try:
            if s.security == "starttls":
                smtp.starttls(context=self._tls())
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _email(self, delivery_id: uuid.UUID, to: str, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.settings.sender
        email["To"] = to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = f"<{delivery_id}@{self.settings.message_id_domain}>"
        email.set_content(message.body)
        return email
