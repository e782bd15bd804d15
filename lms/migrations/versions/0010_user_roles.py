"""several roles per account: a user_roles table replaces users.role

Revision ID: 0010
Revises: 0009

Each user's single role becomes their set of one (an admin keeps admin). Stepping down keeps
the most powerful role of each set (admin, then manager, trainer, learner).

The column is dropped in place (SQLite 3.35 and later can), never by copying ``users`` into a
new table: with foreign keys on, dropping the old table would cascade to every row that
references a user (enrolments, evidence, tokens...).
"""
import sqlite3

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ROLES = ('learner', 'trainer', 'manager', 'admin')


def upgrade():
    if op.get_bind().dialect.name == 'sqlite' and sqlite3.sqlite_version_info < (3, 35):
        raise RuntimeError(f'SQLite {sqlite3.sqlite_version} cannot drop a column in place; '
                           'this upgrade needs SQLite 3.35 or later')
    op.create_table(
        'user_roles',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.CheckConstraint("role IN ('learner', 'trainer', 'manager', 'admin')",
                           name=op.f('ck_user_roles_role')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles')),
    )
    op.create_index('ix_user_roles_role_user_id', 'user_roles', ['role', 'user_id'])
    # A role outside the four (none can be stored through the application) becomes learner.
    op.execute(
        "INSERT INTO user_roles (user_id, role) SELECT id, CASE WHEN role IN "
        "('learner', 'trainer', 'manager', 'admin') THEN role ELSE 'learner' END FROM users")
    op.drop_column('users', 'role')


def downgrade():
    # Added in place; the default stays (removing it would copy the table on SQLite).
    op.add_column('users', sa.Column('role', sa.String(length=16), nullable=False,
                                     server_default='learner'))
    for role in ROLES[1:]:  # from the least to the most powerful: the last one written wins
        op.execute(sa.text(
            "UPDATE users SET role = :role WHERE id IN "
            "(SELECT user_id FROM user_roles WHERE role = :role)").bindparams(role=role))
    op.drop_index('ix_user_roles_role_user_id', table_name='user_roles')
    op.drop_table('user_roles')
