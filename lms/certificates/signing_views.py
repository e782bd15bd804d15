"""The official's signing queue (the signer role): certificates waiting for a certified
electronic signature (TTE), signed in batches through BSrE with a passphrase entered once per
batch and kept nowhere."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.auth.policy import require_role
from lms.certificates import bp
from lms.certificates.bsre import (BsreClient, BsreError, BsreSettings, CredentialsRefused,
                                   NotConfigured, SignerNotRegistered, Unavailable,
                                   WrongPassphrase)
from lms.certificates.forms import SigningForm
from lms.certificates.services import Issuer, issue, pdf_bytes
from lms.certificates.signing import (NotSignable, count_awaiting_signature, get_in_queue,
                                      list_queue, normalise_nik, sign_certificate)
from lms.extensions import db

_SHOWN = 100


def _issuer() -> Issuer:
    return Issuer.from_config(current_app.config, current_app.instance_path)


def _settings() -> BsreSettings | None:
    try:
        return BsreSettings.from_config(current_app.config)
    except NotConfigured:
        return None


def _batch_size() -> int:
    return max(1, int(current_app.config.get("BSRE_BATCH_SIZE") or 20))


def _stopped_message(exc: BsreError, left: int) -> str:
    """Why the batch stopped, for the official (BSrE's own words in brackets)."""
    if isinstance(exc, WrongPassphrase):
        why = _("Passphrase TTE salah. Periksa kembali lalu coba lagi; BSrE dapat mengunci "
                "akun setelah beberapa kali salah.")
    elif isinstance(exc, SignerNotRegistered):
        why = _("NIK ini tidak terdaftar atau sertifikat elektroniknya tidak aktif di BSrE. "
                "Hubungi koordinator TTE instansi.")
    elif isinstance(exc, CredentialsRefused):
        why = _("BSrE menolak akun aplikasi (LMS_BSRE_USER/LMS_BSRE_PASSWORD). Hubungi "
                "operator.")
    elif isinstance(exc, Unavailable):
        why = _("Layanan BSrE tidak dapat dihubungi atau tidak menjawab. Coba lagi nanti.")
    else:
        why = _("BSrE menolak permintaan.")
    rest = ngettext("%(num)d sertifikat belum diproses.", "%(num)d sertifikat belum diproses.",
                    left) if left else ""
    return _("Penandatanganan dihentikan: %(why)s (BSrE: %(detail)s) %(rest)s", why=why,
             detail=exc.detail, rest=rest).strip()


def _page(form: SigningForm, status: int = 200):
    select_all = request.args.get("pilih") == "semua"
    queue = list_queue(db.session, _SHOWN)
    return render_template(
        "certificates/signing.html", form=form, queue=queue,
        awaiting=count_awaiting_signature(db.session), configured=_settings() is not None,
        batch_size=_batch_size(), select_all=select_all,
        chosen=set(request.form.getlist("kode"))), status


@bp.get("/tandatangan")
@require_role("signer")
def signing_queue():
    """Certificates waiting for the official's certified electronic signature."""
    form = SigningForm()
    if not form.nik.data and current_user.nik:
        form.nik.data = current_user.nik
        form.save_nik.data = True
    return _page(form)


@bp.post("/tandatangan")
@require_role("signer")
def sign_batch():
    """Sign the chosen certificates one after the other; each success is committed at once
    (a signed PDF is never lost to a later failure), each failure is kept on its certificate
    and can be retried; a wrong passphrase, an unknown NIK or an unreachable BSrE stops the
    batch."""
    settings = _settings()
    if settings is None:
        flash(_("Penandatanganan elektronik belum dikonfigurasi (LMS_BSRE_URL). Hubungi "
                "operator."), "error")
        return redirect(url_for("certificates.signing_queue"))
    form = SigningForm()
    codes = list(dict.fromkeys(c for c in request.form.getlist("kode") if c))
    valid = form.validate_on_submit()
    nik = None
    if valid:
        try:
            nik = normalise_nik(form.nik.data)
        except ValueError:
            form.nik.errors.append(_("NIK terdiri atas 16 digit."))
            valid = False
    if not codes:
        flash(_("Pilih minimal satu sertifikat."), "error")
        valid = False
    elif len(codes) > _batch_size():
        flash(_("Pilih paling banyak %(n)d sertifikat sekali tanda tangan.", n=_batch_size()),
              "error")
        valid = False
    if not valid:
        form.passphrase.data = None  # never sent back to the browser
        return _page(form, 422)

    kept = nik if form.save_nik.data else None  # unticked: a NIK kept before is forgotten
    if current_user.nik != kept:
        current_user.nik = kept
        db.session.commit()
    client, issuer = BsreClient(settings), _issuer()
    signed = failed = skipped = 0
    for index, code in enumerate(codes):
        certificate = get_in_queue(db.session, code)
        if certificate is None:
            skipped += 1
            continue
        try:
            sign_certificate(db.session, certificate.id, current_user, nik,
                             form.passphrase.data, client, issuer,
                             visible=settings.visible, remote=request.remote_addr)
        except NotSignable:
            db.session.rollback()
            skipped += 1
            continue
        except BsreError as exc:
            db.session.commit()  # the failure and its audit event
            if exc.stops_batch:
                flash(_stopped_message(exc, len(codes) - index - 1), "error")
                break
            failed += 1
            continue
        db.session.commit()
        signed += 1
    if signed:
        flash(ngettext("%(num)d sertifikat ditandatangani secara elektronik.",
                       "%(num)d sertifikat ditandatangani secara elektronik.", signed),
              "success")
    if failed:
        flash(ngettext("%(num)d sertifikat gagal ditandatangani: lihat alasannya di daftar dan "
                       "coba lagi.", "%(num)d sertifikat gagal ditandatangani: lihat alasannya "
                       "di daftar dan coba lagi.", failed), "error")
    if skipped:
        flash(ngettext("%(num)d sertifikat dilewati: sudah ditandatangani atau dicabut.",
                       "%(num)d sertifikat dilewati: sudah ditandatangani atau dicabut.",
                       skipped), "warn")
    return redirect(url_for("certificates.signing_queue"))


@bp.get("/tandatangan/<code>/pdf")
@require_role("signer")
def signing_preview(code: str):
    """The PDF of a certificate in the queue, for the official to read before signing."""
    certificate = get_in_queue(db.session, code) or abort(404)
    certificate = issue(db.session, certificate, _issuer())
    db.session.commit()
    response = Response(pdf_bytes(certificate, _issuer().store), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.code}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
