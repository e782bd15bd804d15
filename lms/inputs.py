"""Bounds on what a request may carry, app-wide: ids in URLs, integers in query strings, NUL
bytes, and the size and nesting of JSON bodies. Out-of-bounds input is a 404 or a 400, never
a 500."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

# Row ids are 32-bit integers on PostgreSQL; SQLite overflows past 64 bits. No real id is
# larger, so a larger one in a URL names nothing: 404 before the database sees it.
MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 32  # the API's deepest body is {"answers": {id: [option, …]}}


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` that refuses (404) numbers past ``MAX_ID`` without parsing a huge string."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> Any:
        """The number, or a routing failure (404) when it has too many digits."""
        if len(value.lstrip("-")) > len(str(self.max if self.max is not None else MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


class BoundedJSONProvider(DefaultJSONProvider):
    """JSON that refuses, with a 400, a body over ``JSON_MAX_BYTES`` or nested deeper than
    ``MAX_JSON_DEPTH`` (the standard parser would raise RecursionError: a 500)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse ``s`` within the size and depth bounds, else raise BadRequest."""
        limit = self._app.config["JSON_MAX_BYTES"]  # its own app: works outside a request too
        if len(s) > limit:
            raise BadRequest(f"the JSON body is larger than {limit} bytes")
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise BadRequest(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels"
                             ) from None
        if _depth_exceeds(value, MAX_JSON_DEPTH):
            raise BadRequest(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
        return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when arrays and objects nest deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def query_int(name: str, default: int, *, low: int, high: int) -> int:
    """The integer query parameter ``name`` (``default`` when absent or empty); a value that
    is not a whole number from ``low`` to ``high`` is a 400."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if len(raw) > 12 or not raw.lstrip("-").isdigit() or not raw.isascii():
        raise BadRequest(f"{name} must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{name} must be from {low} to {high}")
    return value


def refuse_nul_bytes() -> None:
    """Before each request: a NUL byte in the path, query string or form is a 400 (no text
    needs one, and PostgreSQL refuses it in any text parameter with an error)."""
    parts = [request.path]
    if request.query_string:  # (parsed only when there is one)
        parts += [part for pair in request.args.items(multi=True) for part in pair]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not request.is_json:
        parts += [part for pair in request.form.items(multi=True) for part in pair]
    if any("\x00" in part for part in parts):
        raise BadRequest("the request contains a NUL character")


def register_input_bounds(app: Flask) -> None:
    """Bound ``<int:…>`` URL parts, JSON bodies and text for every route (call before the
    blueprints are registered)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(refuse_nul_bytes)
