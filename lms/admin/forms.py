"""Forms of the admin pages (CSRF-protected). The rules that need the database live in
lms/admin/services.py and lms/competency/framework.py; these only parse and bound input."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, PasswordField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from lms.auth.models import EMPLOYEE_TYPES, ROLES
from lms.auth.roles import ROLE_LABELS
from lms.competency.framework import Problem
from lms.competency.models import GROUPS
from lms.inputs import MAX_ID
from lms.org.models import POSITION_TYPES

GROUP_LABELS = {"manajerial": _l("Manajerial"), "sosial-kultural": _l("Sosial kultural"),
                "teknis": _l("Teknis")}
POSITION_TYPE_LABELS = {"JPT": _l("JPT (struktural)"), "administrator": _l("Administrator"),
                        "pengawas": _l("Pengawas"), "fungsional": _l("Fungsional"),
                        "pelaksana": _l("Pelaksana")}
LEVEL_CHOICES = [SelectChoice("", _l("Tidak disyaratkan"))] + [
    SelectChoice(str(n), str(n)) for n in range(1, 6)]


# WTForms has no Indonesian messages: give our own.
def _required() -> DataRequired:
    return DataRequired(message=_l("Wajib diisi."))


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Paling panjang %(max)d karakter."))


def _one_of(values) -> AnyOf:
    return AnyOf([str(v) for v in values], message=_l("Pilih salah satu pilihan yang ada."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def _indent(depth: int) -> str:
    return "\u00a0\u00a0" * depth


def _optional_int(value):
    """A row id or None; a number no row can have is a coercion error (ValueError)."""
    if value in (None, "", "None"):
        return None
    number = int(value) if isinstance(value, int) or len(str(value)) <= 12 else MAX_ID + 1
    if not 0 < number <= MAX_ID:
        raise ValueError("not a row id")
    return number


class EmployeeForm(FlaskForm):
    """An employee's data; the password fields are used only when creating."""

    nip = StringField(_l("NIP"), filters=[_strip], validators=[_required(), _max(40)],
                      description=_l("18 digit; spasi dan titik boleh. Untuk PPPK digit 13–14 "
                                     "bukan bulan pengangkatan."))
    name = StringField(_l("Nama lengkap (dengan gelar)"), filters=[_strip],
                       validators=[_required(), _max(200)])
    employee_type = SelectField(_l("Jenis pegawai"), validate_choice=False,
                                validators=[_one_of(EMPLOYEE_TYPES)],
                                choices=[SelectChoice(t) for t in EMPLOYEE_TYPES])
    email = StringField(_l("E-mail"), filters=[_strip], validators=[Optional(), _max(254)],
                        description=_l("Untuk notifikasi (tugas kursus, tenggat, hasil "
                                       "validasi). Boleh kosong."))
    golongan = StringField(_l("Golongan"), filters=[_strip],
                           validators=[Optional(), _max(8)],
                           description=_l("PNS: I/a sampai IV/e; PPPK: I sampai XVII. "
                                          "Boleh kosong."))
    # Checkboxes; lms/admin/services.py refuses an unknown role or none (a crafted form).
    roles = SelectMultipleField(_l("Peran"), validate_choice=False, default=["learner"],
                                choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    unit = SelectField(_l("Unit kerja"), coerce=_optional_int, validate_choice=False)
    position = SelectField(_l("Jabatan"), coerce=_optional_int, validate_choice=False)
    supervisor_nip = StringField(_l("NIP atasan langsung"), filters=[_strip],
                                 validators=[Optional(), _max(40)])
    siasn_person_id = StringField(_l("ID PNS SIASN (pnsOrangId)"), filters=[_strip],
                                  validators=[Optional(), _max(64)],
                                  description=_l("Dari SIASN BKN; perlu untuk mengirim riwayat "
                                                 "pelatihan ke SIASN. Boleh kosong."))
    active = BooleanField(_l("Aktif (boleh masuk)"), default=True)
    password = PasswordField(_l("Kata sandi awal"), validators=[Optional(), _max(200)],
                             description=_l("Boleh kosong: pegawai belum dapat masuk sampai "
                                            "admin menetapkan kata sandinya."))
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[Optional(), _max(200)])

    def fill_choices(self, units, positions) -> None:
        """Offer the units and positions of the organisation."""
        self.unit.choices = [SelectChoice("", _l("— pilih unit —"))] + [
            SelectChoice(u.id, f"{u.code} · {u.name}") for u in units]
        self.position.choices = [SelectChoice("", _l("— tanpa jabatan —"))] + [
            SelectChoice(p.id, f"{p.code} · {p.name}") for p in positions]


