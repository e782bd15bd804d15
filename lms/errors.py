"""Error pages for the site and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
            return api_error(exc.code or 500, exc.description or exc.name)
        messages = {
            400: _("Permintaan tidak valid."),
            403: _("Anda tidak punya akses ke halaman ini."),
            404: _("Halaman tidak ditemukan."),
            413: _("Berkas terlalu besar."),
        }
        message = messages.get(exc.code or 500, exc.name)
        return render_template("errors/error.html", code=exc.code, message=message), exc.code
