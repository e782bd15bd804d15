"""The manager's exports opened and saved again by a real spreadsheet (LibreOffice Calc,
headless, Debian's ``libreoffice-calc-nogui``): every 18-digit NIP survives exactly, "André"
is read as UTF-8, a formula stays text. And the XLSX as Excel users need it: real dates and
booleans, widths, a frozen header row, an autofilter, text cells without a visible apostrophe."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lms.auth.nip import normalise_nip
from tests.manager.conftest import THIS_YEAR
from tests.spreadsheet import export_rows, nip_cell

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_calc = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _calc_convert(tmp_path: Path, name: str, data: bytes, target: str) -> Path:
    """Open the file in LibreOffice Calc as a user would and save it as ``target`` (``csv``
    is written as UTF-8, comma-separated). A CSV is read with what Calc's import dialog
    proposes for it: comma, double quote, UTF-8 (from the BOM; headless Calc does not look at
    the BOM, hence the explicit character set), every column "Standard" — so an 18-digit
    number would become a rounded number."""
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    csv_filter = "Text - txt - csv (StarCalc):44,34,76,1"
    args = ["--infilter=" + csv_filter] if name.endswith(".csv") else []
    fmt = f"csv:{csv_filter}" if target == "csv" else target
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    *args, "--convert-to", fmt, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out / f"{source.stem}.{target}"


@pytest.fixture
def people(db, org, make_user, credit):
    """Employees whose NIPs a spreadsheet would round, names beyond ASCII, a formula name."""
    made = [make_user("learner", org["a"], name=name)
            for name in ("André Wijaya", "Ni Luh Putu Ayu", "=1+1", "-Rina")]
    for person in made + [org["learner_a1"]]:
        credit(person, jp=3)
    return made + [org["learner_a"], org["learner_a1"], org["manager_a"]]


@needs_calc
def test_report_csv_survives_calc_open_and_save(tmp_path, client, org, login, people):
    login(org["manager_a"])
    response = client.get(f"/atasan/ekspor/laporan.csv?tahun={THIS_YEAR}")
    saved = _calc_convert(tmp_path, "laporan.csv", response.get_data(), "csv")
    text = saved.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:3] == ["NIP", "Nama", "Unit"]
    by_name = {row[1]: row for row in rows[1:]}
    for person in people:
        cell = by_name[person.name if not person.name.startswith(("=", "-")) else
                       "'" + person.name][0]
        assert cell == nip_cell(person.nip)  # exactly what was written
        assert normalise_nip(cell) == person.nip  # and read back by the employee import
    assert "André Wijaya" in by_name and "Ni Luh Putu Ayu" in by_name
    assert "2" not in by_name  # the formula was not run
    # Calc's own XLSX of the CSV keeps the NIPs as text too.
    book = load_workbook(_calc_convert(tmp_path, "laporan.csv", response.get_data(), "xlsx"))
    nips = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(normalise_nip(n) for n in nips) == sorted(p.nip for p in people)


@needs_calc
def test_ledger_xlsx_survives_calc_open_and_save_as_csv(tmp_path, client, org, login, people):
    login(org["manager_a"])
    response = client.get(f"/atasan/ekspor/jp.xlsx?tahun={THIS_YEAR}")
    saved = _calc_convert(tmp_path, "jp.xlsx", response.get_data(), "csv")
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[0][:2] == ["NIP", "Nama"]
    credited = [p for p in people if p.name != "Budi" and p.name != "Kabid A"]
    assert sorted(r[0] for r in rows[1:]) == sorted(p.nip for p in credited)  # 18 digits
    assert {r[1] for r in rows[1:]} >= {"André Wijaya", "=1+1", "-Rina"}  # text, not run
    started = rows[0].index("Tanggal mulai")
    assert {r[started] for r in rows[1:]} == {f"{THIS_YEAR}-06-01"}


def test_xlsx_has_types_widths_frozen_header_and_filter(client, org, login, people):
    login(org["manager_a"])
    book = load_workbook(io.BytesIO(client.get(f"/atasan/ekspor/jp.xlsx?tahun={THIS_YEAR}")
                                    .get_data()))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}" and sheet.max_row == 1 + 5
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["NIP", "Nama", "Unit", "Tahun"] and all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["A"].width >= 18 and sheet.column_dimensions["E"].width > 8
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    evil = rows["=1+1"]  # the name as it is: a text cell, marked to stay text when edited
    assert evil[1].data_type == "s" and evil[1].quotePrefix
    assert rows["-Rina"][1].value == "-Rina"
    nip = rows["André Wijaya"][0]
    assert nip.data_type == "s" and nip.value == people[0].nip and nip.number_format == "@"
    started = rows["André Wijaya"][header.index("Tanggal mulai")]
    assert started.is_date and started.value.date() == date(THIS_YEAR, 6, 1)
    assert rows["André Wijaya"][header.index("JP")].value == 3

    report = load_workbook(io.BytesIO(client.get(
        f"/atasan/ekspor/laporan.xlsx?tahun={THIS_YEAR}").get_data())).active
    header = [c.value for c in report[1]]
    met = {row[1]: row[header.index("Target JP tercapai")]
           for row in report.iter_rows(min_row=2, values_only=True)}
    assert met["André Wijaya"] is False and set(met.values()) == {False}


def test_every_export_has_a_bom_and_the_same_indonesian_headers(client, org, login, people):
    login(org["manager_a"])
    headers = {}
    for path in ("/atasan/ekspor/laporan.csv", "/atasan/ekspor/jp.csv",
                 "/atasan/ekspor/matriks.csv", "/atasan/ekspor/terlambat.csv",
                 "/atasan/usulan/ekspor.csv", f"/atasan/rencana/rekap.csv?tahun={THIS_YEAR}"):
        response = client.get(path)
        assert response.status_code == 200, path
        headers[path] = export_rows(response.get_data(), keys=False)[0]
    for header in headers.values():
        assert not {"nip", "name", "unit"} & set(header)
    for path in ("/atasan/ekspor/laporan.csv", "/atasan/ekspor/jp.csv",
                 "/atasan/ekspor/matriks.csv", "/atasan/ekspor/terlambat.csv"):
        assert headers[path][:3] == ["NIP", "Nama", "Unit"]
    assert headers["/atasan/usulan/ekspor.csv"][2:5] == ["NIP", "Nama", "Unit"]
    client.get("/bahasa/en")
    english = export_rows(client.get("/atasan/ekspor/laporan.csv").get_data(), keys=False)[0]
    assert english[:3] == ["NIP", "Name", "Unit"]