class PasswordForm(FlaskForm):
    """A new password typed twice."""

    password = PasswordField(_l("Kata sandi baru"),
                             validators=[_required(), _max(200)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"),
                            validators=[_required(), _max(200)])


class UnitForm(FlaskForm):
    """A unit kerja: code (only when creating), name, parent and head."""

    code = StringField(_l("Kode unit"), filters=[_strip],
                       validators=[_required(), _max(32)])
    name = StringField(_l("Nama unit"), filters=[_strip],
                       validators=[_required(), _max(200)])
    parent = SelectField(_l("Unit induk"), coerce=_optional_int, validate_choice=False)
    head_nip = StringField(_l("NIP kepala unit"), filters=[_strip],
                           validators=[Optional(), _max(40)],
                           description=_l("Boleh kosong."))

    def fill_choices(self, rows) -> None:
        """Offer every unit of the tree as a parent, indented by depth."""
        self.parent.choices = [SelectChoice("", _l("— tanpa induk (unit teratas) —"))] + [
            SelectChoice(r.unit.id, _indent(r.depth) + f"{r.unit.code} · {r.unit.name}")
            for r in rows]


class DeleteForm(FlaskForm):
    """A confirmed delete button (CSRF only)."""


class PositionForm(FlaskForm):
    """A position's code, name and type; required levels are added per competency by
    ``position_form``."""

    code = StringField(_l("Kode jabatan"), filters=[_upper],
                       validators=[_required(), _max(32)])
    name = StringField(_l("Nama jabatan"), filters=[_strip],
                       validators=[_required(), _max(200)])
    type = SelectField(_l("Jenis jabatan"), validate_choice=False,
                       validators=[_one_of(POSITION_TYPES)],
                       choices=[SelectChoice(t, POSITION_TYPE_LABELS[t]) for t in POSITION_TYPES])


def level_field_name(code: str) -> str:
    """The form field of a competency's required level (codes are like M.01: no clash)."""
    return "level_" + code.replace(".", "_")


def position_form(competencies, **kwargs) -> PositionForm:
    """A PositionForm with one required-level select per competency of the framework."""

    class Form(PositionForm):
        """PositionForm with this framework's competencies."""

    for c in competencies:
        setattr(Form, level_field_name(c.code),
                SelectField(f"{c.code} {c.name}", choices=LEVEL_CHOICES, default="",
                            validate_choice=False, validators=[_one_of(["", 1, 2, 3, 4, 5])]))
    return Form(**kwargs)


class CompetencyForm(FlaskForm):
    """A competency of the framework with the five level descriptions."""

    code = StringField(_l("Kode"), filters=[_upper], validators=[_required(), _max(16)],
                       description=_l("Contoh: M.09, SK.02, T.02"))
    name = StringField(_l("Nama"), filters=[_strip], validators=[_required(), _max(200)])
    group = SelectField(_l("Kelompok"), validate_choice=False, validators=[_one_of(GROUPS)],
                        choices=[SelectChoice(g, GROUP_LABELS[g]) for g in GROUPS])
    description = TextAreaField(_l("Deskripsi"), filters=[_strip],
                                validators=[Optional(), _max(2000)])
    level_1 = TextAreaField(_l("Level 1"), filters=[_strip], validators=[Optional(), _max(2000)])
    level_2 = TextAreaField(_l("Level 2"), filters=[_strip], validators=[Optional(), _max(2000)])
    level_3 = TextAreaField(_l("Level 3"), filters=[_strip], validators=[Optional(), _max(2000)])
    level_4 = TextAreaField(_l("Level 4"), filters=[_strip], validators=[Optional(), _max(2000)])
    level_5 = TextAreaField(_l("Level 5"), filters=[_strip], validators=[Optional(), _max(2000)])


class FrameworkImportForm(FlaskForm):
    """A framework CSV file to import, or only to check."""

    file = FileField(_l("Berkas CSV kerangka kompetensi"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Periksa saja, jangan simpan"))


class EmployeeImportForm(FlaskForm):
    """An employee CSV file to import, or only to check."""

    file = FileField(_l("Berkas CSV pegawai"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Periksa saja, jangan simpan"), default=True)


def problem_text(problem: Problem) -> str:
    """A service's problem in the reader's language, with its CSV line when it has one."""
    text = gettext(problem.message, **problem.params)
    return gettext("baris %(n)s: %(text)s", n=problem.line, text=text) if problem.line else text


def attach_errors(form: FlaskForm, problems: list[Problem]) -> list[str]:
    """Put a service's problems next to their fields; returns those that belong to none."""
    loose = []
    for problem in problems:
        if problem.field and problem.field in form:
            field = form[problem.field]
            field.errors = [*field.errors, problem_text(problem)]
        else:
            loose.append(problem_text(problem))
    return loose
