"""The letter spool under the retention table: past RETENTION_LETTER_SPOOL_DAYS a day's folder
goes whole, and an erasure takes the person's letters and index rows out of a day still to be
printed (notification/spool.py). Real PDFs written by the letter channel, on a real folder."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from notification.channels.letter import LetterChannel, read_batch_index
from notification.contacts import Recipient
from notification.messages import Message
from notification.settings import NotificationSettings
from notification.spool import erase_letters, expire_spool

from shared.privacy.retention import ROWS

POSTAL = Recipient("letter", {"lines": ["Jeanne Martin", "3 rue de la Paix", "75002 Paris"]})


def spool_letters(spool: Path, day: date, count: int) -> list[uuid.UUID]:
    channel = LetterChannel(spool, now=lambda: datetime.combine(day, datetime.min.time()))
    ids = [uuid.uuid4() for _ in range(count)]
    for delivery_id in ids:
        channel.send(delivery_id, POSTAL, Message(subject="Votre code", body="Code : 123456"))
    return ids


def test_the_spool_has_its_row_in_the_retention_table_with_a_duration_the_dpo_sets() -> None:
    row = ROWS["letter_spool"]
    assert row.store == "notification" and row.mechanism == "spool"
    assert row.variable() == "RETENTION_LETTER_SPOOL_DAYS"
    settings = NotificationSettings.from_mapping({"RETENTION_LETTER_SPOOL_DAYS": "7"}, "x")
    assert row.duration(settings) == timedelta(days=7)


def test_given_days_of_letters_when_the_horizon_passes_then_older_days_go_whole(
    tmp_path: Path,
) -> None:
    spool = tmp_path / "letters"
    spool_letters(spool, date(2026, 10, 1), 2)
    spool_letters(spool, date(2026, 10, 31), 1)
    kept = spool_letters(spool, date(2026, 11, 1), 1)
    (spool / "README").write_text("not a day")  # the print house's own files stay

    assert expire_spool(spool, before=date(2026, 11, 1)) == 3

    assert sorted(p.name for p in spool.iterdir()) == ["2026-11-01", "README"]
    assert [r["delivery_id"] for r in read_batch_index(spool, date(2026, 11, 1))] == [str(kept[0])]
    assert expire_spool(spool, before=date(2026, 11, 1)) == 0  # idempotent


def test_given_a_persons_letters_when_erased_then_only_theirs_and_their_rows_go(
    tmp_path: Path,
) -> None:
    spool = tmp_path / "letters"
    day = date(2026, 11, 27)
    first, other, second = spool_letters(spool, day, 3)

    assert erase_letters(spool, [first, second, uuid.uuid4()]) == 2

    assert sorted(p.name for p in (spool / day.isoformat()).glob("*.pdf")) == [f"{other}.pdf"]
    assert [r["delivery_id"] for r in read_batch_index(spool, day)] == [str(other)]
    # the index keeps its header, and the channel still appends to it
    (later,) = spool_letters(spool, day, 1)
    assert [r["delivery_id"] for r in read_batch_index(spool, day)] == [str(other), str(later)]


def test_a_missing_spool_expires_and_erases_nothing(tmp_path: Path) -> None:
    assert expire_spool(tmp_path / "none", before=date(2026, 11, 1)) == 0
    assert erase_letters(tmp_path / "none", [uuid.uuid4()]) == 0
