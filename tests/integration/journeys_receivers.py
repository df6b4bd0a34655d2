"""The far ends of the notification channels, in the test process: a real SMTP server (aiosmtpd)
and a real HTTP receiver standing for the SMS gateway. The journeys read what people really
receive from them (codes, provisional identifiers, alerts).
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from shared.testing import wait_for

CODE = re.compile(r"\b(\d{6})\b")
PROVISIONAL = re.compile(r"\b(P\d{8})\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def code_in(text: str) -> str:
    """The 6-digit verification code a message carries."""
    found = CODE.search(text)
    assert found, f"no verification code in: {text!r}"
    return found.group(1)


class Mailbox:
    """An SMTP server on a free port, keeping every message it accepted, by recipient."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[list[str], EmailMessage]] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def to(self, address: str, subject: str) -> list[EmailMessage]:
        """Messages received so far for ``address`` whose subject is ``subject``."""
        return [m for rcpt, m in self.received if address in rcpt and m["Subject"] == subject]

    def wait(self, address: str, subject: str, count: int = 1) -> list[EmailMessage]:
        """The messages for ``address`` with that subject, once at least ``count`` arrived."""

        def enough() -> list[EmailMessage]:
            found = self.to(address, subject)
            return found if len(found) >= count else []

        return wait_for(enough)

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "a mail without a text part"
        return str(part.get_content())  # type: ignore[attr-defined]


class SmsInbox:
    """An HTTP server standing for the SMS gateway: records every posted message, accepts it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/messages"

    def start(self) -> None:
        inbox = self

        class Gateway(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                inbox.received.append(json.loads(self.rfile.read(length)))
                body = json.dumps({"message_id": "gw-" + str(len(inbox.received))}).encode()
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Gateway)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def to(self, phone: str, containing: str) -> list[str]:
        """Texts received so far for ``phone`` (E.164, "+336…") that contain ``containing``."""
        return [m["text"] for m in self.received if m["to"] == phone and containing in m["text"]]

    def wait(self, phone: str, containing: str, count: int = 1) -> list[str]:
        """The texts for ``phone`` containing ``containing``, once at least ``count`` arrived."""

        def enough() -> list[str]:
            found = self.to(phone, containing)
            return found if len(found) >= count else []

        return wait_for(enough)
