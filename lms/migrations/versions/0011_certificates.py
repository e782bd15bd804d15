"""certificates: one per course completion, their signing keys, request counts

Revision ID: 0011
Revises: 0010

Every course entry already in the JP ledger gets its certificate here (a random verification
code; the holder's name and NIP as they are now; the competency levels of its evidence); the
PDF and the signed credential follow on first download. `request_counts` limits the public
verification page per client address across processes.
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    certificates = op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('number', sa.String(length=64), nullable=False),
        sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('course_slug', sa.String(length=100), nullable=False),
        sa.Column('holder_name', sa.String(length=200), nullable=False),
        sa.Column('holder_nip', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('jp', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('provider', sa.String(length=200), nullable=True),
        sa.Column('competencies', sa.JSON(), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('completed_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=True),
        sa.Column('agency_name', sa.String(length=200), nullable=True),
        sa.Column('signer_name', sa.String(length=200), nullable=True),
        sa.Column('signer_position', sa.String(length=200), nullable=True),
        sa.Column('key_id', sa.String(length=64), nullable=True),
        sa.Column('credential', sa.Text(), nullable=True),
        sa.Column('pdf_file', sa.String(length=80), nullable=True),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
        sa.Column('signature_status', sa.String(length=16), nullable=False),
        sa.Column('signature_signed_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revocation_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_certificates_course_id_courses'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ledger_entry_id'], ['jp_ledger.id'],
                                name=op.f('fk_certificates_ledger_entry_id_jp_ledger'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'],
                                name=op.f('fk_certificates_revoked_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_certificates_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_certificates_ledger_entry_id')),
        sa.UniqueConstraint('number', name=op.f('uq_certificates_number')),
    )
    op.create_index(op.f('ix_certificates_user_id'), 'certificates', ['user_id'])
    op.create_index(op.f('ix_certificates_course_id'), 'certificates', ['course_id'])
    op.create_table(
        'signing_keys',
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('public_jwk', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('kid', name=op.f('pk_signing_keys')),
    )
    op.create_table(
        'request_counts',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'window_start', name=op.f('pk_request_counts')),
    )
    op.create_index(op.f('ix_request_counts_window_start'), 'request_counts', ['window_start'])
    _backfill(certificates)


def _backfill(certificates):
    """A certificate for every course completion already in the ledger."""
    bind = op.get_bind()
    ledger = sa.table(
        'jp_ledger', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
        sa.column('course_id', sa.Integer), sa.column('external_training_id', sa.Integer),
        sa.column('title', sa.String), sa.column('jp', sa.Integer), sa.column('kind', sa.String),
        sa.column('provider', sa.String), sa.column('started_on', sa.Date),
        sa.column('ended_on', sa.Date), sa.column('certificate_number', sa.String),
        sa.column('recorded_at', sa.DateTime))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('nip', sa.String))
    courses = sa.table('courses', sa.column('id', sa.Integer), sa.column('slug', sa.String))
    enrollments = sa.table('enrollments', sa.column('user_id', sa.Integer),
                           sa.column('course_id', sa.Integer),
                           sa.column('completed_at', sa.DateTime))
    evidence = sa.table('competency_evidence', sa.column('user_id', sa.Integer),
                        sa.column('course_id', sa.Integer),
                        sa.column('competency_code', sa.String), sa.column('level', sa.Integer))
    entries = bind.execute(
        sa.select(ledger, users.c.name, users.c.nip, courses.c.slug, enrollments.c.completed_at)
        .join(users, users.c.id == ledger.c.user_id)
        .join(courses, courses.c.id == ledger.c.course_id)
        .outerjoin(enrollments, (enrollments.c.user_id == ledger.c.user_id)
                   & (enrollments.c.course_id == ledger.c.course_id))
        .where(ledger.c.external_training_id.is_(None)).order_by(ledger.c.id)).mappings().all()
    levels = {}
    for row in bind.execute(sa.select(evidence).where(evidence.c.course_id.is_not(None))
                            .order_by(evidence.c.competency_code)).mappings():
        levels.setdefault((row['user_id'], row['course_id']), []).append(
            {"code": row['competency_code'], "level": row['level']})
    rows = []
    for e in entries:
        when = e['completed_at'] or e['recorded_at']
        rows.append({
            "code": secrets.token_urlsafe(16), "number": e['certificate_number'],
            "ledger_entry_id": e['id'], "user_id": e['user_id'], "course_id": e['course_id'],
            "course_slug": e['slug'], "holder_name": e['name'], "holder_nip": e['nip'],
            "title": e['title'], "jp": e['jp'], "kind": e['kind'], "provider": e['provider'],
            "competencies": levels.get((e['user_id'], e['course_id']), []),
            "started_on": e['started_on'], "completed_on": e['ended_on'],
            "completed_at": when, "created_at": when, "signature_status": "unsigned",
        })
    if rows:
        op.bulk_insert(certificates, rows)


def downgrade():
    op.drop_index(op.f('ix_request_counts_window_start'), table_name='request_counts')
    op.drop_table('request_counts')
    op.drop_table('signing_keys')
    op.drop_index(op.f('ix_certificates_course_id'), table_name='certificates')
    op.drop_index(op.f('ix_certificates_user_id'), table_name='certificates')
    op.drop_table('certificates')
