"""The far ends of the notification channels for the journeys (shared/testing/receivers.py: a
real SMTP server and a real HTTP receiver standing for the SMS gateway), and how a journey reads
a code or a provisional identifier from what a person received.
"""

from __future__ import annotations

import re

from shared.testing.receivers import SmsReceiver as SmsInbox
from shared.testing.receivers import SmtpReceiver as Mailbox

__all__ = ["PROVISIONAL", "Mailbox", "SmsInbox", "code_in"]

CODE = re.compile(r"\b(\d{6})\b")
PROVISIONAL = re.compile(r"\b(P\d{8})\b")


def code_in(text: str) -> str:
    """The 6-digit verification code a message carries."""
    found = CODE.search(text)
    assert found, f"no verification code in: {text!r}"
    return found.group(1)
