"""How answers travel on a weak line: compressed, and static files cached for a year.

Static URLs carry a fingerprint of the file (``/static/style.css?v=3fa0c2d41b9e``): a browser
keeps that URL for a year without asking again (``immutable``), and a changed file gets a new
URL, so nobody sees a stale style sheet. A request without the current fingerprint is answered
as before, to be revalidated. Everything else is ``no-store`` (``lms/__init__.py``).
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINT_LENGTH = 12

# (path, mtime_ns, size) -> fingerprint; a changed file has a new key, so this stays true
# while the site runs and a file is edited (development), without a restart.
_fingerprints: dict[tuple[str, int, int], str] = {}
EXTENSION = "lms_compress"


def fingerprint(filename: str) -> str | None:
    """The first hex digits of the SHA-256 of a static file, or None if there is no such file."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    digest = _fingerprints.get(key)
    if digest is None:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:FINGERPRINT_LENGTH]
        _fingerprints[key] = digest
    return digest


def static_url(filename: str) -> str:
    """The fingerprinted URL of a static file (what templates get from url_for)."""
    return url_for("static", filename=filename)


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        digest = fingerprint(values["filename"])
        if digest:
            values["v"] = digest


def _static_caching(response: Response) -> Response:
    """A static file asked for by its current fingerprint may be kept for a year."""
    if (request.endpoint == "static" and response.status_code in (200, 304)
            and request.view_args and request.args.get("v")
            and request.args["v"] == fingerprint(request.view_args["filename"])):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)
    return response


def _compressed(response: Response) -> Response:
    """Flask-Compress, except for partial content (a byte range of the uncompressed file).

    A static file (a few KB of CSS, JavaScript or SVG) is read whole first, so it is compressed
    as one piece with a Content-Length, like a page, rather than as a stream."""
    if response.status_code == 206 or request.headers.get("Range"):
        return response
    compress: Compress = current_app.extensions[EXTENSION]
    if (request.endpoint == "static" and response.status_code == 200
            and response.direct_passthrough
            and response.mimetype in compress.compress_mimetypes_set):
        response.direct_passthrough = False
        stream = response.response
        data = response.get_data()
        if hasattr(stream, "close"):
            stream.close()  # the open file
        response.set_data(data)
    return compress.after_request(response)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which a static file never reads nor changes: its answer
    sets no cookie and does not vary on Cookie, so a browser keeps one copy for every user."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_delivery(app: Flask) -> None:
    """Fingerprint static URLs, cache fingerprinted files, compress what is worth it.

    Call before any other ``after_request`` is registered: Flask runs them in reverse order,
    so compression, registered first, sees the final body and headers."""
    app.config.setdefault("COMPRESS_REGISTER", False)  # registered below, with the 206 rule
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/csv", "text/javascript",
        "application/javascript", "application/json", "application/manifest+json",
        "image/svg+xml"])
    compress = Compress()
    compress.init_app(app)
    app.extensions[EXTENSION] = compress
    app.after_request(_compressed)
    app.after_request(_static_caching)
    app.url_defaults(_add_fingerprint)
    app.session_interface = SessionInterface()
