"""Forms of the learner's competency pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.competency.external import KLASIKAL, NON_KLASIKAL, ExternalTrainingInput
from lms.competency.models import Competency, JpLedgerEntry
from lms.fields import LocalDateField, WholeNumberField

KIND_LABELS = {
    "pelatihan klasikal": _l("Pelatihan klasikal (tatap muka)"),
    "seminar/konferensi": _l("Seminar / konferensi / sarasehan"),
    "workshop/lokakarya": _l("Workshop / lokakarya"),
    "kursus": _l("Kursus"),
    "bimbingan teknis": _l("Bimbingan teknis (bimtek)"),
    "sosialisasi": _l("Sosialisasi"),
    "penataran": _l("Penataran"),
    "klasikal lainnya": _l("Klasikal lainnya"),
    "e-learning": _l("E-learning (di luar Kelas ASN)"),
    "pelatihan jarak jauh": _l("Pelatihan jarak jauh"),
    "coaching": _l("Coaching"),
    "mentoring": _l("Mentoring"),
    "magang/praktik kerja": _l("Magang / praktik kerja"),
    "patok banding": _l("Patok banding (benchmarking)"),
    "detasering": _l("Detasering (secondment)"),
    "belajar mandiri": _l("Belajar mandiri"),
    "komunitas belajar": _l("Komunitas belajar"),
    "non-klasikal lainnya": _l("Non-klasikal lainnya"),
}


def ledger_kind(entry: JpLedgerEntry) -> str:
    """What a JP ledger row's kind reads as (the key stays what exports carry)."""
    if entry.course_id is not None and entry.kind == "e-learning":
        return str(_l("E-learning Kelas ASN"))
    return str(KIND_LABELS.get(entry.kind, entry.kind))


class ExternalTrainingForm(FlaskForm):
    """An outside training with its certificate. The fields only parse what was typed; the
    rules (required, ranges, a unique certificate number, the file's type) are the
    service's, so the page and the tests meet one set of rules."""

    kind = SelectField(_l("Jenis pelatihan"), validate_choice=False, choices=[
        *(SelectChoice(k, KIND_LABELS[k], optgroup=_l("Klasikal")) for k in KLASIKAL),
        *(SelectChoice(k, KIND_LABELS[k], optgroup=_l("Non-klasikal")) for k in NON_KLASIKAL),
    ])
    title = StringField(_l("Nama pelatihan"))
    provider = StringField(_l("Penyelenggara"))
    started_on = LocalDateField(_l("Tanggal mulai"), validators=[Optional()])
    ended_on = LocalDateField(_l("Tanggal selesai"), validators=[Optional()])
    jp = WholeNumberField(_l("Jumlah JP"), validators=[Optional()])
    certificate_number = StringField(_l("Nomor sertifikat"))
    competency_code = SelectField(_l("Kompetensi yang dikembangkan (opsional)"),
                                  validate_choice=False)
    level = SelectField(_l("Level kompetensi"), validate_choice=False,
                        choices=[SelectChoice("", "—")]
                        + [SelectChoice(str(n), str(n)) for n in range(1, 6)])
    file = FileField(_l("Sertifikat (PDF, PNG atau JPEG)"))

    def set_competencies(self, competencies: list[Competency]) -> None:
        """Offer the framework's competencies (and "none")."""
        self.competency_code.choices = [SelectChoice("", _l("— tidak ada —"))] + [
            SelectChoice(c.code, f"{c.code} {c.name}") for c in competencies]

    def to_input(self) -> ExternalTrainingInput:
        """What was entered, for the service to check."""
        level = self.level.data or ""
        return ExternalTrainingInput(
            kind=self.kind.data or "", title=self.title.data or "",
            provider=self.provider.data or "", started_on=self.started_on.data,
            ended_on=self.ended_on.data, jp=self.jp.data,
            certificate_number=self.certificate_number.data or "",
            competency_code=self.competency_code.data or None,
            level=(int(level) if level.isdigit() else -1) if level else None,
        )

    def add_errors(self, errors: dict[str, str]) -> None:
        """Show the service's errors next to their fields (a field that did not even parse
        keeps only that message)."""
        for name, message in errors.items():
            field = self[name]
            if not field.errors:
                field.errors = [message]
