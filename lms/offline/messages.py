"""What the learner reads about each synced action: the outcome explained in her language."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from lms.offline.models import OfflineAction
from lms.offline.services import ALREADY, APPLIED, Received


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds") + "Z"


def received_json(received: Received) -> dict:
    """One action's answer: key, outcome, whether it is a conflict, and the explanation."""
    row = received.action
    return {
        "key": row.key, "kind": row.kind, "outcome": row.outcome,
        "conflict": row.outcome not in (APPLIED, ALREADY), "repeat": received.repeat,
        "message": explain(row), "version": row.version_number,
        "happened_at": _iso(row.happened_at), "received_at": _iso(row.received_at),
        "attempt_id": row.attempt_id, "detail": row.detail,
    }


def explain(row: OfflineAction) -> str:
    """The outcome of an offline action in a sentence or two."""
    detail, title = row.detail or {}, (row.detail or {}).get("title", row.item_key)
    if row.outcome in (APPLIED, ALREADY) and row.kind == "lesson":
        text = (_("“%(t)s” tercatat selesai.", t=title) if row.outcome == APPLIED
                else _("“%(t)s” sudah tercatat selesai sebelumnya.", t=title))
        return " ".join([text] + _changes(row, detail))
    if row.outcome in (APPLIED, ALREADY):
        verdict = _("lulus") if detail.get("passed") else _("belum lulus")
        text = (_("Kuis “%(t)s” dinilai: %(s)s (%(v)s), percobaan ke-%(n)s.", t=title,
                  s=detail.get("score"), v=verdict, n=detail.get("number"))
                if row.outcome == APPLIED else
                _("Jawaban kuis “%(t)s” sudah diterima sebelumnya: nilai %(s)s (%(v)s).",
                  t=title, s=detail.get("score"), v=verdict))
        return " ".join([text] + _changes(row, detail))
    return {
        "course_unknown": _("Kursus ini tidak ada lagi di Kelas ASN, jadi tindakan ini tidak "
                            "dicatat."),
        "item_unknown": _("“%(t)s” tidak ditemukan pada versi kursus yang Anda baca, jadi tidak "
                          "dicatat.", t=title),
        "not_enrolled": _("Anda tidak terdaftar di kursus ini, jadi “%(t)s” tidak dicatat.",
                          t=title),
        "timed_quiz": _("Kuis “%(t)s” berbatas waktu dan hanya bisa dikerjakan dengan koneksi "
                        "internet; jawaban ini tidak dinilai.", t=title),
        "attempts_used_up": _("Kesempatan mengerjakan kuis “%(t)s” sudah habis sebelum jawaban "
                              "ini terkirim (misalnya terpakai di perangkat lain), jadi jawaban "
                              "ini tidak dinilai.", t=title),
        "token_invalid": _("Jawaban ini berasal dari halaman kuis yang tidak berlaku lagi; "
                           "kerjakan kuisnya sekali lagi."),
        "answers_invalid": _("Jawaban kuis “%(t)s” tidak cocok dengan soal-soalnya, jadi tidak "
                             "dinilai.", t=title),
    }.get(row.outcome, _("Tindakan ini tidak dicatat."))


def _changes(row: OfflineAction, detail: dict) -> list[str]:
    """Sentences on what changed meanwhile: a new course version, a completed course."""
    out = []
    current = detail.get("current_version")
    if current and current != row.version_number:
        if row.kind == "quiz":
            out.append(_("Dinilai dengan versi %(g)s tempat Anda mulai; kursus kini versi %(c)s.",
                         g=row.version_number, c=current))
        else:
            out.append(_("Kursus sudah diperbarui dari versi %(o)s ke versi %(c)s.",
                         o=row.version_number, c=current))
        if detail.get("in_current_version") is False:
            out.append(_("Materi ini tidak ada lagi di versi baru, jadi tidak dihitung untuk "
                         "menyelesaikan kursus."))
    if detail.get("course_completed"):
        out.append(_("Kursus selesai; JP dan bukti kompetensi sudah tercatat."))
    return out
