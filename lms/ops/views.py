"""``GET /healthz`` for load balancers and monitoring: no sign-in, no secrets, never cached."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, jsonify

from lms.extensions import db
from lms.ops import bp
from lms.ops.health import run_checks


@bp.get("/healthz")
def healthz():
    """200 when the database and upload folder are writable and the disk has room, else 503
    with the failing checks."""
    checks = run_checks(db.engine, Path(current_app.config["UPLOAD_FOLDER"]),
                        int(current_app.config["HEALTH_MIN_FREE_MB"]))
    healthy = all(check.ok for check in checks.values())
    response = jsonify({"status": "ok" if healthy else "failing",
                        "checks": {name: check.as_json() for name, check in checks.items()}})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
