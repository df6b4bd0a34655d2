"""The letter spool under the retention table and erasure (docs/privacy.md, ``letter_spool``).

Each letter in ``LETTER_SPOOL_DIR`` (channels/letter.py) holds a postal address and a message in
plain PDF, and its day's ``index.csv`` the letter's subject. They are there for the print house
to collect; past ``RETENTION_LETTER_SPOOL_DAYS`` a day's folder is deleted whole by the nightly
retention job, and an erasure deletes the person's letters (and their index rows) at once.

>>> expire_spool(Path("/var/spool/caf/letters"), date(2026, 11, 1))   # doctest: +SKIP
3
"""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from .channels.letter import INDEX_NAME


def day_folders(spool_dir: Path) -> list[tuple[date, Path]]:
    """The spool's day folders (``2026-11-27``), oldest first; anything else is left alone."""
    if not spool_dir.is_dir():
        return []
    found = []
    for folder in spool_dir.iterdir():
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        if folder.is_dir():
            found.append((day, folder))
    return sorted(found)


def expire_spool(spool_dir: Path, before: date) -> int:
    """Deletes the day folders of days before ``before``; returns how many letters went."""
    letters = 0
    for day, folder in day_folders(Path(spool_dir)):
        if day >= before:
            break
        letters += sum(1 for _ in folder.glob("*.pdf"))
        shutil.rmtree(folder)
    return letters


def erase_letters(spool_dir: Path, delivery_ids: Iterable[uuid.UUID]) -> int:
    """Deletes the letters of these deliveries and their index rows; returns how many."""
    names = {f"{delivery_id}.pdf" for delivery_id in delivery_ids}
    erased = 0
    for _, folder in day_folders(Path(spool_dir)):
        present = [folder / name for name in names if (folder / name).exists()]
        if not present:
            continue
        _drop_index_rows(folder / INDEX_NAME, {path.stem for path in present})
        for path in present:
            path.unlink()
            erased += 1
    return erased


def _drop_index_rows(index: Path, delivery_ids: set[str]) -> None:
    if not index.exists():
        return
    with open(index, "r+", newline="", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the letter channel appends under the same lock
        rows = [row for row in csv.reader(handle) if not (row and row[0] in delivery_ids)]
        handle.seek(0)
        handle.truncate()
        csv.writer(handle).writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())
