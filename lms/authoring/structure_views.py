"""Draft structure routes: modules, lessons and quizzes added, moved and deleted; images;
quizzes imported from Moodle GIFT."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.policy import require_role
from lms.authoring import bp
from lms.authoring.access import editable_draft
from lms.authoring.drafts import DraftError
from lms.authoring.forms import (ActionForm, AssetForm, DeleteForm, GiftForm, ItemForm,
                                 ModuleForm, MoveForm)
from lms.authoring.structure import (
    MAX_ASSET_BYTES,
    add_asset,
    add_gift_quiz,
    add_item,
    add_module,
    add_task,
    delete_entry,
    move,
    outline,
)
from lms.content import ContentError
from lms.content.gift import GiftEncodingError, decode_gift
from lms.extensions import db

TRAINERS = ("trainer", "admin")
MAX_GIFT_BYTES = 1024 * 1024
_DRAFT_ERRORS = {
    "slug": lambda: _("Slug hanya boleh huruf kecil, angka dan tanda -."),
    "taken": lambda: _("Slug itu sudah dipakai di kursus ini; pilih slug lain."),
    "missing": lambda: _("Berkas atau modul itu tidak ada di draf."),
    "type": lambda: _("Hanya gambar PNG, JPG, GIF atau WebP yang dapat diunggah."),
    "size": lambda: _("Gambar lebih dari 2 MB."),
}
def _flash_draft_error(exc: DraftError) -> None:
    db.session.rollback()
    flash(_DRAFT_ERRORS.get(str(exc), lambda: str(exc))(), "error")


def _gift_problem(problem: ContentError) -> str:
    """A converter report in the trainer's language, with its GIFT line."""
    return _("Baris %(line)s: %(message)s", line=problem.line,
             message=problem.translated(_))


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
        folder = add_module(db.session, found, current_user, (form.slug.data or "").strip(),
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
                        (form.slug.data or "").strip(), form.title.data.strip())
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))


@bp.post("/draf/<slug>/tugas")
@require_role(*TRAINERS)
def new_task(slug: str):
    """Give the draft its application task (tugas.md) and open it in the editor."""
    found = editable_draft(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    path = add_task(db.session, found, current_user)
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


@bp.post("/draf/<slug>/hapus")
@require_role(*TRAINERS)
def delete(slug: str):
    """Remove a lesson, a quiz or a whole module from the draft."""
    found = editable_draft(slug)
    form = DeleteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        delete_entry(db.session, found, current_user, form.target.data)
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    flash(_("Dihapus dari draf: %(target)s. Terbitkan draf agar perubahan berlaku.",
            target=form.target.data), "success")
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
                         storage.read(MAX_ASSET_BYTES + 1))
    except DraftError as exc:
        _flash_draft_error(exc)
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    flash(_("Gambar tersimpan. Tautkan dari materi dengan ![keterangan](../%(path)s).",
            path=path), "success")
    return redirect(url_for("authoring.draft", slug=slug))




@bp.route("/draf/<slug>/gift", methods=["GET", "POST"])
@require_role(*TRAINERS)
def gift_import(slug: str):
    """Paste or upload Moodle GIFT questions to add them as a new quiz; every GIFT feature
    that cannot be converted is listed with its line."""
    found = editable_draft(slug)
    form = GiftForm()
    form.folder.choices = [(m.folder, m.title) for m in outline(found)]
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return render_template("authoring/gift.html", draft=found, form=form,
                               problems=[]), status
    text = form.text.data or ""
    if form.upload.data:
        data = form.upload.data.read(MAX_GIFT_BYTES + 1)
        if len(data) > MAX_GIFT_BYTES:
            form.upload.errors = [_("Berkas GIFT lebih dari 1 MB.")]
            return render_template("authoring/gift.html", draft=found, form=form,
                                   problems=[]), 422
        try:
            text, encoding = decode_gift(data)
        except GiftEncodingError:
            form.upload.errors = [_("Berkas GIFT tidak dapat dibaca sebagai teks (UTF-8 atau "
                                    "Windows-1252). Simpan ulang sebagai teks UTF-8, lalu "
                                    "unggah lagi.")]
            return render_template("authoring/gift.html", draft=found, form=form,
                                   problems=[]), 422
        if encoding == "cp1252":
            flash(_("Berkas GIFT bukan UTF-8; dibaca sebagai Windows-1252 dan dikonversi. "
                    "Periksa huruf beraksen dan tanda kutip di kuis baru."), "info")
    if not text.strip():
        form.text.errors = [_("Tempelkan teks GIFT atau pilih berkasnya.")]
        return render_template("authoring/gift.html", draft=found, form=form, problems=[]), 422
    try:
        path, problems = add_gift_quiz(db.session, found, current_user, form.folder.data,
                                       (form.slug.data or "").strip(), form.title.data.strip(),
                                       text)
    except DraftError as exc:
        db.session.rollback()
        form.slug.errors = [_DRAFT_ERRORS.get(str(exc), lambda: str(exc))()]
        return render_template("authoring/gift.html", draft=found, form=form, problems=[]), 422
    if path is None:
        db.session.rollback()
        return render_template("authoring/gift.html", draft=found, form=form,
                               problems=[_gift_problem(p) for p in problems]), 422
    db.session.commit()
    if problems:
        return render_template("authoring/gift.html", draft=found, form=form, created=path,
                               problems=[_gift_problem(p) for p in problems])
    flash(_("Kuis dibuat dari GIFT."), "success")
    return redirect(url_for("authoring.edit_file", slug=slug, path=path))
