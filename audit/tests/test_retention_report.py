"""The retention job reports what it expired in counts only: its output, one log line per store
and category, and the Prometheus counter, pushed to the Pushgateway when one is configured (a
real HTTP receiver here, standing for the Pushgateway)."""

from __future__ import annotations

import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest

from audit.cli import main


class Pushgateway(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, str]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((self.command, self.path, body))
        self.send_response(200)
        self.end_headers()

    do_POST = do_PUT  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def pushgateway():
    server = HTTPServer(("127.0.0.1", 0), Pushgateway)
    Pushgateway.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", Pushgateway.received
    server.shutdown()
    server.server_close()


def test_counts_go_to_the_output_the_logs_and_the_pushgateway(service_config, pushgateway, caplog):
    url, received = pushgateway
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="audit.retention"):
        status = main(
            ["retention", "--json"],
            config={**service_config, "RETENTION_PUSHGATEWAY_URL": url},
            out=out,
        )

    assert status == 0
    reports = {r["store"]: r["expired"] for r in json.loads(out.getvalue())}
    assert reports == {
        "identity": {"connection_sources": 0, "agent_actions": 0, "unfinished_registrations": 0},
        "lockout": {"lockout_ladders": 0, "connection_sources": 0, "agent_actions": 0},
        "notification": {"deliveries": 0, "letter_spool": 0},
        "delegation": {},
    }
    lines = [r.getMessage() for r in caplog.records if r.name == "audit.retention"]
    assert "retention: store lockout, category lockout_ladders, expired 0" in lines
    assert len(lines) == 8
    [(method, path, body)] = received
    assert method == "PUT" and path == "/metrics/job/retention"
    assert 'caf_retention_expired_total{category="deliveries",store="notification"}' in body
