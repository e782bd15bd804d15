"""Error pages for the site and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from lms.extensions import db
from lms.faults import fault_summary, storage_fault

# How long a client should wait before writing again while the storage refuses writes.
RETRY_AFTER_SECONDS = 60

API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
             429: "too_many_requests"}


def api_error(status: int, message: str, code: str | None = None):
    """A JSON error response ``{"error": {"code", "message"}}``."""
    body = {"error": {"code": code or API_CODES.get(status, "error"), "message": message}}
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    """HTML error pages, JSON errors under /api/."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_template("errors/error.html", code=400,
                               message=_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            body, status = api_error(exc.code or 500, exc.description or exc.name)
            return _with_allow(body, exc), status
        messages = {
            400: _("Permintaan tidak valid."),
            403: _("Anda tidak punya akses ke halaman ini."),
            404: _("Halaman tidak ditemukan."),
            413: _("Berkas terlalu besar."),
        }
        message = messages.get(exc.code or 500, exc.name)
        page = app.make_response(render_template("errors/error.html", code=exc.code,
                                                 message=message))
        return _with_allow(page, exc), exc.code

    def _with_allow(response, exc: HTTPException):
        """A 405 names the methods the URL accepts (``Allow``), as HTTP requires."""
        methods = getattr(exc, "valid_methods", None)
        if methods:
            response.headers["Allow"] = ", ".join(methods)
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(OSError)
    def storage_error(exc: Exception):
        # A full disk or a read-only database is a state of the machine, not a bug: one log
        # line per refused request, a 503 that says so, and reads keep working.
        kind = storage_fault(exc)
        if kind is None:
            raise exc
        db.session.rollback()
        app.logger.warning("write refused (%s) on %s %s: %s", kind, request.method,
                           request.path, fault_summary(exc))
        if request.path.startswith("/api/"):  # API messages are English, like the others
            response, status = api_error(503, "the site is temporarily read-only: nothing was "
                                              "saved; retry later", "read_only")
        else:
            message = _("Situs sementara hanya dapat dibaca: perubahan Anda belum tersimpan. "
                        "Halaman tetap dapat dibaca; coba simpan lagi beberapa saat lagi.")
            response = app.make_response(
                render_template("errors/error.html", code=503, message=message))
            status = 503
        response.status_code = status
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
