"""Offline actions: what learners did without a signal, received once per idempotency key

Revision ID: 0015
Revises: 0014

A lesson marked done or untimed quiz answers, queued on the learner's device and sent when the
signal returns; the unique (user, key) makes a double send apply once and answer the same.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'offline_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('item_key', sa.String(length=100), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('happened_at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'],
                                name=op.f('fk_offline_actions_attempt_id_attempts'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_offline_actions_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_offline_actions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_actions')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_offline_actions_user_id_key')),
    )
    op.create_index(op.f('ix_offline_actions_course_id'), 'offline_actions', ['course_id'])


def downgrade():
    op.drop_index(op.f('ix_offline_actions_course_id'), table_name='offline_actions')
    op.drop_table('offline_actions')
