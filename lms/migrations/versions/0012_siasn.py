"""SIASN training history: person ids, the state of each JP record in SIASN, the mapping

Revision ID: 0012
Revises: 0011

Employees get SIASN's person id (pnsOrangId); each JP ledger entry a push claimed gets a row
with its SIASN state (sending, sent with the rwKursusId, refused with SIASN's reason...); the
admin's choice of jenisDiklatId per ledger source is kept per source.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # In place, never by copying ``users`` (on SQLite, with foreign keys on, dropping the old
    # table would cascade to every row that references a user): a unique index, not a
    # constraint.
    op.add_column('users', sa.Column('siasn_person_id', sa.String(length=64), nullable=True))
    op.create_index('ix_users_siasn_person_id', 'users', ['siasn_person_id'], unique=True)
    op.create_table(
        'siasn_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('claim', sa.String(length=32), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('rw_kursus_id', sa.String(length=64), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('document_status', sa.String(length=12), nullable=True),
        sa.Column('document_uri', sa.String(length=300), nullable=True),
        sa.Column('document_error', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['ledger_entry_id'], ['jp_ledger.id'],
                                name=op.f('fk_siasn_records_ledger_entry_id_jp_ledger'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_siasn_records')),
        sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_siasn_records_ledger_entry_id')),
    )
    op.create_table(
        'siasn_kind_codes',
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('jenis_diklat_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_siasn_kind_codes_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('source', name=op.f('pk_siasn_kind_codes')),
    )


def downgrade():
    op.drop_table('siasn_kind_codes')
    op.drop_table('siasn_records')
    op.drop_index('ix_users_siasn_person_id', table_name='users')
    op.drop_column('users', 'siasn_person_id')
