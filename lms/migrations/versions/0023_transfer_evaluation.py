"""Transfer evaluation (level 3): days after completion per course version, each course's
questions, and the learners' and supervisors' answers per completion

Revision ID: 0023
Revises: 0022

Existing versions get the default of 60 days.
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('course_versions', sa.Column('evaluation_after_days', sa.Integer(),
                                               server_default='60', nullable=False))
    op.create_table(
        'transfer_question_sets',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('learner_questions', sa.JSON(), nullable=False),
        sa.Column('supervisor_questions', sa.JSON(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_transfer_question_sets_course_id_courses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_transfer_question_sets_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('course_id', name=op.f('pk_transfer_question_sets')),
    )
    op.create_table(
        'transfer_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=12), nullable=False),
        sa.Column('respondent_id', sa.Integer(), nullable=True),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('score', sa.Double(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('learner', 'supervisor')",
                           name=op.f('ck_transfer_responses_role_known')),
        sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 5',
                           name=op.f('ck_transfer_responses_score_range')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_transfer_responses_enrollment_id_enrollments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['respondent_id'], ['users.id'],
                                name=op.f('fk_transfer_responses_respondent_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_responses')),
        sa.UniqueConstraint('enrollment_id', 'role',
                            name=op.f('uq_transfer_responses_enrollment_id_role')),
    )


def downgrade():
    op.drop_table('transfer_responses')
    op.drop_table('transfer_question_sets')
    # In place (SQLite 3.35+ drops a column itself): a batch copy would drop course_versions,
    # which deletes the modules and items referencing it.
    op.drop_column('course_versions', 'evaluation_after_days')
