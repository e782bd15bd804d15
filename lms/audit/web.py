"""Recording an audit event from a view: who acted, from the request's address."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_login import current_user

from lms.audit.models import AuditEvent
from lms.audit.services import record_audit
from lms.extensions import db


def audit(action: str, *, target_type: str | None = None, target_id: object = None,
          details: dict[str, Any] | None = None) -> AuditEvent:
    """Append an event for the current request (the view commits it with its change): the
    actor is the API token's user, else the signed-in user."""
    actor = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    return record_audit(db.session, action, actor=actor, target_type=target_type,
                        target_id=target_id, details=details, remote=request.remote_addr)
