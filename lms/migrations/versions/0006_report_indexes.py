"""report indexes: JP of a year per employee, best evidenced level per competency

Revision ID: 0006
Revises: 0005

Both reports aggregate every employee in scope. ``jp_ledger (year, user_id, jp, course_id)``
lets "JP and courses of the year per employee" read one index range in user order (no table
lookups, no sort); ``competency_evidence (user_id, competency_code, level)`` does the same for
"highest evidenced level per employee and competency" behind the competency gaps.
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_jp_ledger_year_user_id'), 'jp_ledger',
                    ['year', 'user_id', 'jp', 'course_id'])
    op.create_index(op.f('ix_competency_evidence_user_id_competency_code'),
                    'competency_evidence', ['user_id', 'competency_code', 'level'])


def downgrade():
    op.drop_index(op.f('ix_competency_evidence_user_id_competency_code'),
                  table_name='competency_evidence')
    op.drop_index(op.f('ix_jp_ledger_year_user_id'), table_name='jp_ledger')
