"""The one writer of CSV and XLSX files that people open in a spreadsheet.

Every export names its columns by key (``nip``, ``name``…); the header shows each key's label
in the interface language, the same wording in every export. CSV starts with a UTF-8 BOM (Excel
then reads "André" right), keeps every NIP as text in Excel and LibreOffice Calc (written in its
printed groups, ``19850925 201001 2 001``: an 18-digit number would be rounded to
``198509252010012000``) and neutralises formulas with a leading apostrophe. XLSX has real dates
and booleans, column widths, a frozen header row and an autofilter; NIPs and text that looks
like a formula are text cells (quote prefix, no visible apostrophe).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

from flask import Response, stream_with_context
from flask_babel import gettext, lazy_gettext as _l

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The header of a column in every export (a key absent here shows as it is).
LABELS = {
    "id": _l("ID"),
    "nip": _l("NIP"),
    "name": _l("Nama"),
    "unit": _l("Unit"),
    "position": _l("Jabatan"),
    "employee_type": _l("Jenis pegawai"),
    "courses_completed": _l("Kursus selesai"),
    "in_progress": _l("Kursus berjalan"),
    "not_started": _l("Kursus belum dimulai"),
    "jp": _l("JP"),
    "jp_target": _l("Target JP"),
    "met": _l("Target JP tercapai"),
    "overdue": _l("Kursus wajib lewat tenggat"),
    "gap": _l("Kesenjangan kompetensi (level)"),
    "year": _l("Tahun"),
    "title": _l("Judul"),
    "kind": _l("Jenis kegiatan"),
    "provider": _l("Penyelenggara"),
    "started_on": _l("Tanggal mulai"),
    "ended_on": _l("Tanggal selesai"),
    "certificate_number": _l("Nomor sertifikat"),
    "course": _l("Kursus"),
    "courses": _l("Daftar kursus"),
    "due_on": _l("Tenggat"),
    "days_overdue": _l("Hari terlambat"),
    "assigned_by": _l("Ditugaskan oleh"),
    "created_at": _l("Diajukan pada (UTC)"),
    "competency": _l("Kode kompetensi"),
    "competency_name": _l("Nama kompetensi"),
    "topic": _l("Topik"),
    "reason": _l("Alasan"),
    "colleagues": _l("Pegawai yang membutuhkan"),
    "supporters": _l("Pendukung"),
    "status": _l("Status"),
    "answer_note": _l("Catatan jawaban"),
    "answered_by": _l("Dijawab oleh"),
    "answered_at": _l("Dijawab pada (UTC)"),
    "people": _l("Jumlah pegawai"),
    "at_utc": _l("Waktu (UTC)"),
    "action": _l("Tindakan"),
    "actor_nip": _l("NIP pelaku"),
    "target_type": _l("Jenis sasaran"),
    "target_id": _l("Sasaran"),
    "remote": _l("Alamat IP"),
    "details": _l("Rincian"),
    "level": _l("Level"),
    "item": _l("Butir"),
    "measure": _l("Ukuran"),
    "value": _l("Nilai"),
}
# Columns whose 18-digit values are NIPs (text, never numbers).
NIP_KEYS = frozenset({"nip", "actor_nip", "supervisor_nip"})
# The competency matrix has three columns per competency: "<code> <part>".
MATRIX_PARTS = {"wajib": _l("wajib"), "capai": _l("capai"), "kesenjangan": _l("kesenjangan")}
_NIP = re.compile(r"\d{18}")


def label(key: str) -> str:
    """The header of a column in the interface language."""
    if key in LABELS:
        return str(LABELS[key])
    code, _sep, part = key.rpartition(" ")
    if code and part in MATRIX_PARTS:
        return f"{code} {MATRIX_PARTS[part]}"
    return key


def grouped_nip(nip: str) -> str:
    """An 18-digit NIP in its printed groups (birth date, appointment, gender, serial), which
    every spreadsheet keeps as text; anything else unchanged."""
    if isinstance(nip, str) and _NIP.fullmatch(nip):
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def safe_cell(value: Any) -> Any:
    """A CSV cell: a leading apostrophe when a spreadsheet would read it as a formula,
    booleans as ``true``/``false``, dates as ISO text, numbers unchanged (machine files)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _human_cell(key: str, value: Any) -> Any:
    """A cell of an export people read: Ya/Tidak, dates without seconds, grouped NIPs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Ya") if value else gettext("Tidak")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if key in NIP_KEYS and isinstance(value, str) and _NIP.fullmatch(value):
        return grouped_nip(value)
    return safe_cell(value)


def iter_csv(keys: Sequence[str], rows: Iterable[Iterable[Any]], *,
             machine: bool = False) -> Iterator[str]:
    """CSV text, a chunk per few hundred rows, so a large report streams. For people (the
    default): BOM, labelled header, human cells. ``machine``: the keys as header, raw
    formula-safe cells and no BOM (API clients and files read back by an import)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if machine:
        writer.writerow(keys)
    else:
        buffer.write(BOM)
        writer.writerow([label(k) for k in keys])
    for number, row in enumerate(rows, 1):
        if machine:
            writer.writerow([safe_cell(v) for v in row])
        else:
            writer.writerow([_human_cell(k, v) for k, v in zip(keys, row, strict=False)])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _width(value: Any) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 11
    if isinstance(value, bool):
        return 6
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(title: str, keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet: labelled, bold, frozen header with an autofilter;
    widths from the header and the first rows; real numbers, dates and booleans; NIPs and
    formula-like text as text cells. openpyxl's write-only mode keeps memory flat."""
    from openpyxl import Workbook  # here: a heavy import most processes never need
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    rows = iter(rows)
    first = [list(r) for r in islice(rows, 200)]
    header = [label(k) for k in keys]
    for index, key in enumerate(keys):
        longest = max([len(header[index])] + [_width(r[index]) for r in first
                                               if index < len(r) and r[index] is not None])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(longest, 6), 60) + 2
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        return cell

    def cell(key: str, value: Any) -> Any:
        if isinstance(value, str) and (key in NIP_KEYS or value.startswith(FORMULA_STARTS)):
            # A text cell, never a formula or a number: no apostrophe in the text, Excel's
            # and Calc's quote prefix keeps it text when edited.
            text = WriteOnlyCell(sheet, None)
            text._value, text.data_type = value, "s"
            text.number_format = "@"
            text.quotePrefix = True
            return text
        if isinstance(value, datetime):
            moment = WriteOnlyCell(sheet, value)
            moment.number_format = "yyyy-mm-dd hh:mm:ss"
            return moment
        if isinstance(value, date):
            day = WriteOnlyCell(sheet, value)
            day.number_format = "yyyy-mm-dd"
            return day
        return value

    sheet.append([header_cell(h) for h in header])
    count = 0
    for count, row in enumerate(chain(first, rows), 1):
        sheet.append([cell(k, v) for k, v in zip(keys, row, strict=False)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(keys), 1))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_response(fmt: str, keys: Sequence[str], rows: Iterable[Sequence[Any]],
                    filename: str, *, sheet: str) -> Response:
    """The download of an export: CSV streamed, XLSX built in memory."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(stream_with_context(iter_csv(keys, rows)),
                        mimetype="text/csv", headers=headers)
    return Response(xlsx_bytes(sheet, keys, rows), mimetype=XLSX_MIMETYPE, headers=headers)
