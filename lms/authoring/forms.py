"""Forms of the trainer's pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


def _yes_no() -> list[C]:
    return [C("", _l("(bawaan)")), C("true", _l("ya")), C("false", _l("tidak"))]


_YES_NO = _yes_no()


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (publish, restore, open a draft)."""


class NewCourseForm(FlaskForm):
    """A new course: its slug (folder name) and title."""

    slug = StringField(_l("Slug (huruf kecil, angka, tanda -; kosongkan agar dibuat dari judul)"),
                       validators=[Optional(), Length(max=100)])
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])


class UploadForm(FlaskForm):
    """A course package as a .zip file."""

    package = FileField(_l("Paket kursus (.zip)"), validators=[FileRequired()])


class OwnerForm(FlaskForm):
    """Add a trainer to a course by NIP."""

    nip = StringField(_l("NIP pengajar"), validators=[DataRequired(), Length(max=40)])


class ModuleForm(FlaskForm):
    """A new module."""

    slug = StringField(_l("Slug modul (boleh kosong: dibuat dari judul)"),
                       validators=[Optional(), Length(max=80)])
    title = StringField(_l("Judul modul"), validators=[DataRequired(), Length(max=200)])


class ItemForm(FlaskForm):
    """A new lesson or quiz at the end of a module."""

    folder = HiddenField(validators=[DataRequired()])
    kind = SelectField(_l("Jenis"), choices=[C("lesson", _l("Materi")), C("quiz", _l("Kuis"))])
    slug = StringField(_l("Slug (boleh kosong: dibuat dari judul)"),
                       validators=[Optional(), Length(max=80)])
    title = StringField(_l("Judul"), validators=[DataRequired(), Length(max=200)])


class MoveForm(FlaskForm):
    """Move a module or item one place up or down."""

    target = HiddenField(validators=[DataRequired()])
    step = IntegerField(validators=[InputRequired(), NumberRange(-1, 1)])


class DeleteForm(FlaskForm):
    """Remove a lesson, a quiz or a module (with its items) from a draft."""

    target = HiddenField(validators=[DataRequired()])


class AssetForm(FlaskForm):
    """An image for the package's assets/ folder."""

    image = FileField(_l("Gambar (PNG, JPG, GIF, WebP; maks. 2 MB)"),
                      validators=[FileRequired()])


class FileForm(FlaskForm):
    """One package file: front matter fields, other YAML and the Markdown body."""

    revision = HiddenField(validators=[DataRequired()])
    raw = HiddenField()
    f_title = StringField(_l("Judul"), validators=[Optional(), Length(max=200)])
    f_summary = StringField(_l("Ringkasan"), validators=[Optional(), Length(max=500)])
    f_jp = StringField(_l("JP"), validators=[Optional(), Length(max=10)])
    f_language = SelectField(_l("Bahasa"), choices=[C("", _l("(bawaan: id)")), C("id"), C("en")],
                             validators=[Optional()])
    f_kind = StringField(_l("Jenis pelatihan"), validators=[Optional(), Length(max=40)])
    f_provider = StringField(_l("Penyelenggara"), validators=[Optional(), Length(max=200)])
    f_due_days = StringField(_l("Tenggat laporan (hari setelah kursus selesai; boleh kosong)"),
                             validators=[Optional(), Length(max=10)])
    f_evaluation_after_days = StringField(
        _l("Evaluasi pasca pelatihan: hari setelah selesai (bawaan 60, 0 = tanpa)"),
        validators=[Optional(), Length(max=10)])
    f_minutes = StringField(_l("Menit baca"), validators=[Optional(), Length(max=10)])
    f_id = StringField(_l("Id tetap"), validators=[Optional(), Length(max=100)])
    f_passing_score = StringField(_l("Nilai lulus (%)"), validators=[Optional(), Length(max=10)])
    f_max_attempts = StringField(_l("Batas percobaan (0 = tanpa batas)"),
                                 validators=[Optional(), Length(max=10)])
    f_time_limit_minutes = StringField(_l("Batas waktu (menit, 0 = tanpa)"),
                                       validators=[Optional(), Length(max=10)])
    f_shuffle = SelectField(_l("Acak soal"), validators=[Optional()],
                            choices=_YES_NO)
    f_required = SelectField(_l("Wajib lulus"), validators=[Optional()],
                             choices=_YES_NO)
    f_scoring = SelectField(_l("Cara penilaian"), validators=[Optional()], choices=[
        C("", _l("(bawaan: all-or-nothing)")), C("all-or-nothing"), C("partial")])
    f_retake_after_pass = SelectField(_l("Boleh mengulang setelah lulus"),
                                      validators=[Optional()], choices=_YES_NO)
    f_show_answers = SelectField(_l("Tampilkan jawaban benar"), validators=[Optional()], choices=[
        C("", _l("(bawaan: after-passing)")), C("always"), C("after-passing"),
        C("after-last-attempt")])
    extra = TextAreaField(_l("Isian lain (YAML)"), validators=[Optional(), Length(max=10_000)])
    body = TextAreaField(_l("Isi (Markdown)"), validators=[Optional(), Length(max=200_000)])


class GiftForm(FlaskForm):
    """GIFT questions (pasted or uploaded) to turn into a quiz of a draft module."""

    folder = SelectField(_l("Modul"), validators=[DataRequired()])
    slug = StringField(_l("Slug kuis (boleh kosong: dibuat dari judul)"),
                       validators=[Optional(), Length(max=80)])
    title = StringField(_l("Judul kuis"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("Teks GIFT"), validators=[Optional(), Length(max=200_000)])
    upload = FileField(_l("atau berkas .gift/.txt"))
