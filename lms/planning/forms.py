"""Forms of the planning pages: aspirations and their answers, development plan items."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.competency.models import Competency
from lms.fields import LocalDateField, WholeNumberField

ASPIRATION_STATUS_LABELS = {
    "open": _l("Menunggu jawaban"),
    "planned": _l("Direncanakan"),
    "covered": _l("Sudah ada kursusnya"),
    "not_now": _l("Belum sekarang"),
}


def competency_choices(competencies: list[Competency]) -> list[SelectChoice]:
    """The framework's competencies as choices, with an empty first choice."""
    return [SelectChoice("", _l("— pilih —"))] + [
        SelectChoice(c.code, f"{c.code} {c.name}") for c in competencies]


class ErrorsMixin:
    """Put a service's field errors on the form (a field that did not parse keeps its own)."""

    def add_errors(self, errors: dict[str, str]) -> None:
        """Show the service's errors next to their fields."""
        for name, message in errors.items():
            field = self[name]
            if not field.errors:
                field.errors = [message]


class AspirationForm(ErrorsMixin, FlaskForm):
    """Propose a training need; the rules are the service's."""

    topic = StringField(_l("Topik pelatihan yang dibutuhkan"))
    competency_code = SelectField(_l("Kompetensi"), validate_choice=False)
    reason = TextAreaField(_l("Mengapa dibutuhkan"))
    colleagues = WholeNumberField(_l("Berapa pegawai yang membutuhkannya (termasuk Anda)"),
                                   validators=[Optional()], default=1)


class AnswerForm(ErrorsMixin, FlaskForm):
    """A manager's answer to an aspiration."""

    status = SelectField(_l("Jawaban"), validate_choice=False, choices=[
        SelectChoice("planned", _l("Direncanakan")),
        SelectChoice("covered", _l("Sudah ada kursusnya (pilih kursus)")),
        SelectChoice("not_now", _l("Belum sekarang (tuliskan alasannya)")),
    ])
    course_id = SelectField(_l("Kursus yang menutup kebutuhan ini"), validate_choice=False)
    note = TextAreaField(_l("Catatan / alasan untuk pengusul"))


PLAN_STATUS_LABELS = {
    "draft": _l("Draf"),
    "submitted": _l("Diajukan, menunggu persetujuan"),
    "approved": _l("Disetujui"),
    "returned": _l("Dikembalikan untuk diperbaiki"),
}


def plan_kind_labels() -> dict[str, str]:
    """Every activity kind of a plan item: a Kelas ASN course, then the ledger's kinds."""
    from lms.competency.forms import KIND_LABELS
    from lms.planning.models import COURSE_ITEM

    return {COURSE_ITEM: _l("Kursus Kelas ASN"), **KIND_LABELS}


class PlanItemForm(ErrorsMixin, FlaskForm):
    """One activity added to a plan by hand; the rules are the service's."""

    competency_code = SelectField(_l("Kompetensi"), validate_choice=False)
    kind = SelectField(_l("Jenis kegiatan"), validate_choice=False)
    course_id = SelectField(_l("Kursus Kelas ASN (bila jenisnya kursus)"), validate_choice=False)
    title = StringField(_l("Nama kegiatan (kosongkan untuk kursus)"))
    target_on = LocalDateField(_l("Target selesai"), validators=[Optional()])
    jp = WholeNumberField(_l("JP rencana (kosongkan untuk kursus)"), validators=[Optional()])


class SuggestionsForm(ErrorsMixin, FlaskForm):
    """The suggestions ticked (``pilih``, read from the request) and their target date."""

    target_on = LocalDateField(_l("Target selesai untuk yang dipilih"), validators=[Optional()])


class ReturnPlanForm(ErrorsMixin, FlaskForm):
    """Return a submitted plan with a comment the employee reads."""

    comment = TextAreaField(_l("Catatan untuk pegawai"))
