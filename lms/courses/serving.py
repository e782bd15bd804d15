"""The response for a package asset, with the headers that keep it inert on our origin."""

from __future__ import annotations

from flask import Response, make_response

from lms.content.assets import UNKNOWN_CONTENT_TYPE, asset_type

# ``sandbox`` gives the file an opaque origin with no scripts, forms or pop-ups even when it
# is opened directly; the rest lets an SVG draw and a video play, nothing more.
ASSET_CSP = ("sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; "
             "style-src 'unsafe-inline'")


def asset_response(path: str, data: bytes, cache_control: str) -> Response:
    """Serve ``data`` as the asset at ``path``: the Content-Type follows the allow-list (not
    what was stored, which predates it), and anything not shown inline is a download."""
    kind = asset_type(path)
    response = make_response(data)
    response.headers["Content-Type"] = kind.content_type if kind else UNKNOWN_CONTENT_TYPE
    response.headers["Content-Security-Policy"] = ASSET_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache_control
    if kind is None or not kind.inline:
        name = path.rsplit("/", 1)[-1].replace('"', "")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
