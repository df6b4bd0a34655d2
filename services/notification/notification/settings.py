"""The notification service's settings: the common ones plus channels, retries and the loop.

Every variable may also be given as ``NOTIFICATION_<NAME>`` (wins over ``<NAME>``).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from shared.runtime.settings import ServiceSettings, SettingsError, parse_json, setting

from .branding import Branding
from .domain import RetryPolicy

#: Alphanumeric SMS senders are cut by operators beyond 11 characters.
MAX_SMS_SENDER = 11
#: Top-level domains that never deliver mail (RFC 2606, RFC 6761).
RESERVED_TOP_LEVELS = ("invalid", "example", "test", "localhost", "local")


def sender_domain(sender: str) -> str:
    """The domain of a From address (it also names the Message-ID).

    >>> sender_domain("Caf <ne-pas-repondre@caf.fr>")
    'caf.fr'
    """
    return parseaddr(sender)[1].rpartition("@")[2].lower()


@dataclasses.dataclass(frozen=True, repr=False)  # keep ServiceSettings.__repr__: it hides secrets
class NotificationSettings(ServiceSettings):
    notification_private_jwk: dict[str, Any] | None = setting(
        "NOTIFICATION_SEAL_PRIVATE_JWK",
        None,
        parse=parse_json,
        secret=True,
        doc="private EC key (JWK JSON) that opens sealed codes and contacts",
    )
    # --- e-mail (SMTP) ---
    smtp_host: str = setting("SMTP_HOST", "127.0.0.1", doc="SMTP relay host")
    smtp_port: int = setting("SMTP_PORT", 587, parse=int, doc="SMTP port (587 STARTTLS, 465 TLS)")
    smtp_security: str = setting("SMTP_SECURITY", "starttls", doc="starttls | tls | none")
    smtp_username: str | None = setting("SMTP_USERNAME", None, doc="SMTP login (unset: none)")
    smtp_password: str | None = setting("SMTP_PASSWORD", None, secret=True, doc="SMTP password")
    smtp_sender: str = setting(
        "SMTP_SENDER",
        "Mon Compte <ne-pas-repondre@mon-compte.invalid>",
        doc="From header of mails (the agency's no-reply address; a reserved domain such as"
        " .invalid is refused in production); its domain names the Message-ID",
    )
    smtp_ca_file: str | None = setting("SMTP_CA_FILE", None, doc="extra CA bundle for the relay")
    smtp_timeout_s: float = setting("SMTP_TIMEOUT_S", 10.0, parse=float, doc="seconds")
    # --- SMS gateway (HTTP) ---
    sms_gateway_url: str | None = setting(
        "SMS_GATEWAY_URL", None, doc="POST endpoint of the gateway"
    )
    sms_gateway_token: str | None = setting(
        "SMS_GATEWAY_TOKEN",
        None,
        secret=True,
        doc="bearer token of the gateway; required in production",
    )
    sms_sender: str = setting(
        "SMS_SENDER", "MonCompte", doc="sender name shown on the phone (at most 11 characters)"
    )
    sms_timeout_s: float = setting("SMS_TIMEOUT_S", 10.0, parse=float, doc="seconds")
    # --- letters ---
    letter_spool_dir: Path | None = setting(
        "LETTER_SPOOL_DIR", None, parse=Path, doc="print spool (default DATA_DIR/letters)"
    )
    retention_letter_spool_days: float = setting(
        "RETENTION_LETTER_SPOOL_DAYS",
        30.0,
        parse=float,
        doc="how long a letter (its PDF and index row) stays in the print spool",
    )
    letter_font_path: Path | None = setting(
        "LETTER_FONT_PATH", None, parse=Path, doc="TTF font for letters (default: Helvetica)"
    )
    letter_head: str = setting(
        "LETTER_HEAD",
        "Mon Compte",
        doc="head of letters: its lines (the agency's name, postal address) separated by a"
        " vertical bar",
    )
    message_timezone: str = setting("MESSAGE_TIMEZONE", "Europe/Paris", doc="times in messages")
    # --- branding: who the messages say they come from (docs/notification.md) ---
    message_short_name: str = setting(
        "MESSAGE_SHORT_NAME",
        "Mon Compte",
        doc="the agency's short name, at the start of every SMS (« Caf des Hauts-de-Seine : … »)",
    )
    message_signature: str = setting(
        "MESSAGE_SIGNATURE", "Le service Mon Compte", doc="the closing line of mails and letters"
    )
    message_site_url: str | None = setting(
        "MESSAGE_SITE_URL",
        None,
        doc="the portal's public address (https://…), named in messages and linked to its"
        " « informatique et libertés » page — unset: messages name the pages without a link",
    )
    message_contact_phone: str | None = setting(
        "MESSAGE_CONTACT_PHONE",
        None,
        doc="the agency's telephone number, given in « ce n'était pas moi » notices (a contact"
        " change) — unset: the notice says to call the Caf or visit its front desk",
    )
    # --- the sending loop and its retries ---
    delivery_send_interval_s: float = setting(
        "DELIVERY_SEND_INTERVAL_S", 2.0, parse=float, doc="how often due deliveries are sent"
    )
    delivery_batch_size: int = setting("DELIVERY_BATCH_SIZE", 50, parse=int, doc="per tick")
    delivery_max_attempts: int = setting(
        "DELIVERY_MAX_ATTEMPTS", 6, parse=int, doc="attempts before a delivery is given up"
    )
    delivery_retry_first_delay_s: float = setting(
        "DELIVERY_RETRY_FIRST_DELAY_S", 60.0, parse=float, doc="wait after the first failure"
    )
    delivery_retry_factor: float = setting(
        "DELIVERY_RETRY_FACTOR", 2.0, parse=float, doc="each further wait is this many times longer"
    )
    delivery_retry_max_delay_s: float = setting(
        "DELIVERY_RETRY_MAX_DELAY_S", 3600.0, parse=float, doc="longest wait between attempts"
    )
    delivery_attempt_lease_s: float = setting(
        "DELIVERY_ATTEMPT_LEASE_S",
        300.0,
        parse=float,
        doc="an attempt not concluded by then counts as failed (the sender died)",
    )
    code_hold_for_announcement_s: float = setting(
        "CODE_HOLD_FOR_ANNOUNCEMENT_S",
        120.0,
        parse=float,
        doc="longest a code to an account waits for the announcement of its contact change"
        " to the previous contacts (then it goes, announced or not)",
    )

    #: A relay without a login needs no SMTP password: never generated, unset means none.
    optional_secrets: ClassVar[tuple[str, ...]] = ("smtp_password",)
    #: opening sealed contacts and the channels' credentials: the sending service's only
    service_only_secrets: ClassVar[tuple[str, ...]] = (
        "notification_private_jwk",
        "smtp_password",
        "sms_gateway_token",
    )

    def all_secret_fields(self) -> list[str]:
        # The SMS token is generated in development (the request carries a bearer, as in
        # production, where it is required: see _check_calls); optional in tests.
        names = [name for name in super().all_secret_fields() if name not in self.optional_secrets]
        if self.environment != "development":
            names.remove("sms_gateway_token")
        return names

    def _check_calls(self) -> None:
        super()._check_calls()
        if self.environment == "production" and not (
            self.sms_gateway_url and self.sms_gateway_token
        ):
            raise SettingsError("SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN are required in production")
        if self.environment == "production" and self.smtp_security == "none":
            raise SettingsError("SMTP_SECURITY=none is refused in production")
        if len(self.sms_sender) > MAX_SMS_SENDER:
            raise SettingsError(f"SMS_SENDER: at most {MAX_SMS_SENDER} characters")
        site_scheme = urlsplit(self.message_site_url or "").scheme
        if self.message_site_url and site_scheme not in ("https", "http"):
            raise SettingsError("MESSAGE_SITE_URL: expected an address such as https://…")
        if self.environment == "production":
            if sender_domain(self.smtp_sender).rpartition(".")[2] in RESERVED_TOP_LEVELS:
                raise SettingsError(
                    "SMTP_SENDER: set the agency's own address in production (not a reserved"
                    " domain)"
                )
            if self.message_site_url and site_scheme != "https":
                raise SettingsError("MESSAGE_SITE_URL: https is required in production")

    @property
    def branding(self) -> Branding:
        return Branding(
            short_name=self.message_short_name,
            signature=self.message_signature,
            site_url=self.message_site_url,
            contact_phone=self.message_contact_phone,
            letter_head=tuple(line.strip() for line in self.letter_head.split("|") if line.strip()),
            demonstration=self.environment != "production",
        )

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.delivery_max_attempts,
            first_delay_s=self.delivery_retry_first_delay_s,
            factor=self.delivery_retry_factor,
            max_delay_s=self.delivery_retry_max_delay_s,
            attempt_lease_s=self.delivery_attempt_lease_s,
        )

    @property
    def code_hold_for_announcement(self) -> timedelta:
        return timedelta(seconds=self.code_hold_for_announcement_s)

    @property
    def spool_dir(self) -> Path:
        return self.letter_spool_dir or self.data_dir / "letters"
