"""Certificate downloads (the learner, managers in scope, admins), the public verification
page and key set, and the admins' list, bulk download and revocation."""

from __future__ import annotations

import re

from flask import (Response, abort, current_app, flash, jsonify, redirect, render_template,
                   request, send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.models import User
from lms.auth.policy import can_see_employee, require_role
from lms.certificates import bp, keys
from lms.certificates.bulk import write_zip
from lms.certificates.forms import PeriodForm, RevokeForm
from lms.certificates.limits import Limit, LimitExceeded, hit
from lms.certificates.models import Certificate
from lms.certificates.services import (Issuer, NotIssuable, get_by_code, get_for_course, issue,
                                       list_for_period, pdf_bytes, verify)
from lms.certificates.services import revoke as revoke_certificate
from lms.courses.models import Course
from lms.courses.services import course_titles
from lms.extensions import db
from lms.inputs import MAX_ID

_LIST_LIMIT = 500
_SAFE = re.compile(r"[^A-Za-z0-9-]+")


def issuer() -> Issuer:
    """The certificate settings of this app."""
    return Issuer.from_config(current_app.config, current_app.instance_path)


def _visible(code: str) -> Certificate:
    """A certificate the signed-in user may download: their own, an employee's in a
    manager's scope, anyone's for admins; to everyone else it does not exist."""
    certificate = get_by_code(db.session, code) or abort(404)
    holder = db.session.get(User, certificate.user_id)
    if holder is None or not can_see_employee(db.session, current_user, holder):
        abort(404)
    return certificate


def _pdf_response(certificate: Certificate) -> Response:
    certificate = issue(db.session, certificate, issuer())
    db.session.commit()
    try:
        content = pdf_bytes(certificate, issuer().store)
    except (FileNotFoundError, NotIssuable):
        abort(404)
    response = Response(content, mimetype="application/pdf")
    name = _SAFE.sub("-", f"sertifikat-{certificate.number}").strip("-")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/kursus/<slug>/sertifikat")
@login_required
def course_pdf(slug: str):
    """The signed-in learner's certificate of a course they completed."""
    course = db.session.scalar(db.select(Course).where(Course.slug == slug)) or abort(404)
    certificate = get_for_course(db.session, current_user, course.id) or abort(404)
    return _pdf_response(certificate)


@bp.get("/sertifikat/<code>/pdf")
@login_required
def pdf(code: str):
    """A certificate's PDF, to its holder, managers whose scope includes them and admins."""
    return _pdf_response(_visible(code))


@bp.get("/sertifikat/<code>/kredensial")
@login_required
def credential(code: str):
    """The certificate as an Open Badges 3.0 credential (a compact VC-JWT file)."""
    certificate = issue(db.session, _visible(code), issuer())
    db.session.commit()
    response = Response(certificate.credential, mimetype="application/vc+jwt")
    name = _SAFE.sub("-", f"open-badge-{certificate.number}").strip("-")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.jwt"'
    return response


@bp.get("/verifikasi/<code>")
def verification(code: str):
    """Public: is this certificate valid, revoked or unknown? No sign-in; limited per client
    address; an unknown code reveals nothing but that."""
    wants_json = (request.accept_mimetypes.best_match(["text/html", "application/json"])
                  == "application/json")
    limit = Limit(current_app.config["VERIFY_RATE_LIMIT"],
                  current_app.config["VERIFY_RATE_WINDOW_SECONDS"])
    try:
        hit(db.session, f"verify:{request.remote_addr}", limit)
    except LimitExceeded as exc:
        db.session.commit()
        body = ({"error": {"code": "rate_limited", "message": "too many verifications"}}
                if wants_json else render_template("certificates/limited.html",
                                                   wait=exc.retry_after))
        response = jsonify(body) if wants_json else Response(body)
        response.status_code = 429
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    result = verify(db.session, code, issuer())
    db.session.commit()
    status = 404 if result.status == "unknown" else 200
    if wants_json:
        return jsonify(result.as_json()), status
    return render_template("certificates/verify.html", result=result), status


@bp.get("/.well-known/jwks.json")
def jwks():
    """The public keys that sign certificates and credentials (current and retired)."""
    keys.current_signer(db.session, issuer().key_folder)  # created on first use
    db.session.commit()
    response = jsonify(keys.jwks(db.session))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _period() -> tuple[PeriodForm, list]:
    form = PeriodForm(request.args)
    courses = list(db.session.execute(db.select(Course.id, Course.slug).order_by(Course.slug)))
    titles = course_titles(db.session, {cid for cid, _slug in courses})
    form.kursus.choices = [(0, _("Semua kursus"))] + [
        (cid, titles.get(cid, slug)) for cid, slug in courses]
    if request.args:
        form.validate()
    return form, courses


def _selected(form: PeriodForm, limit: int | None) -> list[Certificate]:
    course_id = form.kursus.data if isinstance(form.kursus.data, int) \
        and 0 < form.kursus.data <= MAX_ID else None
    start = form.dari.data if not form.dari.errors else None
    end = form.sampai.data if not form.sampai.errors else None
    return list_for_period(db.session, course_id, start, end, limit=limit)


@bp.get("/admin/sertifikat")
@require_role("admin")
def admin_list():
    """Certificates by course and completion period, with the bulk download and revocation."""
    form, _courses = _period()
    certificates = _selected(form, _LIST_LIMIT + 1)
    return render_template("certificates/admin_list.html", form=form,
                           certificates=certificates[:_LIST_LIMIT],
                           more=len(certificates) > _LIST_LIMIT, query=request.args)


@bp.get("/admin/sertifikat/unduh")
@require_role("admin")
def admin_zip():
    """Every certificate PDF of the chosen course and period in one zip file."""
    form, _courses = _period()
    certificates = _selected(form, None)
    if not certificates:
        flash(_("Tidak ada sertifikat pada kursus dan periode itu."), "error")
        return redirect(url_for("certificates.admin_list", **request.args))
    archive = write_zip(db.session, certificates, issuer())
    db.session.commit()
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name="sertifikat.zip", max_age=0)


@bp.route("/admin/sertifikat/<code>/cabut", methods=["GET", "POST"])
@require_role("admin")
def revoke(code: str):
    """Revoke a certificate with a reason (audited); the verification page then says so."""
    certificate = get_by_code(db.session, code) or abort(404)
    form = RevokeForm()
    if certificate.revoked_at is None and form.validate_on_submit():
        revoke_certificate(db.session, certificate, current_user, form.reason.data,
                           remote=request.remote_addr)
        db.session.commit()
        flash(_("Sertifikat %(n)s dicabut.", n=certificate.number), "success")
        return redirect(url_for("certificates.admin_list"))
    return render_template("certificates/revoke.html", certificate=certificate, form=form)
