"""The competency framework: seeded level descriptions, add/edit/delete on the admin pages,
and the CSV file out and in (web and service)."""

import io

from sqlalchemy import func, select

from lms.competency.framework import (COLUMNS, FrameworkError, export_framework_csv,
                                      import_framework_csv)
from lms.competency.models import Competency, CompetencyLevel
from lms.competency.services import DEFAULT_FRAMEWORK, seed_framework
from lms.org.services import save_position

HEADER = ",".join(COLUMNS) + "\r\n"


def _competency(db, code):
    db.session.expire_all()
    return db.session.get(Competency, code)


def _export(db) -> str:
    buffer = io.StringIO()
    export_framework_csv(db.session, buffer)
    return buffer.getvalue()


def _snapshot(db):
    db.session.expire_all()
    return _export(db), db.session.scalar(select(func.count()).select_from(CompetencyLevel))


def test_seed_adds_five_level_descriptions_once(db):
    levels = _competency(db, "M.01").level_descriptions
    assert sorted(levels) == [1, 2, 3, 4, 5]
    assert all(text.endswith(".") and len(text) < 100 for text in levels.values())
    count = db.session.scalar(select(func.count()).select_from(CompetencyLevel))
    assert count == 5 * len(DEFAULT_FRAMEWORK)
    # An admin's own text stays; a missing description comes back; nothing is doubled.
    m01 = _competency(db, "M.01")
    m01.levels[0].description = "Teks agensi sendiri."
    m01.levels.remove(m01.levels[4])
    db.session.commit()
    assert seed_framework(db.session) == 0
    db.session.commit()
    levels = _competency(db, "M.01").level_descriptions
    assert levels[1] == "Teks agensi sendiri." and 5 in levels
    assert db.session.scalar(select(func.count()).select_from(CompetencyLevel)) == count


def test_list_by_group(admin_client):
    page = admin_client.get("/admin/kompetensi").get_data(as_text=True)
    assert page.index("Manajerial") < page.index("M.08") < page.index("Sosial kultural")
    assert page.index("SK.01") < page.index("Teknis") < page.index("T.01")
    assert "Bertindak sesuai nilai, norma, dan etika organisasi" in page


def test_add_competency_with_levels(admin_client, db):
    response = admin_client.post("/admin/kompetensi/baru", data={
        "code": "t.02", "name": "Analisis Data", "group": "teknis",
        "description": "Mengolah data untuk kebijakan.", "level_1": "Membaca tabel.",
        "level_3": "Menganalisis data unit."})
    assert response.status_code == 302
    t02 = _competency(db, "T.02")
    assert t02.name == "Analisis Data" and t02.description == "Mengolah data untuk kebijakan."
    assert t02.level_descriptions == {1: "Membaca tabel.", 3: "Menganalisis data unit."}


def test_add_refuses_bad_format_and_duplicate(admin_client, db):
    before = _snapshot(db)
    for code, message in (("T02", "tidak sesuai format"), ("TEKNIS.1", "tidak sesuai format"),
                          ("M.01", "sudah dipakai")):
        response = admin_client.post("/admin/kompetensi/baru", data={
            "code": code, "name": "X", "group": "teknis"})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page and 'id="code-error"' in page, code
    assert _snapshot(db) == before


def test_edit_name_group_description_and_levels(admin_client, db):
    response = admin_client.post("/admin/kompetensi/T.01", data={
        "code": "X.99", "name": "Layanan Digital", "group": "teknis", "description": "Baru.",
        "level_1": "Satu.", "level_2": "", "level_3": "Tiga.", "level_4": "Empat.",
        "level_5": "Lima."})
    assert response.status_code == 302
    t01 = _competency(db, "T.01")
    assert t01.name == "Layanan Digital" and t01.description == "Baru."
    assert t01.level_descriptions == {1: "Satu.", 3: "Tiga.", 4: "Empat.", 5: "Lima."}
    assert _competency(db, "X.99") is None  # the code stays


def test_delete_refused_while_referenced(admin_client, db, make_course):
    save_position(db.session, "STAF", "Staf", "pelaksana", {"M.01": 2})
    db.session.commit()
    make_course()  # develops M.03 and M.05
    for code in ("M.01", "M.03"):
        response = admin_client.post(f"/admin/kompetensi/{code}/hapus", follow_redirects=True)
        page = response.get_data(as_text=True)
        assert "masih dipakai" in page, code
        assert _competency(db, code) is not None
    assert "1 jabatan" in admin_client.post("/admin/kompetensi/M.01/hapus",
                                            follow_redirects=True).get_data(as_text=True)
    response = admin_client.post("/admin/kompetensi/M.08/hapus")
    assert response.status_code == 302
    assert _competency(db, "M.08") is None
    assert db.session.scalar(select(func.count()).select_from(CompetencyLevel)
                             .where(CompetencyLevel.competency_code == "M.08")) == 0


