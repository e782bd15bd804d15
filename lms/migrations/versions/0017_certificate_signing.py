"""certificate signing with BSrE: the signer role, an official's NIK, who signed and why not

Revision ID: 0017
Revises: 0016

``user_roles`` accepts the ``signer`` role (penandatangan). PostgreSQL changes the CHECK
constraint in place; SQLite cannot, so it copies ``user_roles`` (no table references it, so
nothing cascades). Certificates keep who signed them with a TTE and their last failure.
Stepping down turns a signer who holds no other role into a learner.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OLD = "role IN ('learner', 'trainer', 'manager', 'admin')"
NEW = "role IN ('learner', 'signer', 'trainer', 'manager', 'admin')"


def _roles_check(condition):
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_user_roles_role'), 'user_roles', type_='check')
        op.create_check_constraint(op.f('ck_user_roles_role'), 'user_roles', condition)
        return
    op.create_table(
        'user_roles_next',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.CheckConstraint(condition, name=op.f('ck_user_roles_role')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_roles_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles')),
    )
    op.execute('INSERT INTO user_roles_next (user_id, role) SELECT user_id, role FROM user_roles')
    op.drop_index('ix_user_roles_role_user_id', table_name='user_roles')
    op.drop_table('user_roles')
    op.rename_table('user_roles_next', 'user_roles')
    op.create_index('ix_user_roles_role_user_id', 'user_roles', ['role', 'user_id'])


def upgrade():
    _roles_check(NEW)
    op.add_column('users', sa.Column('nik', sa.String(length=16), nullable=True))
    op.add_column('certificates', sa.Column('signature_signer_name', sa.String(length=200),
                                            nullable=True))
    op.add_column('certificates', sa.Column('signature_error', sa.String(length=300),
                                            nullable=True))
    op.add_column('certificates', sa.Column('signature_failed_at', sa.DateTime(),
                                            nullable=True))


def downgrade():
    op.drop_column('certificates', 'signature_failed_at')
    op.drop_column('certificates', 'signature_error')
    op.drop_column('certificates', 'signature_signer_name')
    op.drop_column('users', 'nik')
    op.execute("INSERT INTO user_roles (user_id, role) SELECT user_id, 'learner' FROM user_roles "
               "r WHERE role = 'signer' AND NOT EXISTS (SELECT 1 FROM user_roles o WHERE "
               "o.user_id = r.user_id AND o.role <> 'signer')")
    op.execute("DELETE FROM user_roles WHERE role = 'signer'")
    _roles_check(OLD)
