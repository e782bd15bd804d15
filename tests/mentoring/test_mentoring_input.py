"""Bad input to the mentoring pages: a clear error next to the field, and nothing stored."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.mentoring.models import MentoringMentee, MentoringProgramme, MentoringSession


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _programme_form(org, **values) -> dict:
    base = {"kind": "mentoring", "mentor_nip": org["learner_a"].nip,
            "mentee_nips": org["learner_a1"].nip, "competency_code": "M.05",
            "goals": "Memimpin rapat", "starts_on": "2026-06-01", "ends_on": "2026-06-30"}
    base.update(values)
    return base


@pytest.mark.parametrize("values, message", [
    ({"ends_on": "2026-05-31"}, "Tanggal selesai tidak boleh sebelum tanggal mulai."),
    ({"ends_on": "2027-06-02"}, "Program berlangsung paling lama satu tahun."),
    ({"starts_on": "1-6-2026"}, "Tanggal tidak valid"),
    ({"starts_on": ""}, "Wajib diisi."),
    ({"mentee_nips": "LEARNER_A"}, "Mentor tidak dapat menjadi peserta programnya sendiri."),
    ({"mentee_nips": ""}, "Isi sedikitnya satu NIP peserta."),
    ({"mentee_nips": "199001012015011999"}, "NIP tidak dikenal"),
    ({"mentor_nip": "123"}, "NIP tidak dikenal"),
    ({"mentee_nips": "MANAGER_A"}, "Anda tidak dapat mendaftarkan diri sendiri"),
    ({"competency_code": "X.99"}, "Pilih kompetensi dari daftar."),
    ({"kind": "magang"}, "Pilih jenis dari daftar."),
    ({"goals": "   "}, "Wajib diisi."),
    ({"goals": "x" * 2001}, "Terlalu panjang (maksimal 2000 karakter)."),
])
def test_a_bad_programme_is_refused(app, db, org, as_user, values, message):
    values = {k: (org["learner_a"].nip if v == "LEARNER_A" else
                  org["manager_a"].nip if v == "MANAGER_A" else v) for k, v in values.items()}
    response = as_user(org["manager_a"]).post("/atasan/mentoring/baru",
                                              data=_programme_form(org, **values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db, MentoringProgramme) == 0 and _count(db, MentoringMentee) == 0


@pytest.mark.parametrize("values, message", [
    ({"minutes": "0"}, "Durasi harus bilangan bulat 1 sampai 480 menit."),
    ({"minutes": "-30"}, "Durasi harus bilangan bulat 1 sampai 480 menit."),
    ({"minutes": "481"}, "Durasi harus bilangan bulat 1 sampai 480 menit."),
    ({"minutes": "99999999999999999999"}, "Durasi harus bilangan bulat"),
    ({"minutes": "satu jam"}, "Isi dengan bilangan bulat."),
    ({"held_on": "2026-05-31"}, "Tanggal sesi harus di dalam masa program"),
    ({"held_on": "2026-06-20"}, "Tanggal tidak boleh di masa depan."),
    ({"held_on": ""}, "Wajib diisi."),
    ({"topic": " "}, "Wajib diisi."),
    ({"topic": "t" * 201}, "Terlalu panjang (maksimal 200 karakter)."),
    ({"notes": "n" * 5001}, "Terlalu panjang (maksimal 5000 karakter)."),
])
def test_a_bad_session_is_refused(app, db, org, programme, as_user, values, message):
    part = programme.mentees[0]
    data = {"held_on": "2026-06-05", "minutes": "60", "topic": "Topik", "notes": "",
            "next_steps": ""}
    data.update(values)
    response = as_user(org["learner_a"]).post(
        f"/mentoring/{programme.id}/peserta/{part.id}/sesi",
        data={f"s{part.id}-{k}": v for k, v in data.items()})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text and 'aria-invalid="true"' in text
    assert _count(db, MentoringSession) == 1  # the fixture's


@pytest.mark.parametrize("level", ["", "0", "6", "abc", "33"])
def test_a_validation_needs_a_level_from_1_to_5(app, db, org, programme, as_user, clock,
                                                level):
    part = programme.mentees[0]
    part.sessions[0].confirmed_at = datetime(2026, 6, 3, 5)
    db.session.commit()
    clock.set(datetime(2026, 7, 1, 3, 0))
    response = as_user(org["manager_a"]).post(
        f"/mentoring/{programme.id}/peserta/{part.id}/validasi",
        data={f"v{part.id}-level": level})
    assert response.status_code == 422
    assert "Level harus 1 sampai 5." in response.get_data(as_text=True)
    assert _count(db, JpLedgerEntry) == 0 and _count(db, CompetencyEvidence) == 0
