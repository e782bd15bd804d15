"""The admin's SIASN page: the jenisDiklatId of each ledger source (seen and changed, audited),
the state of the year's records, and the download of the records not yet sent."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from lms.admin.forms import problem_text
from lms.audit.services import record_audit
from lms.auth.policy import require_role
from lms.competency.external import kind_family
from lms.extensions import db
from lms.org.models import Unit
from lms.siasn.mapping import (COURSE, KNOWN_CODES, SOURCE_LABELS, SOURCES, MappingInvalid,
                               code_name, get_mapping, set_mapping)
from lms.siasn.records import candidates, export_csv, export_json, status_counts, troubled
from lms.timeutil import local_date, utcnow

bp = Blueprint("siasn", __name__, url_prefix="/admin/siasn")


class MappingForm(FlaskForm):
    """CSRF for the mapping; the codes are read per source from the request."""


def _year() -> int:
    this_year = local_date(utcnow()).year
    year = request.args.get("tahun", this_year, type=int)
    return year if 2000 <= year <= this_year + 1 else this_year


def _page(form: MappingForm, typed: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, status: int = 200):
    year = _year()
    mapping = get_mapping(db.session)
    rows = [{"source": s, "label": SOURCE_LABELS.get(s, s),
             "family": "" if s == COURSE else kind_family(s),
             "value": (typed or {}).get(s, "" if mapping[s] is None else str(mapping[s])),
             "name": code_name(mapping[s]), "error": (errors or {}).get(s)}
            for s in SOURCES]
    waiting = candidates(db.session, _config(), year=year)
    return render_template(
        "siasn/admin.html", form=form, rows=rows, known=sorted(KNOWN_CODES.items()),
        year=year, counts=status_counts(db.session, year), troubled=troubled(db.session, year),
        waiting=len(waiting), blocked=sum(1 for c in waiting if not c.ready),
        units=db.session.scalars(select(Unit).order_by(Unit.code)).all()), status


def _config():
    from flask import current_app

    return current_app.config


@bp.get("/")
@require_role("admin")
def index():
    """Mapping, state and export of the SIASN training history."""
    return _page(MappingForm())


@bp.post("/pemetaan")
@require_role("admin")
def save_mapping():
    """Store the jenisDiklatId of each source (blank: not sent until mapped)."""
    form = MappingForm()
    if not form.validate_on_submit():
        abort(400)
    typed = {s: request.form.get(f"code-{s}", "")[:8] for s in SOURCES}
    try:
        changed = set_mapping(db.session, typed, current_user, remote=request.remote_addr)
    except MappingInvalid as exc:
        db.session.rollback()
        errors = {p.field: problem_text(p) for p in exc.problems}
        return _page(form, typed, errors, 422)
    db.session.commit()
    flash(_("Pemetaan disimpan (%(n)s diubah).", n=len(changed)) if changed
          else _("Tidak ada yang berubah."))
    return redirect(url_for("siasn.index"))


@bp.get("/ekspor")
@require_role("admin")
def export():
    """Download the records of a year (and unit) not yet in SIASN, as JSON or CSV."""
    year = _year()
    unit = None
    code = request.args.get("unit", "").strip()[:32]
    if code:
        unit = db.session.scalar(select(Unit).where(Unit.code == code)) or abort(404)
    fmt = "csv" if request.args.get("format") == "csv" else "json"
    rows = candidates(db.session, _config(), year=year, unit=unit)
    stem = f"siasn-kursus-{year}" + (f"-{unit.code}" if unit else "")
    record_audit(db.session, "export.personal_data", actor=current_user, target_type="siasn",
                 target_id=stem, details={"records": len(rows), "format": fmt, "via": "web"},
                 remote=request.remote_addr)
    db.session.commit()
    body = export_csv(rows) if fmt == "csv" else export_json(rows, year=year, unit=unit)
    mime = "text/csv" if fmt == "csv" else "application/json"
    return Response(body, mimetype=f"{mime}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
