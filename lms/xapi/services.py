"""Record learning events and forward them as xAPI 1.0.3 statements to an LRS."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement

VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
}


class ForwardFailed(Exception):
    """The LRS did not accept the statements."""


def record(session: Session, *, user_id: int, verb: str, activity_type: str, activity_id: str,
           activity_name: str, result: dict[str, Any]) -> XapiStatement:
    """Store one learning event; it is forwarded later, so a slow LRS never slows a learner."""
    statement = XapiStatement(user_id=user_id, verb=verb, activity_type=activity_type,
                              activity_id=activity_id, activity_name=activity_name, result=result)
    session.add(statement)
    return statement


def to_xapi(statement: XapiStatement, base_url: str) -> dict[str, Any]:
    """The xAPI 1.0.3 JSON of a stored statement; activity ids are pages of this site."""
    base = base_url.rstrip("/")
    slug, _, quiz = statement.activity_id.partition(".")
    activity = f"{base}/kursus/{slug}" + (f"/kuis/{quiz}" if quiz else "")
    return {
        "id": statement.id,
        "actor": {"objectType": "Agent", "name": statement.user.name,
                  "account": {"homePage": base, "name": statement.user.nip}},
        "verb": {"id": VERBS[statement.verb], "display": {"en-US": statement.verb}},
        "object": {"objectType": "Activity", "id": activity, "definition": {
            "type": ACTIVITY_TYPES[statement.activity_type],
            "name": {"id-ID": statement.activity_name}}},
        "result": statement.result,
        "timestamp": statement.timestamp.isoformat(timespec="seconds") + "Z",
    }


def pending(session: Session, limit: int = 500) -> list[XapiStatement]:
    """Statements not yet forwarded, oldest first."""
    return list(session.scalars(
        select(XapiStatement).where(XapiStatement.forwarded_at.is_(None))
        .order_by(XapiStatement.timestamp).limit(limit)))


def forward(session: Session, *, endpoint: str, auth: str | None, base_url: str,
            timeout: float = 10) -> int:
    """POST pending statements to ``{endpoint}/statements``; marks them forwarded on success.
    Statement ids make a retry after a lost answer safe: the LRS ignores known ids."""
    batch = pending(session)
    if not batch:
        return 0
    request = urllib.request.Request(
        endpoint.rstrip("/") + "/statements", method="POST",
        data=json.dumps([to_xapi(s, base_url) for s in batch]).encode(),
        headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"})
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if response.status not in (200, 204):
                raise ForwardFailed(f"LRS answered {response.status}")
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection open
        raise ForwardFailed(f"LRS answered {exc.code}") from None
    except OSError as exc:
        raise ForwardFailed(str(exc)) from exc
    now = utcnow()
    for statement in batch:
        statement.forwarded_at = now
    session.flush()
    return len(batch)
