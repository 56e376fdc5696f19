"""article text search through an index that fits each backend

SQLite: an FTS5 table with the trigram tokenizer over the article text, kept in step by
triggers (substring search of three or more characters, case-insensitive). PostgreSQL: a GIN
trigram index on the text when the pg_trgm extension can be created; without it ILIKE scans.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE article_search USING fts5("
    "body, content='articles', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO article_search(rowid, body) VALUES (new.rowid, new.body); END",
    "CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO article_search(article_search, rowid, body) "
    "VALUES ('delete', old.rowid, old.body); END",
    "CREATE TRIGGER article_search_update AFTER UPDATE OF body ON articles BEGIN "
    "INSERT INTO article_search(article_search, rowid, body) "
    "VALUES ('delete', old.rowid, old.body); "
    "INSERT INTO article_search(rowid, body) VALUES (new.rowid, new.body); END",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
)


def upgrade() -> None:
    """Create the search index of the article text."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    if bind.dialect.name != "postgresql":
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        savepoint.rollback()  # not allowed here: searches fall back to an ILIKE scan
        return
    savepoint.commit()
    op.execute("CREATE INDEX ix_articles_body_trgm ON articles USING gin (body gin_trgm_ops)")


def downgrade() -> None:
    """Drop the search index."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS article_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS article_search")
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_body_trgm")
