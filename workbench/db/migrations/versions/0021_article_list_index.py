"""a covering index of the article list's short fields on SQLite

The Articles filter matches the id, title, outlet or text. On SQLite the three short fields were
matched by scanning the articles table, which reads every article body with them (10,000
articles of about 3 KB: a 98 MB file). An index holding id, title, outlet and published covers
both the count and the shown page, so the scan reads the index only: the count and page
statements of one filtered page took a median 45-52 ms without it and 15 ms with it at 10,000
articles (`python -m benchmarks article_filter`). The text still goes through the FTS5 index
of 0007. PostgreSQL is unchanged: it has a trigram index on each field (0014).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 14:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_articles_list_fields"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles (id, title, outlet, published)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
