"""Letter channel: PDFs in the print spool, read back with pypdf, and the daily batch index."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from notification.channels import DeliveryFailure, LetterChannel
from notification.channels.letter import address_block, read_batch_index
from notification.contacts import Recipient
from notification.messages import Message
from pypdf import PdfReader

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
TO = Recipient("letter", {"lines": ["12 rue des Lilas", "06000 NICE"]}, "Daniel MORVAN", "M")
MESSAGE = Message(
    subject="Votre code de vérification",
    body="Monsieur,\n\nVoici votre code de vérification : 483920\n\nVotre Caf\n",
)


def test_a_letter_is_a_pdf_with_address_block_date_and_body(tmp_path) -> None:
    delivery_id = uuid.uuid4()
    LetterChannel(tmp_path, now=lambda: NOW).send(delivery_id, TO, MESSAGE)
    pdf = tmp_path / "2026-11-27" / f"{delivery_id}.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for expected in ("M. Daniel MORVAN", "12 rue des Lilas", "06000 NICE", "Le 27 novembre 2026",
                     "Objet : Votre code de vérification", "483920", str(delivery_id)):  # fmt: skip
        assert expected in text


def test_the_daily_index_lists_each_letter_once_even_when_written_again(tmp_path) -> None:
    channel = LetterChannel(tmp_path, now=lambda: NOW)
    first, second = uuid.uuid4(), uuid.uuid4()
    channel.send(first, TO, MESSAGE)
    channel.send(second, TO, MESSAGE)
    channel.send(first, TO, MESSAGE)  # a retried attempt
    rows = read_batch_index(tmp_path, NOW.date())
    assert [row["delivery_id"] for row in rows] == [str(first), str(second)]
    assert rows[0]["file"] == f"{first}.pdf" and rows[0]["pages"] == "1"
    assert sorted(p.name for p in (tmp_path / "2026-11-27").iterdir()) == sorted(
        [f"{first}.pdf", f"{second}.pdf", "index.csv"]
    )


def test_the_name_is_not_repeated_when_the_address_lines_start_with_it(tmp_path) -> None:
    with_name = Recipient("letter", {"lines": ["MORVAN Daniel", "06000 NICE"]}, "Daniel MORVAN")
    same = Recipient("letter", {"lines": ["Daniel MORVAN", "06000 NICE"]}, "Daniel MORVAN", "M")
    assert address_block(with_name, with_name.address["lines"])[0] == "Daniel MORVAN"
    assert address_block(same, same.address["lines"]) == ["Daniel MORVAN", "06000 NICE"]


def test_the_index_holds_no_name_nor_address(tmp_path) -> None:
    LetterChannel(tmp_path, now=lambda: NOW).send(uuid.uuid4(), TO, MESSAGE)
    index = (tmp_path / "2026-11-27" / "index.csv").read_text()
    assert "MORVAN" not in index and "Lilas" not in index and "483920" not in index


def test_a_letter_without_postal_address_is_given_up(tmp_path) -> None:
    with pytest.raises(DeliveryFailure) as failure:
        LetterChannel(tmp_path, now=lambda: NOW).send(
            uuid.uuid4(), Recipient("letter", None), MESSAGE
        )
    assert failure.value.permanent


def test_an_unwritable_spool_is_a_failure_worth_retrying(tmp_path) -> None:
    blocked = tmp_path / "spool"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(DeliveryFailure) as failure:
        LetterChannel(blocked, now=lambda: NOW).send(uuid.uuid4(), TO, MESSAGE)
    assert (failure.value.code, failure.value.permanent) == ("letter_spool_unavailable", False)
