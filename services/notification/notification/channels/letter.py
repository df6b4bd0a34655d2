"""Letters (courrier): one PDF per letter in a print-spool folder, plus a daily batch index.

Layout of the spool (``LETTER_SPOOL_DIR``)::

    <spool>/2026-11-27/<delivery id>.pdf    one A4 letter: head, address block, date, body
    <spool>/2026-11-27/index.csv            the day's batch: one row per letter

The print house takes a day's folder once the day is over. Writing the same delivery again the
same day replaces its PDF and keeps a single index row, so a retried attempt prints once.
"""

from __future__ import annotations

import csv
import fcntl
import os
import unicodedata
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF

from ..contacts import Recipient
from ..messages import Message
from .base import DeliveryFailure

INDEX_NAME = "index.csv"
INDEX_COLUMNS = ("delivery_id", "file", "pages", "subject", "spooled_at")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
CIVILITY_TITLES = {"M": "M.", "Mme": "Mme"}


class LetterChannel:
    """Writes each letter as a PDF into the day's spool folder and lists it in the day's index.

    >>> LetterChannel(Path("/var/spool/letters"), now=datetime.now).name
    'letter'
    """

    name = "letter"

    def __init__(
        self,
        spool_dir: Path,
        now: Callable[[], datetime],
        font_path: Path | None = None,
        head: tuple[str, ...] = ("Mon Compte",),
    ) -> None:
        self.spool_dir = Path(spool_dir)
        self.now = now
        self.font_path = font_path
        #: The letter head, line by line: the agency's (LETTER_HEAD).
        self.head = head

    def send(self, delivery_id: uuid.UUID, recipient: Recipient, message: Message) -> None:
        moment = self.now()
        batch = self.spool_dir / moment.date().isoformat()
        address_lines = list((recipient.address or {}).get("lines", []))
        if not address_lines:
            raise DeliveryFailure("letter_no_address", permanent=True)
        try:
            batch.mkdir(parents=True, exist_ok=True)
            pdf = self._render(recipient, address_lines, message, moment.date(), delivery_id)
            target = batch / f"{delivery_id}.pdf"
            partial = target.with_suffix(".pdf.part")
            pdf.output(str(partial))
            os.replace(partial, target)  # the print house never sees half a letter
            self._index(batch, delivery_id, target.name, pdf.pages_count, message.subject, moment)
        except OSError:
            raise DeliveryFailure("letter_spool_unavailable") from None

    def _render(
        self,
        recipient: Recipient,
        address_lines: list[str],
        message: Message,
        day: date,
        delivery_id: uuid.UUID,
    ) -> FPDF:
        pdf = FPDF(format="A4")
        pdf.set_creation_date(datetime.combine(day, datetime.min.time()))
        pdf.set_margins(20, 20, 20)
        pdf.set_auto_page_break(True, margin=20)
        family = self._font(pdf)
        text = self._text
        pdf.add_page()
        pdf.set_font(family, size=10)
        for line in self.head:
            pdf.cell(0, 5, text(line), new_x="LMARGIN", new_y="NEXT")
        # Address block where a DL window envelope shows it.
        pdf.set_xy(110, 45)
        pdf.set_font(family, size=11)
        for line in address_block(recipient, address_lines):
            if line:
                pdf.set_x(110)
                pdf.cell(80, 5.5, text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(110, 85)
        pdf.cell(80, 6, text(f"Le {french_date(day)}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(100)
        if message.subject:
            pdf.set_font(family, style="B", size=11)
            pdf.multi_cell(0, 6, text(f"Objet : {message.subject}"), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        pdf.set_font(family, size=11)
        pdf.multi_cell(0, 5.5, text(message.body), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-25)
        pdf.set_font(family, size=7)
        pdf.cell(0, 4, text(f"Référence : {delivery_id}"))
        return pdf

    def _font(self, pdf: FPDF) -> str:
        if self.font_path:
            pdf.add_font("letter", fname=str(self.font_path))
            pdf.add_font("letter", style="B", fname=str(self.font_path))
            return "letter"
        return "Helvetica"

    def _text(self, value: str) -> str:
        return value if self.font_path else latin1(value)

    def _index(
        self,
        batch: Path,
        delivery_id: uuid.UUID,
        file_name: str,
        pages: int,
        subject: str,
        moment: datetime,
    ) -> None:
        index = batch / INDEX_NAME
        with open(index, "a+", newline="", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several senders may spool at once
            handle.seek(0)
            rows = list(csv.reader(handle))
            if any(row and row[0] == str(delivery_id) for row in rows):
                return
            writer = csv.writer(handle)
            if not rows:
                writer.writerow(INDEX_COLUMNS)
            writer.writerow([str(delivery_id), file_name, pages, subject, moment.isoformat()])
            handle.flush()
            os.fsync(handle.fileno())


def read_batch_index(spool_dir: Path, day: date) -> list[dict[str, str]]:
    """The letters spooled on ``day``, as the print house reads them."""
    index = Path(spool_dir) / day.isoformat() / INDEX_NAME
    if not index.exists():
        return []
    with open(index, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def address_block(recipient: Recipient, lines: list[str]) -> list[str]:
    """The name (with civility) then the address lines; the name once if the lines have it."""
    name = recipient.display_name or ""
    if not name or name.casefold() in lines[0].casefold():
        return lines
    return [addressee(recipient), *lines]


def addressee(recipient: Recipient) -> str:
    title = CIVILITY_TITLES.get(recipient.civility or "")
    name = recipient.display_name or ""
    return f"{title} {name}".strip() if title and name else name


def french_date(day: date) -> str:
    """>>> french_date(date(2026, 11, 27))
    '27 novembre 2026'"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def latin1(value: str) -> str:
    """The PDF core fonts cover Latin-1 only: typographic signs get their plain forms, other
    letters lose their accents rather than the letter failing."""
    return "".join(_latin1_char(ch) for ch in value.translate(_TYPOGRAPHY))


def _latin1_char(ch: str) -> str:
    if ord(ch) < 256:
        return ch
    base = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c)) or "?"


_TYPOGRAPHY = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "œ": "oe",
     "Œ": "OE", "Ł": "L", "ł": "l", "\u202f": " ", "\u2009": " "}
)  # fmt: skip
