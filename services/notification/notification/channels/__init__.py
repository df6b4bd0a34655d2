"""Delivery channels: e-mail (SMTP), SMS (HTTP gateway), letter (PDF print spool)."""

from .base import Channel, DeliveryFailure
from .email import EmailChannel, SmtpSettings
from .letter import LetterChannel
from .sms import SmsChannel, SmsGatewaySettings

__all__ = [
    "Channel",
    "DeliveryFailure",
    "EmailChannel",
    "LetterChannel",
    "SmsChannel",
    "SmsGatewaySettings",
    "SmtpSettings",
]
