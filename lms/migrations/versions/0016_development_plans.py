"""Individual development plans, one per employee and year, and their items

Revision ID: 0016
Revises: 0015

What an item achieved is not stored: it is read from the JP ledger (a course completion,
or an entry of the item's kind and competency) of the plan's year.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'development_plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('return_comment', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_development_plans_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_development_plans_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_development_plans_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_development_plans')),
        sa.UniqueConstraint('user_id', 'year', name=op.f('uq_development_plans_user_id_year')),
    )
    op.create_index('ix_development_plans_status_submitted_at', 'development_plans',
                    ['status', 'submitted_at'])
    op.create_table(
        'plan_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('competency_code', sa.String(length=16), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('target_on', sa.Date(), nullable=False),
        sa.Column('jp', sa.Integer(), nullable=False),
        sa.CheckConstraint('jp >= 1', name=op.f('ck_plan_items_jp_positive')),
        sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'],
                                name=op.f('fk_plan_items_competency_code_competencies')),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_plan_items_course_id_courses'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['plan_id'], ['development_plans.id'],
                                name=op.f('fk_plan_items_plan_id_development_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items')),
    )
    op.create_index('ix_plan_items_plan_id', 'plan_items', ['plan_id'])


def downgrade():
    op.drop_index('ix_plan_items_plan_id', table_name='plan_items')
    op.drop_table('plan_items')
    op.drop_index('ix_development_plans_status_submitted_at', table_name='development_plans')
    op.drop_table('development_plans')
