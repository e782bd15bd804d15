"""competency level descriptions; outside training evidence linked to evidence and JP

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

EXTERNAL_FK = 'external_training_id'


def upgrade():
    op.create_table(
        'competency_levels',
        sa.Column('competency_code', sa.String(length=16), nullable=False),
        sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_competency_levels_level_range')),
        sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'],
                                name=op.f('fk_competency_levels_competency_code_competencies'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('competency_code', 'level', name=op.f('pk_competency_levels')),
    )
    op.create_table(
        'external_trainings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('provider', sa.String(length=200), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=False),
        sa.Column('jp', sa.Integer(), nullable=False),
        sa.Column('certificate_number', sa.String(length=64), nullable=False),
        sa.Column('competency_code', sa.String(length=16), nullable=True),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('file_name', sa.String(length=80), nullable=False),
        sa.Column('file_type', sa.String(length=40), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('validated_by_id', sa.Integer(), nullable=True),
        sa.Column('validated_at', sa.DateTime(), nullable=True),
        sa.Column('rejected_by_id', sa.Integer(), nullable=True),
        sa.Column('rejected_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('jp >= 0', name=op.f('ck_external_trainings_jp_positive')),
        sa.CheckConstraint('level IS NULL OR level BETWEEN 1 AND 5',
                           name=op.f('ck_external_trainings_level_range')),
        sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'],
                                name=op.f('fk_external_trainings_competency_code_competencies')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_external_trainings_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_external_trainings_recorded_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'],
                                name=op.f('fk_external_trainings_validated_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'],
                                name=op.f('fk_external_trainings_rejected_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_external_trainings')),
    )
    op.create_index(op.f('ix_external_trainings_user_id'), 'external_trainings', ['user_id'])
    # Nothing references these two tables, so SQLite's batch copy (drop and recreate) is safe.
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('version_number', existing_type=sa.Integer(), nullable=True)
        _add_external_link(batch_op, 'competency_evidence')
    with op.batch_alter_table('jp_ledger', schema=None) as batch_op:
        _add_external_link(batch_op, 'jp_ledger')


def _add_external_link(batch_op, table):
    batch_op.add_column(sa.Column(EXTERNAL_FK, sa.Integer(), nullable=True))
    batch_op.create_unique_constraint(op.f(f'uq_{table}_{EXTERNAL_FK}'), [EXTERNAL_FK])
    batch_op.create_foreign_key(op.f(f'fk_{table}_{EXTERNAL_FK}_external_trainings'),
                                'external_trainings', [EXTERNAL_FK], ['id'], ondelete='CASCADE')


def downgrade():
    for table in ('jp_ledger', 'competency_evidence'):
        op.execute(sa.text(f'DELETE FROM {table} WHERE {EXTERNAL_FK} IS NOT NULL'))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_{EXTERNAL_FK}_external_trainings'),
                                     type_='foreignkey')
            batch_op.drop_constraint(op.f(f'uq_{table}_{EXTERNAL_FK}'), type_='unique')
            batch_op.drop_column(EXTERNAL_FK)
            if table == 'competency_evidence':
                batch_op.alter_column('version_number', existing_type=sa.Integer(),
                                      nullable=False)
                batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index(op.f('ix_external_trainings_user_id'), table_name='external_trainings')
    op.drop_table('external_trainings')
    op.drop_table('competency_levels')
