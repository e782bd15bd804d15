"""Draft editor routes: the outline, the file editor with its preview, publishing and
discarding a draft (structure changes are in ``structure_views``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.policy import require_role
from lms.authoring import bp
from lms.authoring.access import editable_draft
from lms.authoring.drafts import (
    EditConflict,
    check_draft,
    discard_draft,
    preview_package,
    publish_draft,
    save_file,
)
from lms.authoring.editing import FIELDS, compose_file, errors_by_field, file_kind, split_file
from lms.authoring.forms import (
    ActionForm,
    AssetForm,
    DeleteForm,
    FileForm,
    ItemForm,
    ModuleForm,
    MoveForm,
)
from lms.authoring.structure import file_titles, get_draft_asset, outline
from lms.competency.external import list_competencies
from lms.content import PackageInvalid
from lms.content.lint import markdown_warnings
from lms.courses.content_text import content_problem
from lms.courses.serving import asset_response
from lms.extensions import db

TRAINERS = ("trainer", "admin")


@bp.get("/draf/<slug>")
@require_role(*TRAINERS)
def draft(slug: str):
    """The draft's outline, its validation errors and the publish button."""
    found = editable_draft(slug)
    return render_template(
        "authoring/draft.html", draft=found, modules=outline(found),
        errors=[content_problem(e) for e in check_draft(db.session, found)],
        warnings=[content_problem(w) for path in sorted(found.files)
                  for w in markdown_warnings(path, found.files[path])],
        action_form=ActionForm(), module_form=ModuleForm(), item_form=ItemForm(),
        move_form=MoveForm(), delete_form=DeleteForm(), asset_form=AssetForm(),
    )


@bp.route("/draf/<slug>/berkas/<path:path>", methods=["GET", "POST"])
@require_role(*TRAINERS)
def edit_file(slug: str, path: str):
    """Edit one file: front matter fields and Markdown body; Preview renders it exactly as
    learners will see it; Save refuses to overwrite a newer revision."""
    found = editable_draft(slug)
    if path not in found.files and request.method == "GET":
        abort(404)
    kind = file_kind(path)
    form = FileForm()
    if request.method == "GET":
        _fill_form(form, split_file(path, found.files[path]), found.revisions.get(path, 0))
        return _editor(found, path, form, found.files[path])
    if not form.validate_on_submit():
        abort(400)
    text = (form.body.data or "") if form.raw.data == "1" else compose_file(
        kind, {k: getattr(form, f"f_{k}").data or "" for k in FIELDS[kind]},
        form.extra.data or "", form.body.data or "", _posted_competencies())
    if path not in found.files:  # moved or deleted by someone else meanwhile
        message = _("Berkas ini sudah dipindah atau dihapus oleh %(name)s setelah Anda "
                    "membukanya. Perubahan Anda belum disimpan; salin teks Anda, lalu buka "
                    "berkas itu dari halaman draf.",
                    name=found.updated_by.name if found.updated_by else _("pengguna lain"))
        return render_template("authoring/edit_file.html", **_context(
            found, path, form, text, {}, conflict=message)), 409
    if request.form.get("action") == "preview":
        return _editor(found, path, form, text, preview=True)
    try:
        save_file(db.session, found, current_user, path, text, int(form.revision.data))
    except EditConflict as exc:
        db.session.rollback()
        message = _("Konflik: berkas ini sudah disimpan oleh %(name)s setelah Anda membukanya. "
                    "Perubahan Anda belum disimpan; salin teks Anda, muat ulang, lalu gabungkan.",
                    name=exc.updated_by or _("pengguna lain"))
        return _editor(found, path, form, text, conflict=message,
                       saved=found.files.get(path)), 409
    except ValueError:
        abort(400)
    db.session.commit()
    flash(_("Tersimpan."), "success")
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))


def _posted_competencies() -> list[tuple[str, int]] | None:
    """The competency rows of course.md's form (a row without a code is left out); None when
    the form had none (they stay in the YAML box)."""
    if request.form.get("competency_rows") != "1":
        return None
    codes = request.form.getlist("competency_code")
    levels = request.form.getlist("competency_level")
    pairs = []
    for code, level in zip(codes, levels, strict=False):
        if code.strip() and level in {"1", "2", "3", "4", "5"}:
            pairs.append((code.strip(), int(level)))
        elif code.strip():
            abort(400)
    return pairs


