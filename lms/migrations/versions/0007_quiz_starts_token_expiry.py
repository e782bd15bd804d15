"""quiz starts; API tokens with a name and an expiry

Revision ID: 0007
Revises: 0006

``quiz_starts`` records on the server when a learner started a quiz attempt, so a timed quiz
cannot be submitted late through the API or restarted by reloading its page. API tokens gain
a name and an expiry: tokens issued before this migration were already stored as SHA-256
hashes only; they are named "API" and expire 365 days after the upgrade.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_starts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('quiz_key', sa.String(length=100), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_starts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_starts_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], name=op.f('fk_quiz_starts_version_id_course_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_starts')),
    sa.UniqueConstraint('user_id', 'course_id', 'quiz_key', name=op.f('uq_quiz_starts_user_id_course_id_quiz_key'))
    )
    with op.batch_alter_table('quiz_starts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_starts_course_id'), ['course_id'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
    expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=365)
    tokens = sa.table("api_tokens", sa.column("name", sa.String),
                      sa.column("expires_at", sa.DateTime))
    op.execute(tokens.update().values(name='API', expires_at=expires))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('quiz_starts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_starts_course_id'))

    op.drop_table('quiz_starts')
