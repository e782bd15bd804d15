"""Catalogue search: the searchable parts of every published version, indexed in full text

Revision ID: 0014
Revises: 0013

``search_entries`` holds, per version, the course, its modules, lessons and quizzes with their
words as Indonesian stems. SQLite indexes them in the FTS5 table ``search_fts`` (external
content, kept in step by triggers); PostgreSQL in a GIN index on their weighted ``tsvector``.
The current versions of existing courses are indexed here; later versions when published.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_stems, body_stems, "
    "content='search_entries', content_rowid='id')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title_stems, body_stems) "
    "VALUES (new.id, new.title_stems, new.body_stems); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems) "
    "VALUES ('delete', old.id, old.title_stems, old.body_stems); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems) "
    "VALUES ('delete', old.id, old.title_stems, old.body_stems); "
    "INSERT INTO search_fts(rowid, title_stems, body_stems) "
    "VALUES (new.id, new.title_stems, new.body_stems); END",
)
_POSTGRESQL = (
    "CREATE INDEX ix_search_entries_fts ON search_entries USING gin (("
    "setweight(to_tsvector('simple', title_stems), 'A') || "
    "setweight(to_tsvector('simple', body_stems), 'B')))",
)


def upgrade():
    op.create_table(
        'search_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('item_key', sa.String(length=100), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('context', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('title_stems', sa.Text(), nullable=False),
        sa.Column('body_stems', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_search_entries_version_id', 'search_entries', ['version_id'])
    bind = op.get_bind()
    for statement in _SQLITE if bind.dialect.name == 'sqlite' else _POSTGRESQL:
        op.execute(statement)
    _index_current_versions(bind)


def _index_current_versions(bind):
    # The same words and stems as ``index_version`` writes for a new version.
    from lms.courses.search import plain_text, stems

    rows = []
    versions = bind.execute(sa.text(
        "SELECT v.id, v.title, v.summary, v.description_html FROM course_versions v "
        "JOIN courses c ON c.id = v.course_id AND c.current_number = v.number")).all()
    for version_id, title, summary, description in versions:
        codes = " ".join(bind.execute(sa.text(
            "SELECT competency_code FROM course_competencies WHERE version_id = :v "
            "ORDER BY id"), {"v": version_id}).scalars())
        rows.append((version_id, 'course', None, title, '',
                     f"{summary} {plain_text(description)} {codes}"))
        modules = bind.execute(sa.text(
            "SELECT id, title, summary, intro_html FROM modules WHERE version_id = :v "
            "ORDER BY position"), {"v": version_id}).all()
        for module_id, module_title, module_summary, intro in modules:
            rows.append((version_id, 'module', None, module_title, '',
                         f"{module_summary} {plain_text(intro)}".strip()))
            items = bind.execute(sa.text(
                "SELECT kind, key, title, body_html FROM items WHERE module_id = :m "
                "ORDER BY position"), {"m": module_id}).all()
            rows += [(version_id, kind, key, item_title, module_title, plain_text(body))
                     for kind, key, item_title, body in items]
    entries = sa.table('search_entries', *(sa.column(name) for name in (
        'version_id', 'kind', 'item_key', 'title', 'context', 'body', 'title_stems',
        'body_stems')))
    if rows:
        op.bulk_insert(entries, [
            {'version_id': v, 'kind': kind, 'item_key': key, 'title': title[:200],
             'context': context[:200], 'body': body, 'title_stems': stems(title),
             'body_stems': stems(f"{context} {body}")}
            for v, kind, key, title, context, body in rows])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER search_entries_au")
        op.execute("DROP TRIGGER search_entries_ad")
        op.execute("DROP TRIGGER search_entries_ai")
        op.execute("DROP TABLE search_fts")
    op.drop_index('ix_search_entries_version_id', table_name='search_entries')
    op.drop_table('search_entries')
