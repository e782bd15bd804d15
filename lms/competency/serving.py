"""The response for an uploaded evidence file (a certificate scan, an application task's
attachment): shown inline, yet inert on our origin."""

from __future__ import annotations

from flask import Response, send_file

from lms.competency.uploads import CertificateStore


def stored_file_response(store: CertificateStore, name: str, mime_type: str,
                         download_name: str, *, download: bool = False) -> Response | None:
    """The stored file ``name`` as ``mime_type`` (its sniffed type), opened in the browser or,
    with ``download``, saved as ``download_name`` plus its extension; None when there is no
    such file."""
    try:
        path = store.path(name)
    except ValueError:
        return None
    if not path.is_file():
        return None
    response = send_file(path, mimetype=mime_type, as_attachment=download,
                         download_name=f"{download_name}{path.suffix}", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Even if a file were not what it claims, it runs nothing and reaches nothing: a sandboxed
    # document has an origin of its own, without our cookies. A PDF's viewer needs scripts
    # inside that sandbox (Safari shows a blank page without them); an image needs none.
    pdf = mime_type == "application/pdf"
    response.headers["Content-Security-Policy"] = (
        "sandbox allow-scripts; frame-ancestors 'none'" if pdf
        else "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox")
    response.headers["Cache-Control"] = "private, no-store"
    return response
