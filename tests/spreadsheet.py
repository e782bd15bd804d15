"""Reading the exports back as a spreadsheet user's tool would: the CSV's BOM and the
Indonesian headers (turned back into the column keys the assertions use)."""

from __future__ import annotations

import csv
import io

from lms.reports.exports import BOM, LABELS, grouped_nip

# The Indonesian header of each column key (the msgid of its label).
KEY_OF = {lazy._args[0]: key for key, lazy in LABELS.items()}


def export_rows(data: bytes, *, keys: bool = True) -> list[list[str]]:
    """The rows of a CSV export for people: UTF-8 with a BOM; with ``keys`` the header row is
    given as column keys (``NIP`` → ``nip``)."""
    text = data.decode("utf-8")
    assert text.startswith(BOM), "a CSV export for people starts with a UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    if keys and rows:
        rows[0] = [KEY_OF.get(h, h) for h in rows[0]]
    return rows


def nip_cell(nip: str) -> str:
    """How a NIP is written in a CSV export (its printed groups)."""
    return grouped_nip(nip)
