"""xAPI statements stored whole when recorded; statements the LRS refused are parked

Revision ID: 0021
Revises: 0018

Until now a statement was rebuilt from today's names each time it was forwarded, so a learner
renamed after a statement was sent made the LRS refuse its resend (409) and blocked the queue.
Each existing row gets its statement from what is known: the learner's name and NIP today,
the activity as recorded, the course (for the registration and the parent activity of a quiz),
the attempt's duration when its attempt is found, and the row's timestamp and result.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

from lms.xapi import statements

revision = '0021'
down_revision = '0018'
branch_labels = None
depends_on = None

CHUNK = 1000
DEFAULT_BASE_URL = "http://127.0.0.1:5000"  # lms.config's default

xapi = sa.table(
    'xapi_statements', sa.column('id', sa.String), sa.column('user_id', sa.Integer),
    sa.column('verb', sa.String), sa.column('activity_type', sa.String),
    sa.column('activity_id', sa.String), sa.column('activity_name', sa.String),
    sa.column('result', sa.JSON), sa.column('statement', sa.JSON),
    sa.column('timestamp', sa.DateTime))
users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                 sa.column('nip', sa.String))
courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('slug', sa.String),
                   sa.column('current_number', sa.Integer))
versions = sa.table('course_versions', sa.column('course_id', sa.Integer),
                    sa.column('number', sa.Integer), sa.column('title', sa.String))
attempts = sa.table(
    'attempts', sa.column('user_id', sa.Integer), sa.column('course_id', sa.Integer),
    sa.column('quiz_key', sa.String), sa.column('passed', sa.Boolean),
    sa.column('started_at', sa.DateTime), sa.column('submitted_at', sa.DateTime))


def upgrade():
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('parked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('parked_reason', sa.String(length=500), nullable=True))
    _fill(op.get_bind())
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.alter_column('statement', existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_column('parked_reason')
        batch_op.drop_column('parked_at')
        batch_op.drop_column('statement')


def _fill(conn) -> None:
    """Write each row's statement, a chunk of rows at a time."""
    base_url = current_app.config["BASE_URL"] if has_app_context() else DEFAULT_BASE_URL
    known = {slug: (course_id, title) for course_id, slug, title in conn.execute(
        sa.select(courses.c.id, courses.c.slug, versions.c.title).select_from(courses)
        .outerjoin(versions, (versions.c.course_id == courses.c.id)
                   & (versions.c.number == courses.c.current_number)))}
    last = ""
    while True:
        rows = conn.execute(sa.select(xapi).where(xapi.c.id > last)
                            .order_by(xapi.c.id).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1].id
        user_ids = {row.user_id for row in rows}
        people = {p.id: p for p in conn.execute(
            sa.select(users).where(users.c.id.in_(user_ids)))}
        tried: dict[tuple, list] = {}
        for a in conn.execute(sa.select(attempts).where(attempts.c.user_id.in_(user_ids))):
            tried.setdefault((a.user_id, a.course_id, a.quiz_key), []).append(a)
        conn.execute(  # one executemany per chunk
            xapi.update().where(xapi.c.id == sa.bindparam('row_id'))
            .values(statement=sa.bindparam('filled', type_=sa.JSON)),
            [{'row_id': row.id,
              'filled': _statement(row, people[row.user_id], known, tried, base_url)}
             for row in rows])


def _statement(row, person, known: dict, tried: dict, base_url: str) -> dict:
    slug, _, key = row.activity_id.partition('.')
    course_id, course_title = known.get(slug, (None, None))
    result = dict(row.result or {})
    if row.activity_type == 'assessment' and 'duration' not in result:
        attempt = _attempt_of(row, tried.get((row.user_id, course_id, key), []))
        if attempt is not None:
            result['duration'] = statements.iso_duration(
                attempt.submitted_at - attempt.started_at)
    return statements.build(
        statement_id=row.id, base_url=base_url, actor_name=person.name, nip=person.nip,
        verb=row.verb, user_id=row.user_id, course_id=course_id, course_slug=slug,
        course_title=(row.activity_name if row.activity_type == 'course'
                      else course_title or slug),
        kind=row.activity_type, key=key or None, title=row.activity_name, result=result,
        at=_naive(row.timestamp))


def _attempt_of(row, candidates: list):
    """The attempt a quiz statement was recorded for: of the same outcome, the last one
    submitted by the statement's time (it was recorded in the attempt's transaction)."""
    passed = row.verb == 'passed'
    until = _naive(row.timestamp) + timedelta(seconds=1)
    earlier = [a for a in candidates if bool(a.passed) == passed
               and _naive(a.submitted_at) <= until]
    return max(earlier, key=lambda a: _naive(a.submitted_at), default=None)


def _naive(moment) -> datetime:
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment
