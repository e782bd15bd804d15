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


def N_(message: str) -> str:  # noqa: N802  (the marker pybabel extracts by default)
    """Mark a message for translation without translating it here."""
    return message


class CsvFileError(ValueError):
    """The file cannot be read as CSV: ``message`` (an Indonesian msgid, ``%(name)s``
    placeholders filled from ``params``) is one line saying why and what to do."""

    def __init__(self, message: str, **params: object):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was read in: UTF-16 with a BOM
    (Excel's "Unicode text", Notepad's "Unicode"), else UTF-8 (a BOM dropped), else
    Windows-1252 (what Excel, Word and Notepad save on an Indonesian Windows). Raises
    UnicodeDecodeError when it is none of them."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def decode_csv(data: bytes) -> str:
    """The text of a CSV file (``decode_text``), or one line saying why it cannot be read."""
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError(N_("ini buku kerja XLSX, bukan CSV: di spreadsheet pilih "
                              "Simpan Sebagai → CSV UTF-8"))
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data and not utf16:
        raise CsvFileError(N_("berkas bukan teks (berisi bita NUL): simpan sebagai CSV UTF-8"))
    try:
        return decode_text(data)[0]
    except UnicodeDecodeError as exc:
        if utf16:
            raise CsvFileError(N_("berkas diawali seperti UTF-16 tetapi bukan UTF-16 yang "
                                  "sah")) from None
        raise CsvFileError(N_("berkas bukan teks UTF-8 maupun Windows-1252 (bita %(byte)s "
                              "di posisi %(offset)s): simpan sebagai CSV UTF-8"),
                           byte=f"0x{data[exc.start]:02x}", offset=exc.start) from None


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
