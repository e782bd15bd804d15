"""Mentoring and coaching programmes, their mentees and the sessions logged

Revision ID: 0018
Revises: 0017

A validated mentee's JP and evidence live in the JP ledger and competency_evidence as any
other; the mentee's row keeps the level, the JP and its evidence row.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mentoring_programmes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('competency_code', sa.String(length=16), nullable=False),
        sa.Column('goals', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_on >= starts_on',
                           name=op.f('ck_mentoring_programmes_period_ordered')),
        sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'],
                                name=op.f('fk_mentoring_programmes_competency_code_competencies')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_mentoring_programmes_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['mentor_id'], ['users.id'],
                                name=op.f('fk_mentoring_programmes_mentor_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_programmes')),
    )
    op.create_index('ix_mentoring_programmes_mentor_id', 'mentoring_programmes', ['mentor_id'])
    op.create_table(
        'mentoring_mentees',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('validated_by_id', sa.Integer(), nullable=True),
        sa.Column('validated_at', sa.DateTime(), nullable=True),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('jp', sa.Integer(), nullable=True),
        sa.Column('evidence_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('level IS NULL OR level BETWEEN 1 AND 5',
                           name=op.f('ck_mentoring_mentees_level_range')),
        sa.ForeignKeyConstraint(['evidence_id'], ['competency_evidence.id'],
                                name=op.f('fk_mentoring_mentees_evidence_id_competency_evidence'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['programme_id'], ['mentoring_programmes.id'],
                                name=op.f('fk_mentoring_mentees_programme_id_mentoring_programmes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_mentoring_mentees_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'],
                                name=op.f('fk_mentoring_mentees_validated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_mentees')),
        sa.UniqueConstraint('evidence_id', name=op.f('uq_mentoring_mentees_evidence_id')),
        sa.UniqueConstraint('programme_id', 'user_id',
                            name=op.f('uq_mentoring_mentees_programme_id_user_id')),
    )
    op.create_index('ix_mentoring_mentees_user_id', 'mentoring_mentees', ['user_id'])
    op.create_table(
        'mentoring_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentee_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('next_steps', sa.Text(), nullable=False),
        sa.Column('logged_by_id', sa.Integer(), nullable=True),
        sa.Column('logged_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('minutes BETWEEN 1 AND 480',
                           name=op.f('ck_mentoring_sessions_minutes_range')),
        sa.ForeignKeyConstraint(['logged_by_id'], ['users.id'],
                                name=op.f('fk_mentoring_sessions_logged_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['mentee_id'], ['mentoring_mentees.id'],
                                name=op.f('fk_mentoring_sessions_mentee_id_mentoring_mentees'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_sessions')),
    )
    op.create_index('ix_mentoring_sessions_mentee_id_held_on', 'mentoring_sessions',
                    ['mentee_id', 'held_on'])


def downgrade():
    op.drop_index('ix_mentoring_sessions_mentee_id_held_on', table_name='mentoring_sessions')
    op.drop_table('mentoring_sessions')
    op.drop_index('ix_mentoring_mentees_user_id', table_name='mentoring_mentees')
    op.drop_table('mentoring_mentees')
    op.drop_index('ix_mentoring_programmes_mentor_id', table_name='mentoring_programmes')
    op.drop_table('mentoring_programmes')
