"""``python -m gateway.dev.mailbox``: SMTP on DEV_SMTP_PORT (2525), SMS gateway on DEV_SMS_PORT
(8025, ``POST /sms``), both on 127.0.0.1; refuses to start unless ENVIRONMENT is development or
test."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from gateway.settings import DEVELOPMENT_ENVIRONMENTS, GatewaySettings
from shared.runtime.settings import SettingsError

from .sinks import serve_sms, start_smtp
from .store import MessageBox


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s dev-mailbox %(message)s")
    try:
        settings = GatewaySettings.from_env("gateway")
    except SettingsError as exc:
        sys.exit(f"Configuration error: {exc}")
    if settings.environment not in DEVELOPMENT_ENVIRONMENTS:
        sys.exit("The development mailbox runs only with ENVIRONMENT=development or test.")
    box = MessageBox(settings.mailbox_dir)
    smtp = start_smtp(box, "127.0.0.1", settings.smtp_sink_port)
    sms = serve_sms(box, "127.0.0.1", settings.sms_sink_port)
    threading.Thread(target=sms.serve_forever, daemon=True).start()
    logging.info(
        "SMTP on 127.0.0.1:%s, SMS gateway on http://127.0.0.1:%s/sms, kept in %s",
        settings.smtp_sink_port,
        settings.sms_sink_port,
        settings.mailbox_dir,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    sms.shutdown()
    smtp.stop()


if __name__ == "__main__":
    main()
