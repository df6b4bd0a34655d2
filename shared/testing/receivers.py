"""The far ends of the notification channels, in the test process, on free ports: a real SMTP
server (aiosmtpd) and a real HTTP server standing for the SMS gateway. Tests read what people
really receive from them.

>>> mailbox = SmtpReceiver(); mailbox.start()                               # doctest: +SKIP
>>> [mail] = mailbox.wait("daniel.morvan@test.fr", "Votre code de vérification")
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from . import wait_for

SMTP_USER, SMTP_PASSWORD = "notification", "smtp-test-password"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpReceiver:
    """An SMTP server that keeps every message it accepts, by recipient. It can go down and come
    back on the same port (``stop``/``start``), refuse recipients, or require STARTTLS and
    ``credentials`` (with a ``tls_context``)."""

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.port = free_port()
        self.tls_context = tls_context
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refuse_recipients = False
        self.credentials = (SMTP_USER, SMTP_PASSWORD)  # accepted when TLS is on
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.refuse_recipients:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.tls_context:
            kwargs = {
                "tls_context": self.tls_context,
                "require_starttls": True,
                "authenticator": self._authenticate,
                "auth_require_tls": True,
            }
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self.credentials
        )
        return AuthResult(success=ok, handled=False)

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
        return str(part.get_content())


class HttpReceiver:
    """A real HTTP server on a free port of 127.0.0.1, recording each POST in ``requests``;
    :meth:`received_post` (each receiver's own) reads it and says what to answer."""

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None

    def received_post(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Records one POST; returns the status, headers and body to answer."""
        raise NotImplementedError

    def start(self) -> None:
        receiver = self

        class Endpoint(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                status, headers, body = receiver.received_post(
                    self.path, dict(self.headers), self.rfile.read(length)
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Endpoint)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class SmsReceiver(HttpReceiver):
    """An HTTP server standing for the SMS gateway: records each request (``requests``: path,
    headers, JSON body) and answers ``status`` with ``answer`` (by default accepted, with a
    message id of its own)."""

    def __init__(self) -> None:
        super().__init__()
        self.status = 202
        self.answer: dict[str, Any] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/messages"

    @property
    def received(self) -> list[dict[str, Any]]:
        """The messages posted so far (``{"to": "+336…", "text": "…", …}``)."""
        return [request["json"] for request in self.requests]

    def received_post(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        self.requests.append({"path": path, "headers": headers, "json": json.loads(body)})
        answer = self.answer or {"message_id": f"gw-{len(self.requests)}", "status": "accepted"}
        return self.status, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def to(self, phone: str, containing: str) -> list[str]:
        """Texts received so far for ``phone`` (E.164, "+336…") that contain ``containing``."""
        return [m["text"] for m in self.received if m["to"] == phone and containing in m["text"]]

    def wait(self, phone: str, containing: str, count: int = 1) -> list[str]:
        """The texts for ``phone`` containing ``containing``, once at least ``count`` arrived."""

        def enough() -> list[str]:
            found = self.to(phone, containing)
            return found if len(found) >= count else []

        return wait_for(enough)


class FormReceiver(HttpReceiver):
    """An HTTP server standing for an application's endpoint that takes forms (Caf connect's
    back-channel logout, ``logout_token=…``): records each POST (path, headers, form) and
    answers the next of ``statuses`` (200 once they run out)."""

    def __init__(self, path: str = "/deconnexion-canal-arriere") -> None:
        super().__init__()
        self.path = path
        self.statuses: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def forms(self) -> list[dict[str, str]]:
        return [request["form"] for request in self.requests]

    def received_post(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        fields = parse_qs(body.decode(), keep_blank_values=True)
        form = {name: values[0] for name, values in fields.items()}
        self.requests.append({"path": path, "headers": headers, "form": form})
        status = self.statuses.pop(0) if self.statuses else 200
        return status, {"Cache-Control": "no-store"}, b""

    def wait(self, count: int = 1) -> list[dict[str, str]]:
        """The forms received, once at least ``count`` arrived."""
        return wait_for(lambda: self.forms() if len(self.requests) >= count else [])
