"""The competency matrix export: one row per employee with the required level, evidenced
level and gap of every competency; scoped, streamed, safe to open in a spreadsheet."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from lms.competency.models import CompetencyEvidence
from lms.org.services import save_position
from lms.timeutil import utcnow
from tests.spreadsheet import export_rows, nip_cell

CODES = ["M.01", "M.02", "M.03", "M.04", "M.05", "M.06", "M.07", "M.08", "SK.01", "T.01"]


def _csv(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert 'filename="matriks-' in response.headers["Content-Disposition"]
    return export_rows(response.get_data())


def _by_name(rows):
    header = rows[0]
    return {row[1]: dict(zip(header, row)) for row in rows[1:]}


def test_matrix_csv_lists_required_evidenced_and_gap(client, org, login, credit):
    credit(org["learner_a1"], levels=(("M.03", 2), ("M.05", 3), ("M.08", 1)))
    credit(org["learner_b"], levels=(("M.03", 4),))
    login(org["manager_a"])
    rows = _csv(client.get("/atasan/ekspor/matriks.csv"))
    assert rows[0] == ["nip", "name", "unit", "position"] + [
        f"{code} {part}" for code in CODES for part in ("wajib", "capai", "kesenjangan")]
    # Unit, then name order; never Dewi of Bidang B.
    assert [(r[2], r[1]) for r in rows[1:]] == [("BID-A", "Budi"), ("BID-A", "Kabid A"),
                                                ("SEK-A1", "Citra")]
    citra = _by_name(rows)["Citra"]
    assert citra["nip"] == nip_cell(org["learner_a1"].nip) and citra["position"] == "Pranata Komputer"
    assert [citra[f"M.03 {p}"] for p in ("wajib", "capai", "kesenjangan")] == ["3", "2", "1"]
    assert [citra[f"M.05 {p}"] for p in ("wajib", "capai", "kesenjangan")] == ["2", "3", "0"]
    assert [citra[f"T.01 {p}"] for p in ("wajib", "capai", "kesenjangan")] == ["2", "0", "2"]
    # Evidence of a competency the position does not require: no requirement, no gap.
    assert [citra[f"M.08 {p}"] for p in ("wajib", "capai", "kesenjangan")] == ["", "1", "0"]
    budi = _by_name(rows)["Budi"]
    assert budi["position"] == "" and budi["M.03 wajib"] == "" and budi["M.03 capai"] == "0"


def test_matrix_ignores_rejected_evidence_and_follows_filters(db, client, org, login, credit):
    credit(org["learner_a1"], levels=(("M.03", 3),))
    evidence = db.session.scalar(select(CompetencyEvidence))
    evidence.rejected_at = utcnow()
    db.session.commit()
    login(org["manager_root"])
    citra = _by_name(_csv(client.get("/atasan/ekspor/matriks.csv?unit=SEK-A1")))["Citra"]
    assert (citra["M.03 capai"], citra["M.03 kesenjangan"]) == ("0", "3")
    rows = _csv(client.get("/atasan/ekspor/matriks.csv?jabatan=PRAKOM"))
    assert [r[1] for r in rows[1:]] == ["Citra"]
    everyone = _csv(client.get("/atasan/ekspor/matriks.csv"))
    assert len(everyone) == 1 + 7


def test_matrix_xlsx_has_numbers_and_neutralises_formulas(db, client, org, login, make_user,
                                                          credit):
    evil = make_user("learner", org["a1"], name="=HYPERLINK(\"http://x\",\"klik\")")
    evil.position = save_position(db.session, "EVIL", "+SUM(1,2)", "pelaksana", {"M.01": 2})
    db.session.commit()
    credit(org["learner_a1"], levels=(("M.03", 2),))
    login(org["manager_a"])
    response = client.get("/atasan/ekspor/matriks.xlsx?unit=SEK-A1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    assert header[:4] == ("NIP", "Nama", "Unit", "Jabatan") and "M.03 kesenjangan" in header
    header = ("nip", "name", "unit", "position") + header[4:]
    rows = {row[1]: dict(zip(header, row)) for row in values[1:]}
    citra = rows["Citra"]
    assert (citra["M.03 wajib"], citra["M.03 capai"], citra["M.03 kesenjangan"]) == (3, 2, 1)
    assert citra["nip"] == org["learner_a1"].nip  # text, leading digits intact
    evil_row = rows["=HYPERLINK(\"http://x\",\"klik\")"]  # a text cell: no apostrophe
    assert evil_row["position"] == "+SUM(1,2)" and evil_row["M.01 kesenjangan"] == 2
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rows = _csv(client.get("/atasan/ekspor/matriks.csv?unit=SEK-A1"))
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in [r[1] for r in rows]


def test_matrix_scope(app, org, login, make_user):
    def get(who, path):
        client = app.test_client()
        if who:
            login(who, target=client)
        return client.get(path)

    assert get(org["manager_a"], "/atasan/ekspor/matriks.csv?unit=BID-B").status_code == 404
    assert get(org["manager_a"], "/atasan/ekspor/matriks.xlsx?unit=DINAS").status_code == 404
    names = [r[1] for r in _csv(get(org["manager_b"], "/atasan/ekspor/matriks.csv"))[1:]]
    assert sorted(names) == ["Admin", "Dewi", "Kabid B"]
    assert get(org["admin"], "/atasan/ekspor/matriks.csv?unit=BID-A").status_code == 200
    assert get(org["learner_a"], "/atasan/ekspor/matriks.csv").status_code == 403
    assert get(make_user("trainer", org["a"]), "/atasan/ekspor/matriks.xlsx").status_code == 403
    anonymous = get(None, "/atasan/ekspor/matriks.csv")
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
