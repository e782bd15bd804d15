"""manager workflow: rejection reasons, e-mail addresses, assignment history, notifications

Revision ID: 0009
Revises: 0008

Rejected evidence and outside training keep the reviewer's reason; employees get an e-mail
address and may turn e-mail off; every change to a course assignment is kept (by employee and
course, so the history survives a cancelled assignment); notifications are unique per person
and event so that `lms notify` creates and sends each exactly once.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('competency_evidence', 'external_trainings'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('rejection_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('email_notifications', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_table(
        'assignment_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('old_due_on', sa.Date(), nullable=True),
        sa.Column('new_due_on', sa.Date(), nullable=True),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'],
                                name=op.f('fk_assignment_changes_changed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_assignment_changes_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_assignment_changes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_changes')),
    )
    op.create_index('ix_assignment_changes_user_id_course_id', 'assignment_changes',
                    ['user_id', 'course_id'])
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('email_status', sa.String(length=12), nullable=False),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_claimed_until', sa.DateTime(), nullable=True),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.Column('email_error', sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_notifications_user_id_key')),
    )
    op.create_index('ix_notifications_user_id_read_at', 'notifications', ['user_id', 'read_at'])
    op.create_index(op.f('ix_notifications_email_status'), 'notifications', ['email_status'])


def downgrade():
    op.drop_index(op.f('ix_notifications_email_status'), table_name='notifications')
    op.drop_index('ix_notifications_user_id_read_at', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_assignment_changes_user_id_course_id', table_name='assignment_changes')
    op.drop_table('assignment_changes')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email_notifications')
        batch.drop_column('email')
    for table in ('external_trainings', 'competency_evidence'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('rejection_reason')
