"""What the service's workers get besides the application: the channels, and the loop's timer."""

from __future__ import annotations

from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from shared.runtime.clock import Clock

from .channels import (
    Channel,
    EmailChannel,
    LetterChannel,
    SmsChannel,
    SmsGatewaySettings,
    SmtpSettings,
)
from .messages import MessageComposer
from .sender import ChannelSet
from .settings import NotificationSettings, sender_domain


def build_channels(settings: NotificationSettings, clock: Clock) -> ChannelSet:
    """Every configured channel (SMS only when a gateway is configured) and the composer."""
    channels: dict[str, Channel] = {
        "email": EmailChannel(
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                security=settings.smtp_security,
                username=settings.smtp_username,
                password=settings.smtp_password,
                sender=settings.smtp_sender,
                message_id_domain=sender_domain(settings.smtp_sender) or "localhost",
                timeout_s=settings.smtp_timeout_s,
                ca_file=settings.smtp_ca_file,
            )
        ),
        "letter": LetterChannel(
            settings.spool_dir,
            now=clock.now,
            font_path=settings.letter_font_path,
            head=settings.branding.letter_head,
        ),
    }
    if settings.sms_gateway_url:
        channels["sms"] = SmsChannel(
            SmsGatewaySettings(
                url=settings.sms_gateway_url,
                token=settings.sms_gateway_token or "",
                sender=settings.sms_sender,
                timeout_s=settings.sms_timeout_s,
            )
        )
    return ChannelSet(
        channels=channels,
        composer=MessageComposer(settings.message_timezone, settings.branding),
    )


class ChannelsDependency(DependencyProvider):
    """Builds the channels once per container (``setup``); the clock is the application's
    (``CLOCK`` in the config for tests), so letters are dated like the events."""

    def setup(self) -> None:
        config = dict(self.container.config)
        settings = NotificationSettings.from_mapping(config, self.container.service_name)
        self.channel_set = build_channels(settings, config.get("CLOCK") or Clock())

    def get_dependency(self, worker_ctx: Any) -> ChannelSet:
        return self.channel_set


class DeliveryTimer(Timer):
    """nameko's timer, its interval read from ``DELIVERY_SEND_INTERVAL_S`` (configuration, not
    code). It never overlaps itself: the next tick waits for the previous worker."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(interval=2.0, eager=True, **kwargs)

    def setup(self) -> None:
        settings = NotificationSettings.from_mapping(
            dict(self.container.config), self.container.service_name
        )
        self.interval = settings.delivery_send_interval_s
        super().setup()


delivery_timer = DeliveryTimer.decorator
