"""Draft editor routes: outline, file editor with preview, modules, items, order, images,
GIFT import and publishing."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.policy import require_role
from lms.authoring import bp
from lms.authoring.access import editable_draft
from lms.authoring.drafts import (
    DraftError,
    EditConflict,
    add_asset,
    add_gift_quiz,
    add_item,
    add_module,
    check_draft,
    get_draft_asset,
    move,
    outline,
    preview_package,
    publish_draft,
    save_file,
)
from lms.authoring.editing import FIELDS, compose_file, errors_by_field, file_kind, split_file
from lms.authoring.forms import (
    ActionForm,
    AssetForm,
    FileForm,
    GiftForm,
    ItemForm,
    ModuleForm,
    MoveForm,
)
from lms.content import PackageInvalid
from lms.extensions import db

TRAINERS = ("trainer", "admin")
_DRAFT_ERRORS = {
    "slug": lambda: _("Slug hanya boleh huruf kecil, angka dan tanda -."),
    "missing": lambda: _("Berkas atau modul itu tidak ada di draf."),
    "type": lambda: _("Hanya gambar PNG, JPG, GIF atau WebP yang dapat diunggah."),
    "size": lambda: _("Gambar lebih dari 2 MB."),
}


def _flash_draft_error(exc: DraftError) -> None:
    db.session.rollback()
    flash(_DRAFT_ERRORS.get(str(exc), lambda: str(exc))(), "error")


@bp.get("/draf/<slug>")
@require_role(*TRAINERS)
def draft(slug: str):
    """The draft's outline, its validation errors and the publish button."""
    found = editable_draft(slug)
    return render_template(
        "authoring/draft.html", draft=found, modules=outline(found),
        errors=[str(e) for e in check_draft(db.session, found)],
        action_form=ActionForm(), module_form=ModuleForm(), item_form=ItemForm(),
        move_form=MoveForm(), asset_form=AssetForm(),
    )


@bp.route("/draf/<slug>/berkas/<path:path>", methods=["GET", "POST"])
@require_role(*TRAINERS)
def edit_file(slug: str, path: str):
    """Edit one file: front matter fields and Markdown body; Preview renders it exactly as
    learners will see it; Save refuses to overwrite a newer revision."""
    found = editable_draft(slug)
    if path not in found.files:
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
        form.extra.data or "", form.body.data or "")
    if request.form.get("action") == "preview":
        return _editor(found, path, form, text, preview=True)
    try:
        save_file(db.session, found, current_user, path, text, int(form.revision.data))
    except EditConflict as exc:
        db.session.rollback()
        message = _("Konflik: berkas ini sudah disimpan oleh %(name)s setelah Anda membukanya. "
                    "Perubahan Anda belum disimpan; salin teks Anda, muat ulang, lalu gabungkan.",
                    name=exc.updated_by or _("pengguna lain"))
        return _editor(found, path, form, text, conflict=message), 409
    except ValueError:
        abort(400)
    db.session.commit()
    flash(_("Tersimpan."), "success")
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))


def _fill_form(form: FileForm, parts, revision: int) -> None:
    form.revision.data = str(revision)
    form.raw.data = "1" if parts.raw else ""
    for key, value in parts.values.items():
        getattr(form, f"f_{key}").data = value
    form.extra.data = parts.extra
    form.body.data = parts.body


def _editor(found, path: str, form: FileForm, text: str, preview: bool = False,
            conflict: str | None = None):
    """The editor page (or only its preview pane, for the live preview script)."""
    errors = check_draft(db.session, found, {path: text})
    rendered = None
    if preview or not errors:
        try:
            package = preview_package(db.session, found, url_for(
                "authoring.draft_asset", slug=found.slug, path=""), {path: text})
            rendered = _rendered(package, path)
        except PackageInvalid:
            rendered = None
    context = dict(
        draft=found, path=path, kind=file_kind(path), form=form, fields=FIELDS[file_kind(path)],
        field_errors=errors_by_field(path, text, errors), rendered=rendered, conflict=conflict,
        other_errors=[str(e) for e in errors if e.file != path], preview=preview,
    )
    if request.headers.get("X-Preview") == "1":
        return render_template("authoring/_preview.html", fragment=True, **context)
    return render_template("authoring/edit_file.html", **context)


