"""The two receivers: aiosmtpd's SMTP controller and a small HTTP server for the SMS gateway
format of docs/notification.md (``{"reference", "to", "sender", "text"}``)."""

from __future__ import annotations

import json
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from .store import MessageBox


class _KeepMail:
    def __init__(self, box: MessageBox):
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain", "html"))
        self.box.keep(
            "mail",
            to=", ".join(envelope.rcpt_tos),
            sender=str(message.get("From", "")),
            subject=str(message.get("Subject", "")),
            body=body.get_content() if body is not None else "",
        )
        return "250 Message accepted for delivery"


def start_smtp(box: MessageBox, host: str, port: int) -> Controller:
    controller = Controller(_KeepMail(box), hostname=host, port=port)
    controller.start()
    return controller


def serve_sms(box: MessageBox, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            try:
                sms = json.loads(self.rfile.read(length))
                box.keep("sms", to=sms["to"], sender=sms.get("sender", ""), body=sms["text"])
            except (ValueError, KeyError):
                self._answer(400, {"status": "rejected"})
                return
            self._answer(200, {"message_id": uuid.uuid4().hex, "status": "accepted"})

        def _answer(self, status: int, payload: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # codes would land in the logs
            pass

    return ThreadingHTTPServer((host, port), Handler)
