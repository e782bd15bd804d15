"""Record learning events as complete xAPI 1.0.3 statements, and the forwarding queue."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Insert, insert, select, update
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import CourseVersion, Item
from lms.sql import built_once
from lms.timeutil import utcnow
from lms.xapi import statements
from lms.xapi.models import XapiStatement

KINDS = {"quiz": "assessment", "lesson": "lesson"}  # an item's kind → its activity type


def record(session: Session, *, user: User, verb: str, version: CourseVersion,
           item: Item | None = None, result: dict[str, Any], at: datetime | None = None,
           duration: timedelta | None = None) -> str:
    """Store one learning event on the course (``item`` None) or one of its quizzes or
    lessons, with its statement complete as of now: the learner's name, the titles and the
    site's address (``LMS_BASE_URL``) of this moment are what the LRS will receive, however
    they change later. It is forwarded later, so a slow LRS never slows a learner. Inserted
    at once, in the caller's transaction; returns the statement's id."""
    row = statement_row(user=user, verb=verb, version=version, item=item, result=result,
                        at=at, duration=duration)
    session.execute(insert_statement(), row)
    return row["id"]


def statement_row(*, user: User, verb: str, version: CourseVersion, item: Item | None = None,
                  result: dict[str, Any], at: datetime | None = None,
                  duration: timedelta | None = None) -> dict[str, Any]:
    """The stored row of the event ``record`` inserts, for a caller that inserts it in a
    statement of its own (a quiz attempt and its statement in one, on PostgreSQL)."""
    at = at or utcnow()
    kind = KINDS[item.kind] if item is not None else "course"
    if duration is not None:
        result = {**result, "duration": statements.iso_duration(duration)}
    statement_id = str(uuid.uuid4())
    name = item.title if item is not None else version.title
    return {
        "id": statement_id, "user_id": user.id, "verb": verb, "activity_type": kind,
        "activity_id": version.course.slug + (f".{item.key}" if item is not None else ""),
        "activity_name": name, "result": result, "timestamp": at,
        "statement": statements.build(
            statement_id=statement_id, base_url=current_app.config["BASE_URL"],
            actor_name=user.name, nip=user.nip, verb=verb, user_id=user.id,
            course_id=version.course_id, course_slug=version.course.slug,
            course_title=version.title, kind=kind,
            key=item.key if item is not None else None, title=name, result=result, at=at),
    }


def statement_columns() -> list:
    """The columns a ``statement_row`` fills, in its order."""
    table = XapiStatement.__table__
    return [table.c[name] for name in ("id", "user_id", "verb", "activity_type",
                                       "activity_id", "activity_name", "result", "timestamp",
                                       "statement")]


@built_once
def insert_statement() -> Insert:
    """The insert of a ``statement_row``, built once: a learner's every quiz and lesson
    completion records one statement, and the ORM's unit of work would cost several times the
    INSERT itself."""
    return insert(XapiStatement.__table__)


def pending(session: Session, limit: int = 500) -> list[XapiStatement]:
    """Statements neither forwarded nor parked, oldest first."""
    return list(session.scalars(
        select(XapiStatement)
        .where(XapiStatement.forwarded_at.is_(None), XapiStatement.parked_at.is_(None))
        .order_by(XapiStatement.timestamp, XapiStatement.id).limit(limit)))


def list_parked(session: Session) -> list[XapiStatement]:
    """Statements an LRS refused, oldest first, with their learners."""
    return list(session.scalars(
        select(XapiStatement).where(XapiStatement.parked_at.is_not(None))
        .order_by(XapiStatement.timestamp, XapiStatement.id)))


def requeue_parked(session: Session, ids: list[str] | None = None) -> int:
    """Put parked statements (all, or those of ``ids``) back in the queue; how many."""
    query = update(XapiStatement).where(XapiStatement.parked_at.is_not(None))
    if ids:
        query = query.where(XapiStatement.id.in_(ids))
    count = session.execute(query.values(parked_at=None, parked_reason=None)
                            .execution_options(synchronize_session=False)).rowcount
    session.expire_all()
    return count

