"""Reading a CSV file as spreadsheets save them: UTF-8 with or without a BOM, UTF-16 (Excel's
"Unicode text"), or Windows-1252 (Excel's plain "CSV" on an Indonesian Windows); separated by
commas, semicolons (Excel in Indonesian locale, where the comma is the decimal sign) or tabs.
Anything else is refused with one clear line, never a traceback."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable

DELIMITERS = (",", ";", "\t")
# An 18-digit number a spreadsheet stored as a float and wrote back in scientific notation.
SCIENTIFIC = re.compile(r"\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*")


class CsvFileError(ValueError):
    """The file cannot be read as CSV; the message is one line saying why and what to do."""


def decode_csv(data: bytes) -> str:
    """The text of a CSV file. UTF-8 is tried first (a BOM is dropped), then Windows-1252,
    which is what Excel writes for "CSV (Comma delimited)" on Windows."""
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError("this is an XLSX workbook, not CSV: in the spreadsheet use "
                           "Save As → CSV UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise CsvFileError("the file starts like UTF-16 but is not valid UTF-16") from None
    if b"\x00" in data:
        raise CsvFileError("the file is not text (it contains NUL bytes): save it as CSV UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CsvFileError(f"the file is neither UTF-8 nor Windows-1252 text (byte "
                           f"0x{data[exc.start]:02x} at offset {exc.start}): save it as "
                           f"CSV UTF-8") from None


def sniff_delimiter(text: str, columns: Iterable[str]) -> str:
    """The separator of the header line: the one that splits it into the most known column
    names (a comma when none does)."""
    first = text.split("\n", 1)[0].strip("\r")
    known = {c.lower() for c in columns}

    def hits(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            return 0
        return sum(1 for cell in cells if cell.strip().lower() in known)

    best = max(DELIMITERS, key=hits)
    return best if hits(best) else ","


def csv_reader(text: str, columns: Iterable[str]) -> csv.DictReader:
    """A DictReader over the text with its separator sniffed from the header."""
    return csv.DictReader(io.StringIO(text, newline=""),
                          delimiter=sniff_delimiter(text, columns), strict=True)


def looks_rounded(value: str) -> bool:
    """True for a number a spreadsheet wrote in scientific notation (``1.98509E+17``)."""
    return bool(SCIENTIFIC.fullmatch(value or ""))
