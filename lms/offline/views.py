"""The web app manifest, the service worker, the offline fallback page, what to store for a
course, and the sync of queued actions (session and CSRF token; the API has its own route)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.content.assets import asset_type
from lms.courses.cache import version_cache
from lms.courses.importer import asset_url
from lms.courses.models import CourseAsset
from lms.courses.services import ordered_items
from lms.errors import api_error
from lms.extensions import db
from lms.learning.reads import get_learner_course
from lms.offline import bp
from lms.offline.messages import received_json
from lms.offline.services import (BadBatch, current_versions, parse_batch, receive,
                                  received_before)

# Files of static/ every stored course needs besides its pages (the stylesheet, the script
# that shows the offline banner and queues "Tandai selesai", the icon).
SHELL_FILES = ("style.css", "offline.js", "icon.svg")
# What a stored page costs beyond its lesson text (the page around it), for the estimate.
PAGE_OVERHEAD_BYTES = 4500


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that it may serve every page offline."""
    body = (Path(current_app.static_folder) / "sw.js").read_bytes()
    return Response(body, content_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "no-cache"})  # a new worker is picked up at once


@bp.get("/manifest.webmanifest")
def web_manifest():
    """The web app manifest: name, icon and start page for "Add to home screen"."""
    response = jsonify({
        "name": "Kelas ASN", "short_name": "Kelas ASN", "lang": "id",
        "description": _("Belajar untuk ASN, juga saat sinyal hilang."),
        "start_url": url_for("learning.dashboard"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b5394",
        "icons": [{"src": url_for("static", filename="icon.svg"), "sizes": "any",
                   "type": "image/svg+xml"}],
    })
    response.headers["Content-Type"] = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def fallback():
    """What the service worker shows for a page that was not stored (no personal data: the
    same page for everyone, stored once)."""
    return render_template("offline/fallback.html")


@bp.get("/kursus/<slug>/offline.json")
def course_files(slug: str):
    """The addresses to store for reading a course offline, with the size they will take
    (an estimate) and the quizzes that need a connection. Only for an enrolled learner."""
    if not current_user.is_authenticated:
        return api_error(401, _("Masuk dulu untuk menyimpan kursus."), "signed_out")
    found = get_learner_course(db.session, current_user, slug) or abort(404)
    version, enrollment = found
    if enrollment is None:
        return api_error(403, _("Ikuti kursus ini dulu, lalu simpan untuk dibaca offline."),
                         "not_enrolled")
    pages, timed, estimate = [url_for("courses.course", slug=slug)], [], PAGE_OVERHEAD_BYTES
    quizzes = {}
    for item in ordered_items(version):
        address = url_for("learning.item", slug=slug, key=item.key)
        if item.kind == "lesson":
            pages.append(address)
            estimate += len(item.body_html.encode()) + PAGE_OVERHEAD_BYTES
        elif version_cache().quiz(version, item.key).time_limit_minutes:
            timed.append(address)  # opening it starts the clock: never fetched in advance
        else:
            quizzes[address] = url_for("quizzes.take", slug=slug, key=item.key)
            estimate += 2 * (len(item.body_md.encode()) + PAGE_OVERHEAD_BYTES)
    images = []
    for path, size in db.session.execute(
            select(CourseAsset.path, func.length(CourseAsset.data))
            .where(CourseAsset.version_id == version.id).order_by(CourseAsset.path)):
        kind = asset_type(path)
        if kind and kind.inline and kind.content_type.startswith("image/"):
            images.append(asset_url(slug, version.number, path))
            estimate += size or 0
    static = Path(current_app.static_folder)
    shell = [url_for("static", filename=name) for name in SHELL_FILES]
    estimate += sum((static / name).stat().st_size for name in SHELL_FILES)
    return jsonify({
        "course": slug, "title": version.title, "version": version.number,
        "pages": pages, "quizzes": quizzes, "images": images, "shell": shell,
        "timed": timed, "estimate_bytes": estimate,
    })


@bp.get("/offline/token")
def token():
    """The session's CSRF token for the sync (the one in a stored page may belong to an
    earlier session)."""
    if not current_user.is_authenticated:
        return api_error(401, _("Sesi Anda sudah berakhir. Masuk lagi untuk mengirim."),
                         "signed_out")
    return jsonify({"csrf_token": generate_csrf()})


@bp.post("/offline/sinkron")
def sync():
    """Receive the actions a device queued offline (see ``lms.offline.services``): each is
    applied once and answered with its outcome; ``current`` tells the device which stored
    courses have a newer version."""
    if not current_user.is_authenticated:
        return api_error(401, _("Sesi Anda sudah berakhir. Masuk lagi untuk mengirim."),
                         "signed_out")
    return sync_response(current_user)


def sync_response(user):
    """Apply a sync request body for ``user`` and answer it (shared with the API route)."""
    try:
        actions, saved = parse_batch(request.get_json(silent=True))
    except BadBatch as exc:
        return api_error(400, str(exc), "invalid_batch")
    results = []
    db.session.commit()  # each action in a transaction of its own (see ``receive``)
    for action in actions:  # a conflict in one never undoes another
        try:
            received = receive(db.session, user, action,
                               secret_key=current_app.config["SECRET_KEY"])
            db.session.commit()
        except IntegrityError:  # the same key sent at the same moment: the first decided
            db.session.rollback()
            received = received_before(db.session, user, action.key)
            if received is None:
                raise
        results.append(received_json(received))
    return jsonify({"results": results, "current": current_versions(db.session, list(saved))})
