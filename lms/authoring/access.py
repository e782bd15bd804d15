"""Loading a course or draft for the signed-in trainer: 404 when absent, 403 when not theirs."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from lms.authoring.drafts import get_draft
from lms.authoring.models import CourseDraft
from lms.authoring.services import can_edit_course, can_edit_draft
from lms.courses.models import Course
from lms.extensions import db


def editable_course(slug: str) -> Course:
    """The course ``slug`` if the current user may edit it."""
    course = db.session.scalar(select(Course).where(Course.slug == slug)) or abort(404)
    if not can_edit_course(db.session, current_user, course):
        abort(403)
    return course


def editable_draft(slug: str) -> CourseDraft:
    """The draft ``slug`` if the current user may edit it."""
    draft = get_draft(db.session, slug) or abort(404)
    if not can_edit_draft(db.session, current_user, draft):
        abort(403)
    return draft
