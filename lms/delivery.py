"""How answers travel on a weak line: compressed, and static files cached for a year.

Static URLs carry a fingerprint of the file (``/static/style.css?v=3fa0c2d41b9e``): a browser
keeps that URL for a year without asking again (``immutable``), and a changed file gets a new
URL, so nobody sees a stale style sheet. A request without the current fingerprint is answered
as before, to be revalidated. Everything else is ``no-store`` (``lms/__init__.py``).
"""

from __future__ import annotations

import hashlib
import os
import time
from urllib.parse import quote

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress
from itsdangerous import BadSignature
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
    """The fingerprinted URL of a static file, as ``url_for("static", filename=…)`` makes it,
    without the routing machinery (a lesson page asks for its script on every view)."""
    url = f"{request.script_root}{current_app.static_url_path}/{quote(filename)}"
    digest = fingerprint(filename)
    return f"{url}?v={digest}" if digest else url


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


# Session cookies whose signature was checked, per process, with what they hold.
VERIFIED_COOKIES = 4096
_SIMPLE = (str, int, float, bool, type(None))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, which a static file never reads nor changes: its answer
    sets no cookie and does not vary on Cookie, so a browser keeps one copy for every user.

    A browser sends the same cookie with every page until the session changes, so a cookie
    is verified and decoded once and then read from memory (checking the signature and
    decoding the tagged JSON again cost more than the rest of the session's work). Only a
    session of plain values is kept (a pending flash message's list is mutable and is
    decoded afresh); its age is still checked on every request."""

    def __init__(self) -> None:
        self._verified: dict[tuple[bytes | str, str], tuple[tuple, float]] = {}

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, value)
        found = self._verified.get(key)
        if found is None:
            try:
                data, signed_at = self.get_signing_serializer(app).loads(
                    value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:  # also an expired one
                return self.session_class()
            if not all(isinstance(v, _SIMPLE) for v in data.values()):
                return self.session_class(data)
            if len(self._verified) >= VERIFIED_COOKIES:
                del self._verified[next(iter(self._verified))]  # the oldest
            found = self._verified[key] = (tuple(data.items()), signed_at.timestamp())
        items, signed_at = found
        if time.time() - signed_at > max_age:
            return self.session_class()
        return self.session_class(items)

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
