"""organisation: positions, employee fields, competency levels, evidence validation, outside
training, mandatory training

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, column, referred table, ON DELETE)
FK_COLUMNS = [
    ('users', 'position_id', 'positions', 'SET NULL'),
    ('users', 'supervisor_id', 'users', 'SET NULL'),
    ('units', 'head_id', 'users', 'SET NULL'),
    ('competency_evidence', 'rejected_by_id', 'users', 'SET NULL'),
]


def _add_fk_column(table, column, referred, ondelete):
    """Add a nullable integer column with a named foreign key, keeping every row.

    On SQLite a batch copy would DROP the old table, and with foreign keys on that cascades
    deletes into every table referencing it (api tokens, enrolments…); ALTER TABLE ADD COLUMN
    with an inline REFERENCES clause keeps the table and its rows."""
    name = f'fk_{table}_{column}_{referred}'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} '
                   f'REFERENCES {referred} (id) ON DELETE {ondelete}')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, referred, [column], ['id'], ondelete=ondelete)


def upgrade():
    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('code', name=op.f('uq_positions_code'))
    )
    op.create_table('position_competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('competency_code', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_position_competencies_level_range')),
    sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'], name=op.f('fk_position_competencies_competency_code_competencies')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_position_competencies_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position_competencies')),
    sa.UniqueConstraint('position_id', 'competency_code', name=op.f('uq_position_competencies_position_id_competency_code'))
    )
    for table, column, referred, ondelete in FK_COLUMNS:
        _add_fk_column(table, column, referred, ondelete)
    op.add_column('users', sa.Column('golongan', sa.String(length=8), nullable=True))
    op.add_column('competency_evidence', sa.Column('rejected_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_users_position_id'), 'users', ['position_id'], unique=False)
    op.create_index(op.f('ix_users_supervisor_id'), 'users', ['supervisor_id'], unique=False)

    op.create_table('course_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_course_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_assignments_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_assignments')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_course_assignments_user_id_course_id'))
    )
    op.create_index(op.f('ix_course_assignments_course_id'), 'course_assignments', ['course_id'], unique=False)
    op.create_index(op.f('ix_course_assignments_due_on'), 'course_assignments', ['due_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_course_assignments_due_on'), table_name='course_assignments')
    op.drop_index(op.f('ix_course_assignments_course_id'), table_name='course_assignments')
    op.drop_table('course_assignments')
    op.drop_index(op.f('ix_users_supervisor_id'), table_name='users')
    op.drop_index(op.f('ix_users_position_id'), table_name='users')
    for table, column, referred, _ondelete in reversed(FK_COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_{column}_{referred}', type_='foreignkey')
            batch_op.drop_column(column)
    with op.batch_alter_table('competency_evidence', schema=None) as batch_op:
        batch_op.drop_column('rejected_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('golongan')
    op.drop_table('position_competencies')
    op.drop_table('positions')
