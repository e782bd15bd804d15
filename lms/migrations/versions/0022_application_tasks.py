"""Application tasks: a course version's task (from tugas.md) and the learners' reports

Revision ID: 0022
Revises: 0021

A report assessed "met" validates the learner's competency evidence of the course in
competency_evidence; the report keeps only its own status.
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'course_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('due_days', sa.Integer(), nullable=True),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'],
                                name=op.f('fk_course_tasks_version_id_course_versions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_tasks')),
        sa.UniqueConstraint('version_id', name=op.f('uq_course_tasks_version_id')),
    )
    op.create_table(
        'task_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('file_name', sa.String(length=80), nullable=True),
        sa.Column('file_type', sa.String(length=40), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('assessed_by_id', sa.Integer(), nullable=True),
        sa.Column('assessed_at', sa.DateTime(), nullable=True),
        sa.Column('feedback', sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('submitted', 'met', 'not_yet')",
                           name=op.f('ck_task_submissions_status_known')),
        sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'],
                                name=op.f('fk_task_submissions_assessed_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_task_submissions_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_task_submissions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task_submissions')),
        sa.UniqueConstraint('user_id', 'course_id', 'attempt',
                            name=op.f('uq_task_submissions_user_id_course_id_attempt')),
    )
    op.create_index('ix_task_submissions_user_id', 'task_submissions', ['user_id'])
    op.create_index('ix_task_submissions_course_id_status', 'task_submissions',
                    ['course_id', 'status'])


def downgrade():
    op.drop_index('ix_task_submissions_course_id_status', table_name='task_submissions')
    op.drop_index('ix_task_submissions_user_id', table_name='task_submissions')
    op.drop_table('task_submissions')
    op.drop_table('course_tasks')
