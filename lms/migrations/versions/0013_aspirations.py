"""Aspirations (proposed training needs) with colleagues' support, and the competency of a
JP ledger entry

Revision ID: 0013
Revises: 0012

Ledger entries get the competency the activity develops (filled for validated outside
trainings that name one), so development plans can match their items to the ledger.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # In place (see 0003): on SQLite a batch copy of jp_ledger would cascade deletes.
    name = 'fk_jp_ledger_competency_code_competencies'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE jp_ledger ADD COLUMN competency_code VARCHAR(16) '
                   f'CONSTRAINT {name} REFERENCES competencies (code)')
    else:
        op.add_column('jp_ledger', sa.Column('competency_code', sa.String(length=16),
                                             nullable=True))
        op.create_foreign_key(name, 'jp_ledger', 'competencies', ['competency_code'], ['code'])
    op.execute('UPDATE jp_ledger SET competency_code = (SELECT t.competency_code FROM '
               'external_trainings t WHERE t.id = jp_ledger.external_training_id) '
               'WHERE external_training_id IS NOT NULL')
    op.create_table(
        'aspirations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('competency_code', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('colleagues', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('answer_course_id', sa.Integer(), nullable=True),
        sa.Column('answer_note', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('colleagues >= 1', name=op.f('ck_aspirations_colleagues_positive')),
        sa.ForeignKeyConstraint(['answer_course_id'], ['courses.id'],
                                name=op.f('fk_aspirations_answer_course_id_courses'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_aspirations_answered_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'],
                                name=op.f('fk_aspirations_competency_code_competencies')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_aspirations_unit_id_units')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_aspirations_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_aspirations')),
    )
    op.create_index('ix_aspirations_user_id', 'aspirations', ['user_id'])
    op.create_index('ix_aspirations_unit_id_status', 'aspirations', ['unit_id', 'status'])
    op.create_table(
        'aspiration_supports',
        sa.Column('aspiration_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['aspiration_id'], ['aspirations.id'],
                                name=op.f('fk_aspiration_supports_aspiration_id_aspirations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_aspiration_supports_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('aspiration_id', 'user_id', name=op.f('pk_aspiration_supports')),
    )
    op.create_index('ix_aspiration_supports_user_id', 'aspiration_supports', ['user_id'])


def downgrade():
    op.drop_table('aspiration_supports')
    op.drop_index('ix_aspirations_unit_id_status', table_name='aspirations')
    op.drop_index('ix_aspirations_user_id', table_name='aspirations')
    op.drop_table('aspirations')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE jp_ledger DROP COLUMN competency_code')
    else:
        op.drop_constraint('fk_jp_ledger_competency_code_competencies', 'jp_ledger',
                           type_='foreignkey')
        op.drop_column('jp_ledger', 'competency_code')
