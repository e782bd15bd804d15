"""authoring: drafts, course owners, feedback

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'course_owners',
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_course_owners_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_course_owners_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_owners')),
    )
    op.create_index(op.f('ix_course_owners_user_id'), 'course_owners', ['user_id'])
    op.create_table(
        'course_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=100), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('base_number', sa.Integer(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('revisions', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('lock', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_course_drafts_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_course_drafts_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_course_drafts_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_drafts')),
        sa.UniqueConstraint('slug', name=op.f('uq_course_drafts_slug')),
    )
    op.create_table(
        'draft_assets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['course_drafts.id'],
                                name=op.f('fk_draft_assets_draft_id_course_drafts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_assets')),
        sa.UniqueConstraint('draft_id', 'path', name=op.f('uq_draft_assets_draft_id_path')),
    )
    op.create_table(
        'course_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('version_number', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_course_feedback_rating_range')),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_course_feedback_course_id_courses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_course_feedback_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_feedback')),
        sa.UniqueConstraint('user_id', 'course_id', 'version_number',
                            name=op.f('uq_course_feedback_user_id_course_id_version_number')),
    )
    op.create_index(op.f('ix_course_feedback_course_id'), 'course_feedback', ['course_id'])


def downgrade():
    op.drop_index(op.f('ix_course_feedback_course_id'), table_name='course_feedback')
    op.drop_table('course_feedback')
    op.drop_table('draft_assets')
    op.drop_table('course_drafts')
    op.drop_index(op.f('ix_course_owners_user_id'), table_name='course_owners')
    op.drop_table('course_owners')