def _rendered(package, path: str) -> dict:
    """What learners would see for ``path``: its HTML and, for a quiz, its questions."""
    if path == "course.md":
        return {"title": package.title, "html": package.description_html}
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
    resp = make_response(asset.data)
    resp.headers["Content-Type"] = asset.content_type
    resp.headers["Content-Security-Policy"] = "default-src 'none'"
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@bp.post("/draf/<slug>/modul")
@require_role(*TRAINERS)
def new_module(slug: str):
    """Add a module at the end of the draft."""
    found = editable_draft(slug)
    form = ModuleForm()
    if not form.validate_on_submit():
        flash(_("Isi slug dan judul modul."), "error")
        return redirect(url_for("authoring.draft", slug=slug))
    try:
        folder = add_module(db.session, found, current_user, form.slug.data.strip(),
                            form.title.data.strip())
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    return redirect(url_for("authoring.edit_file", slug=slug, path=f"{folder}/module.md"))


@bp.post("/draf/<slug>/butir")
@require_role(*TRAINERS)
def new_item(slug: str):
    """Add a lesson or a quiz at the end of a module."""
    found = editable_draft(slug)
    form = ItemForm()
    if not form.validate_on_submit():
        flash(_("Isi slug dan judul materi atau kuis."), "error")
        return redirect(url_for("authoring.draft", slug=slug))
    try:
        path = add_item(db.session, found, current_user, form.folder.data, form.kind.data,
                        form.slug.data.strip(), form.title.data.strip())
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))


@bp.post("/draf/<slug>/pindah")
@require_role(*TRAINERS)
def move_entry(slug: str):
    """Move a module or an item one place up or down (works without JavaScript)."""
    found = editable_draft(slug)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        move(db.session, found, current_user, form.target.data, form.step.data)
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    return redirect(url_for("authoring.draft", slug=slug))


@bp.post("/draf/<slug>/gambar")
@require_role(*TRAINERS)
def upload_image(slug: str):
    """Upload an image into the draft's assets/ folder."""
    found = editable_draft(slug)
    form = AssetForm()
    if not form.validate_on_submit():
        flash(_("Pilih berkas gambar."), "error")
        return redirect(url_for("authoring.draft", slug=slug))
    storage = form.image.data
    try:
        path = add_asset(db.session, found, current_user, storage.filename or "",
                         storage.read(2 * 1024 * 1024 + 1))
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    flash(_("Gambar tersimpan. Tautkan dari materi dengan ![keterangan](../%(path)s).",
            path=path), "success")
    return redirect(url_for("authoring.draft", slug=slug))


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


@bp.route("/draf/<slug>/gift", methods=["GET", "POST"])
@require_role(*TRAINERS)
def gift_import(slug: str):
    """Paste or upload Moodle GIFT questions to add them as a new quiz; every GIFT feature
    that cannot be converted is listed with its line."""
    found = editable_draft(slug)
    form = GiftForm()
    form.folder.choices = [m.folder for m in outline(found)]
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("authoring/gift.html", draft=found, form=form, problems=[])
    text = form.text.data or ""
    if form.upload.data:
        text = form.upload.data.read(1024 * 1024).decode("utf-8", errors="replace")
    try:
        path, problems = add_gift_quiz(db.session, found, current_user, form.folder.data,
                                       form.slug.data.strip(), form.title.data.strip(), text)
    except DraftError as exc:
        _flash_draft_error(exc)
        return render_template("authoring/gift.html", draft=found, form=form, problems=[])
    if path is None:
        db.session.rollback()
        return render_template("authoring/gift.html", draft=found, form=form,
                               problems=[str(p) for p in problems]), 422
    db.session.commit()
    if problems:
        return render_template("authoring/gift.html", draft=found, form=form, created=path,
                               problems=[str(p) for p in problems])
    flash(_("Kuis dibuat dari GIFT."), "success")
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))
