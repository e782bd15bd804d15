"""Forms of the certificate pages: revoking one, choosing a course and period to download."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason the verification page will show, and a confirmation."""

    reason = TextAreaField(_l("Alasan pencabutan"), validators=[
        DataRequired(_l("Tuliskan alasannya: halaman verifikasi menampilkannya.")),
        Length(max=500, message=_l("Alasan terlalu panjang (maksimal 500 karakter)."))])
    confirm = BooleanField(_l("Ya, saya yakin mencabut sertifikat ini."), validators=[
        DataRequired(_l("Centang untuk memastikan pencabutan."))])


class PeriodForm(FlaskForm):
    """Which certificates to list or download: a course (or all) and a completion period."""

    class Meta:
        csrf = False  # a GET filter

    kursus = SelectField(_l("Kursus"), coerce=int, default=0, validate_choice=False)
    dari = DateField(_l("Selesai sejak"), validators=[Optional()])
    sampai = DateField(_l("Selesai sampai"), validators=[Optional()])


class SigningForm(FlaskForm):
    """Sign the chosen certificates: the official's NIK and BSrE passphrase, entered once for
    the batch. The passphrase is never shown again, stored or logged."""

    nik = StringField(_l("NIK penandatangan"), validators=[
        DataRequired(_l("Isi NIK Anda (16 digit) yang terdaftar di BSrE.")),
        Length(max=32, message=_l("NIK terdiri atas 16 digit."))])
    passphrase = PasswordField(_l("Passphrase TTE"), validators=[
        DataRequired(_l("Isi passphrase TTE Anda.")),
        Length(max=200, message=_l("Passphrase terlalu panjang."))])
    save_nik = BooleanField(_l("Simpan NIK di profil saya untuk penandatanganan berikutnya"))
