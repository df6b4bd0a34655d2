"""The development mailbox shows the letters of the print spool: notification's letter channel
writes a real PDF, /dev/messages lists it and serves it as a PDF a person can open."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

from notification.channels import LetterChannel
from notification.contacts import Recipient
from notification.messages import Message
from pypdf import PdfReader

from gateway.app import create_app
from gateway.settings import GatewaySettings


def test_a_spooled_letter_is_listed_and_opens_as_a_pdf(tmp_path: Path) -> None:
    spool = tmp_path / "letters"
    delivery_id = uuid.uuid4()
    LetterChannel(spool, now=lambda: datetime(2026, 11, 27, 9, 30, tzinfo=UTC)).send(
        delivery_id,
        Recipient("letter", {"lines": ["12 rue des Lilas", "06000 NICE"]}, "Daniel MORVAN", "M"),
        Message(subject="Votre code de vérification", body="Voici votre code : 483920\n"),
    )
    settings = GatewaySettings.from_mapping(
        {
            "ENVIRONMENT": "test",
            "SECRET_KEY": "a" * 44,
            "DEV_MAILBOX": "true",
            "DATA_DIR": str(tmp_path),
            "LETTER_SPOOL_DIR": str(spool),
        },
        "gateway",
    )
    browser = create_app(settings).test_client()

    page = browser.get("/dev/messages", base_url="https://localhost").get_data(as_text=True)
    link = f"/dev/courriers/2026-11-27/{delivery_id}.pdf"
    assert link in page

    letter = browser.get(link, base_url="https://localhost")
    assert letter.status_code == 200
    assert letter.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(letter.get_data())).pages[0].extract_text()
    assert "483920" in text and "06000 NICE" in text
    assert (
        browser.get("/dev/courriers/2026-11-27/index.csv", base_url="https://localhost").status_code
        == 404
    )