def test_csv_round_trip_is_identical(admin_client, db):
    first = admin_client.get("/admin/kompetensi/ekspor.csv")
    assert first.mimetype == "text/csv"
    text = first.get_data(as_text=True)
    assert text.startswith(HEADER) and not text.startswith("\ufeff")
    assert text.count("\r\n") == 1 + len(DEFAULT_FRAMEWORK)
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO(text.encode()), "kerangka.csv")}, follow_redirects=True)
    assert "0 kompetensi ditambahkan, 10 diperbarui" in response.get_data(as_text=True)
    assert admin_client.get("/admin/kompetensi/ekspor.csv").get_data(as_text=True) == text


def test_import_adds_and_updates_in_place(admin_client, db):
    body = (HEADER
            + 'T.02,Analisis Data,teknis,"Data, kebijakan",Satu.,Dua.,Tiga.,Empat.,Lima.\r\n'
            + "M.01,Integritas ASN,manajerial,,Baru satu.,,,,\r\n")
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO(("\ufeff" + body).encode()), "k.csv")}, follow_redirects=True)
    assert "1 kompetensi ditambahkan, 1 diperbarui" in response.get_data(as_text=True)
    t02 = _competency(db, "T.02")
    assert t02.description == "Data, kebijakan" and t02.level_descriptions[5] == "Lima."
    m01 = _competency(db, "M.01")
    assert m01.name == "Integritas ASN" and m01.level_descriptions == {1: "Baru satu."}


def test_import_dry_run_changes_nothing(admin_client, db):
    before = _snapshot(db)
    body = HEADER + "T.02,Analisis Data,teknis,,,,,,\r\n"
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO(body.encode()), "k.csv"), "dry_run": "y"}, follow_redirects=True)
    assert "Pemeriksaan lolos" in response.get_data(as_text=True)
    assert _snapshot(db) == before


def test_bad_lines_are_all_reported_and_nothing_changes(admin_client, db):
    before = _snapshot(db)
    body = (HEADER
            + "T.02,Analisis Data,teknis,,,,,,\r\n"       # line 2: good
            + "t2,Salah Kode,teknis,,,,,,\r\n"            # line 3
            + "T.03,,teknis,,,,,,\r\n"                    # line 4
            + "T.04,Kelompok Salah,lainnya,,,,,,\r\n"     # line 5
            + "T.02,Dua Kali,teknis,,,,,,\r\n"            # line 6
            + "T.05,Terlalu Banyak,teknis,,,,,,,extra\r\n")  # line 7
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO(body.encode()), "k.csv")})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for expected in ("baris 3: kode t2 tidak sesuai format", "baris 4: nama wajib diisi",
                     "baris 5: kelompok harus salah satu dari",
                     "baris 6: kode T.02 sudah ada di baris 2",
                     "baris 7: jumlah kolom melebihi judul"):
        assert expected in page, expected
    assert "baris 2:" not in page
    assert _snapshot(db) == before


def test_import_refuses_missing_columns_and_non_utf8(admin_client, db):
    before = _snapshot(db)
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO(b"kode,nama\nT.02,X\n"), "k.csv")})
    page = response.get_data(as_text=True)
    assert "baris 1: kolom wajib tidak ada: code, name, group" in page
    assert "kolom tidak dikenal: kode, nama" in page
    response = admin_client.post("/admin/kompetensi/impor", data={
        "file": (io.BytesIO("code,name,group\nT.02,Pelayanan Prima,teknis\n".encode("cp1252")
                            + b"\xff\xfe"), "k.csv")}, follow_redirects=True)
    assert "UTF-8" in response.get_data(as_text=True)
    assert _snapshot(db) == before


def test_export_neutralises_formulas_and_import_keeps_text_as_is(db):
    import_framework_csv(db.session, io.StringIO(
        HEADER + 'T.02,=HYPERLINK("x"),teknis,+62 sebagai kode,,,,,\r\n', newline=""))
    db.session.commit()
    t02 = _competency(db, "T.02")
    assert t02.name == '=HYPERLINK("x")' and t02.description == "+62 sebagai kode"
    text = _export(db)
    assert "'=HYPERLINK" in text and "'+62 sebagai kode" in text


def test_service_reports_every_problem_with_its_line(db):
    try:
        import_framework_csv(db.session, io.StringIO(
            HEADER + "X,,nope,,,,,,\r\n", newline=""))
    except FrameworkError as exc:
        lines = [str(p) for p in exc.problems]
    assert lines == ["baris 2: kode X tidak sesuai format (contoh: M.01, SK.01, T.02)",
                     "baris 2: nama wajib diisi",
                     "baris 2: kelompok harus salah satu dari: manajerial, sosial-kultural, "
                     "teknis"]