def _fill_form(form: FileForm, parts, revision: int) -> None:
    form.revision.data = str(revision)
    form.raw.data = "1" if parts.raw else ""
    for key, value in parts.values.items():
        getattr(form, f"f_{key}").data = value
    form.extra.data = parts.extra
    form.body.data = parts.body


def _context(found, path: str, form: FileForm, text: str, field_errors: dict, **extra) -> dict:
    kind = file_kind(path)
    competencies = split_file(path, text).competencies if form.raw.data != "1" else None
    return dict(draft=found, path=path, kind=kind, form=form, fields=FIELDS[kind],
                field_errors=field_errors, rendered=None, conflict=None, other_errors=[],
                preview=False, saved=None, titles=file_titles(found, path),
                warnings=[content_problem(w) for w in markdown_warnings(path, text)],
                competencies=competencies,
                framework=list_competencies(db.session) if competencies is not None else [],
                ) | extra


def _editor(found, path: str, form: FileForm, text: str, preview: bool = False,
            conflict: str | None = None, saved: str | None = None):
    """The editor page; with ``X-Preview`` only the parts the live preview script replaces."""
    errors = check_draft(db.session, found, {path: text})
    rendered = None
    if preview or not errors:
        try:
            package = preview_package(db.session, found, url_for(
                "authoring.draft_asset", slug=found.slug, path=""), {path: text})
            rendered = _rendered(package, path)
        except PackageInvalid:
            rendered = None
    context = _context(
        found, path, form, text, errors_by_field(path, text, errors, content_problem),
        rendered=rendered, conflict=conflict, preview=preview, saved=saved,
        other_errors=[content_problem(e) for e in errors if e.file != path],
    )
    if request.headers.get("X-Preview") == "1":
        return render_template("authoring/_live.html", **context)
    return render_template("authoring/edit_file.html", **context)


def _rendered(package, path: str) -> dict:
    """What learners would see for ``path``: its HTML and, for a quiz, its questions."""
    if path == "course.md":
        return {"title": package.title, "html": package.description_html}
    if package.task is not None and path == package.task.path:
        return {"title": package.task.title, "html": package.task.html}
    for module in package.modules:
        if path == f"{module.path}/module.md":
            return {"title": module.title, "html": module.intro_html}
        for item in module.items:
            if item.path == path:
                if item.kind == "lesson":
                    return {"title": item.title, "html": item.html}
                return {"title": item.title, "html": item.intro_html, "questions": item.questions}
    return {}


@bp.get("/draf/<slug>/aset/<path:path>")
@require_role(*TRAINERS)
def draft_asset(slug: str, path: str):
    """An asset of the draft, for previews."""
    asset = get_draft_asset(editable_draft(slug), path) or abort(404)
    return asset_response(asset.path, asset.data, "private, no-cache")


@bp.post("/draf/<slug>/terbitkan")
@require_role(*TRAINERS)
def publish(slug: str):
    """Validate the whole draft and publish it as the course's next version."""
    found = editable_draft(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = publish_draft(db.session, found, current_user)
    except PackageInvalid:
        db.session.rollback()
        flash(_("Draf belum dapat diterbitkan: perbaiki kesalahan di bawah."), "error")
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    flash(_("Versi %(n)s diterbitkan. Kemajuan peserta tetap tersimpan.", n=result.version),
          "success")
    return redirect(url_for("authoring.course", slug=slug))




@bp.post("/draf/<slug>/buang")
@require_role(*TRAINERS)
def discard(slug: str):
    """Throw the draft away; learners keep seeing the published version."""
    found = editable_draft(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    course_id = found.course_id
    discard_draft(db.session, found)
    db.session.commit()
    flash(_("Draf dibuang. Versi yang diterbitkan tidak berubah."), "success")
    if course_id is None:
        return redirect(url_for("authoring.index"))
    return redirect(url_for("authoring.course", slug=slug))
