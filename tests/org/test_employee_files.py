"""The employee import reads what BKPSDM's spreadsheets save (tests/fixtures/employees/):
Excel's Indonesian-locale CSV (semicolons, Windows-1252), UTF-8 with or without a BOM, UTF-16;
it refuses, with the line, a NIP a spreadsheet rounded, and any unreadable file with one
clear line — never a traceback — and changes nothing then."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.csvfile import CsvFileError, decode_csv, sniff_delimiter

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "employees"
EXCEL_ID = FIXTURES / "excel-id-semicolon-cp1252.csv"
ROUNDED = FIXTURES / "excel-id-rounded-nip.csv"


def _users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _import(runner, path: Path, *extra: str):
    return runner.invoke(args=["lms", "import-employees", str(path), *extra])


def test_excel_indonesian_csv_is_read(runner, db):
    dry = _import(runner, EXCEL_ID, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "4 employee(s) created, 0 updated, 2 unit(s) created" in dry.output
    assert _users(db) == 0
    result = _import(runner, EXCEL_ID)
    assert result.exit_code == 0, result.output
    andre = db.session.scalar(select(User).where(User.nip == "198509252010012004"))
    assert andre.name == "André Wijaya, S.Kom." and andre.unit.name == "Bidang Aplikasi Informatika"
    assert andre.supervisor.name == "Ir. Lestari Handayani, M.T."
    assert andre.email == "andre@pemkot.example" and andre.golongan == "III/b"
    maria = db.session.scalar(select(User).where(User.nip == "199301052024212003"))
    assert maria.name == "Maria Goretti Söhn" and maria.employee_type == "PPPK"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_the_same_file_in_unicode_encodings_and_separators(runner, db, tmp_path, encoding):
    text = EXCEL_ID.read_bytes().decode("cp1252")
    for separator in (",", "\t"):
        # Re-separate: the names with commas get quoted, as a spreadsheet writes them.
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
        path = tmp_path / f"pegawai-{encoding}.csv"
        path.write_bytes(out.getvalue().encode(encoding))
        result = _import(runner, path, "--dry-run")
        assert result.exit_code == 0, (encoding, separator, result.output)
        assert "4 employee(s) created" in result.output
    _import(runner, path)
    assert db.session.scalar(select(User.name).where(User.nip == "198509252010012004")) == \
        "André Wijaya, S.Kom."


def test_rounded_nips_are_refused_in_the_dry_run_with_their_line(runner, db):
    result = _import(runner, ROUNDED, "--dry-run")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert any(line.startswith("line 3: NIP 1,98509E+17 was rounded by a spreadsheet")
               for line in lines), lines
    assert any(line.startswith("line 4: NIP 199204232017082000 was rounded") for line in lines)
    assert any(line.startswith("line 4: supervisor_NIP 1,97503E+17 was rounded")
               for line in lines), lines
    assert "line 5: digits 1-8 of the NIP are not a valid date of birth" in lines
    assert not any(line.startswith("line 2:") for line in lines)
    assert _users(db) == 0


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04" + b"\x00" * 40, "this is an XLSX workbook, not CSV"),
    (b"nip,name\x00,unit_code\n", "not text"),
    (b"nip,name,unit_code\n1985\x81\x8d,A,B\n", "neither UTF-8 nor Windows-1252"),
    (b"nip,name,unit_code\n\"198509252010012004,Ani,DINAS\n", "not valid CSV"),
    (b"", "missing column(s): nip, name, unit_code"),
    (b"NIP;Nama;Unit\n198509252010012004;Ani;DINAS\n", "missing column(s)"),
])
def test_an_unreadable_file_is_one_clear_line(runner, db, tmp_path, data, reason):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(data)
    result = _import(runner, path, "--dry-run")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.output.strip().splitlines()) == 1 and reason in result.output
    assert _users(db) == 0


def test_decoding_and_sniffing_rules():
    assert decode_csv(codecs.BOM_UTF8 + "André".encode()) == "André"
    assert decode_csv("André".encode("cp1252")) == "André"
    with pytest.raises(CsvFileError):
        decode_csv(b"\x81\x8d\x8f")
    columns = ["nip", "name", "unit_code"]
    assert sniff_delimiter("nip;name;unit_code\r\n1;Tjahjo, S.H.;X\r\n", columns) == ";"
    assert sniff_delimiter('nip,"name",unit_code\n', columns) == ","
    assert sniff_delimiter("nip\tname\tunit_code\n", columns) == "\t"
    assert sniff_delimiter("something else\n", columns) == ","
